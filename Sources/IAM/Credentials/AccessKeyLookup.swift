import AWSWire
import BulwarkCore
import Foundation
import GRDB
import Store

/// What authentication learns about the key that signed a request.
public struct KeyOwner: Sendable {
    public let principal: Principal
    /// The key's secret, kept to presign URLs on the caller's behalf.
    public let secretAccessKey: String
    public let sessionToken: String?
    /// The owner's policies as they were when its key was read, for the authorize stage.
    public let policies: CallerPolicies
}

/// Finds access keys for the SigV4 verifier: long-term keys of the account root and of IAM users,
/// and STS temporary credentials (checked against their session token and expiry).
///
/// The key, its owner and the owner's policies are read in one transaction. Temporary credentials
/// find their role or user by its unique id, so that they die with it: a role deleted and created
/// again under the same name is another role.
///
/// A key found is kept until the next write to the store (``StoreReadCache``): deactivating or
/// deleting a key, changing a policy, deleting a role take effect with the request after them. Only
/// the expiry of temporary credentials depends on time; it is checked on every request.
public struct AccessKeyLookup: SigV4CredentialLookup {
    private struct Presented: Hashable, Sendable {
        let accessKeyID: String
        let sessionToken: String?
    }

    private let database: BulwarkDatabase
    private let clock: WallClock
    private let found: StoreReadCache<Presented, SigV4SecretLookup<KeyOwner>>

    public init(database: BulwarkDatabase, clock: WallClock) {
        self.database = database
        self.clock = clock
        found = StoreReadCache(database: database)
    }

    public func secret(forAccessKeyID accessKeyID: String, sessionToken: String?) async throws -> SigV4SecretLookup<KeyOwner> {
        let now = clock.now()
        let lookup = try await found.value(
            for: Presented(accessKeyID: accessKeyID, sessionToken: sessionToken),
            keeping: { if case .found = $0 { true } else { false } },
            read: { try await database.read { db in try Self.find(db, accessKeyID: accessKeyID, sessionToken: sessionToken, now: now) } }
        )
        if case .found(_, let owner) = lookup, let expiresAt = owner.principal.session?.expiresAt, expiresAt <= now {
            return .expiredSessionToken
        }
        return lookup
    }

    private static func find(_ db: Database, accessKeyID: String, sessionToken: String?, now: Date) throws -> SigV4SecretLookup<KeyOwner> {
        if let key = try AccessKeyRecord.fetchOne(db, key: accessKeyID) {
            // A long-term key presented with a session token is refused, as AWS does.
            if sessionToken != nil { return .invalidSessionToken }
            guard key.status == .active else { return .inactiveAccessKey }
            guard let userName = key.userName else {
                let root = Principal.root(accountID: key.accountID)
                return .found(
                    secretAccessKey: key.secretAccessKey,
                    identity: KeyOwner(principal: root, secretAccessKey: key.secretAccessKey, sessionToken: nil, policies: .none(for: root)))
            }
            guard let user = try IAMRepository.principal(db, .user, accountID: key.accountID, name: userName) else { return .unknownAccessKey }
            let principal = principal(of: user)
            return .found(
                secretAccessKey: key.secretAccessKey,
                identity: KeyOwner(
                    principal: principal, secretAccessKey: key.secretAccessKey, sessionToken: nil,
                    policies: try .user(principal, record: user, texts: IAMRepository.policyTexts(db, of: user))))
        }
        guard
            let session = try SessionRecord.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM stsSession WHERE accessKeyID = ?"), arguments: [accessKeyID])
        else {
            return sessionToken == nil ? .unknownAccessKey : .invalidSessionToken
        }
        guard let sessionToken, SessionIssuer.hash(sessionToken) == session.sessionTokenHash else { return .invalidSessionToken }
        guard session.expiresAt > now else { return .expiredSessionToken }
        guard let owner = try owner(db, of: session, sessionToken: sessionToken) else { return .invalidSessionToken }
        return .found(secretAccessKey: session.secretAccessKey, identity: owner)
    }

    /// The owner of a federated user session: the session of `GetFederationToken`'s caller, an IAM
    /// user (bound to its unique id) or the root (its account id).
    private static func federatedOwner(
        _ db: Database, of session: SessionRecord, principalID: String, sessionToken: String, tags: [String: String]
    ) throws -> KeyOwner? {
        let user: IAMPrincipalRecord?
        if principalID == session.accountID {
            user = nil
        } else {
            guard let found = try IAMRepository.principal(db, .user, uniqueID: principalID), found.accountID == session.accountID else {
                return nil
            }
            user = found
        }
        let name = session.principalName
        let principal = Principal(
            kind: .federatedUser,
            accountID: session.accountID,
            arn: "arn:aws:sts::\(session.accountID):federated-user/\(name)",
            principalID: "\(session.accountID):\(name)",
            session: Principal.Session(
                issuerARN: user?.arn ?? "arn:aws:iam::\(session.accountID):root", issuerName: user?.name ?? session.accountID,
                sessionName: nil, issuedAt: session.issuedAt, expiresAt: session.expiresAt, mfaAuthenticatedAt: nil,
                policy: session.sessionPolicy, tags: tags, sourceFunctionARN: nil, policyARNs: session.sessionPolicyARNs,
                issuerID: user?.uniqueID ?? session.accountID
            )
        )
        return KeyOwner(
            principal: principal, secretAccessKey: session.secretAccessKey, sessionToken: sessionToken,
            policies: try .federatedUser(
                principal, user: user, texts: try user.map { try IAMRepository.policyTexts(db, of: $0) },
                sessionPolicies: IAMRepository.sessionPolicyTexts(db, arns: session.sessionPolicyARNs)))
    }

    /// The principal of a long-term key of an IAM user.
    static func principal(of user: IAMPrincipalRecord) -> Principal {
        Principal(kind: .iamUser, accountID: user.accountID, arn: user.arn, principalID: user.uniqueID, userName: user.name)
    }

    /// The owner of temporary credentials; nil when the role or user they were issued for is gone.
    private static func owner(_ db: Database, of session: SessionRecord, sessionToken: String) throws -> KeyOwner? {
        let tags = Dictionary(session.tags.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
        // Sessions issued before sessions named their principal's unique id are not honoured.
        guard let principalID = session.principalID else { return nil }
        switch session.kind {
        case .roleSession:
            guard let role = try IAMRepository.principal(db, .role, uniqueID: principalID), role.accountID == session.accountID else {
                return nil
            }
            let sessionName = session.sessionName ?? ""
            let principal = Principal(
                kind: .assumedRole,
                accountID: session.accountID,
                arn: "arn:aws:sts::\(session.accountID):assumed-role/\(role.name)/\(sessionName)",
                principalID: "\(role.uniqueID):\(sessionName)",
                session: Principal.Session(
                    issuerARN: role.arn, issuerName: role.name, sessionName: sessionName, issuedAt: session.issuedAt,
                    expiresAt: session.expiresAt, mfaAuthenticatedAt: session.mfaAuthenticatedAt, policy: session.sessionPolicy,
                    tags: tags, sourceFunctionARN: session.sourceFunctionARN, transitiveTagKeys: Set(session.transitiveTagKeys),
                    policyARNs: session.sessionPolicyARNs
                )
            )
            return KeyOwner(
                principal: principal, secretAccessKey: session.secretAccessKey, sessionToken: sessionToken,
                policies: try .roleSession(
                    principal, role: role, texts: IAMRepository.policyTexts(db, of: role),
                    sessionPolicies: IAMRepository.sessionPolicyTexts(db, arns: session.sessionPolicyARNs)))
        case .federatedUser:
            return try federatedOwner(db, of: session, principalID: principalID, sessionToken: sessionToken, tags: tags)
        case .userSession:
            let userSession = Principal.Session(
                issuerARN: nil, issuerName: nil, sessionName: nil, issuedAt: session.issuedAt, expiresAt: session.expiresAt,
                mfaAuthenticatedAt: session.mfaAuthenticatedAt, policy: nil, tags: tags, sourceFunctionARN: nil
            )
            if session.principalName.isEmpty {
                guard principalID == session.accountID else { return nil }
                var root = Principal.root(accountID: session.accountID)
                root.session = userSession
                return KeyOwner(principal: root, secretAccessKey: session.secretAccessKey, sessionToken: sessionToken, policies: .none(for: root))
            }
            guard let user = try IAMRepository.principal(db, .user, uniqueID: principalID), user.accountID == session.accountID else {
                return nil
            }
            var principal = principal(of: user)
            principal.session = userSession
            return KeyOwner(
                principal: principal, secretAccessKey: session.secretAccessKey, sessionToken: sessionToken,
                policies: try .user(principal, record: user, texts: IAMRepository.policyTexts(db, of: user)))
        }
    }
}
