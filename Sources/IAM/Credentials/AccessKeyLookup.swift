import AWSWire
import BulwarkCore
import Foundation
import Store

/// What authentication learns about the key that signed a request.
public struct KeyOwner: Sendable {
    public let principal: Principal
    /// The key's secret, kept to presign URLs on the caller's behalf.
    public let secretAccessKey: String
    public let sessionToken: String?
}

/// Finds access keys for the SigV4 verifier: long-term keys of the account root and of IAM users,
/// and STS temporary credentials (checked against their session token and expiry).
public struct AccessKeyLookup: SigV4CredentialLookup {
    private let database: BulwarkDatabase
    private let clock: WallClock

    public init(database: BulwarkDatabase, clock: WallClock) {
        self.database = database
        self.clock = clock
    }

    public func secret(forAccessKeyID accessKeyID: String, sessionToken: String?) async throws -> SigV4SecretLookup<KeyOwner> {
        if let key = try await database.accounts.accessKey(accessKeyID) {
            // A long-term key presented with a session token is refused, as AWS does.
            if sessionToken != nil { return .invalidSessionToken }
            guard key.status == .active else { return .inactiveAccessKey }
            guard let userName = key.userName else {
                return .found(
                    secretAccessKey: key.secretAccessKey,
                    identity: KeyOwner(principal: .root(accountID: key.accountID), secretAccessKey: key.secretAccessKey, sessionToken: nil))
            }
            guard let user = try await database.iam.principal(.user, accountID: key.accountID, name: userName) else { return .unknownAccessKey }
            return .found(
                secretAccessKey: key.secretAccessKey,
                identity: KeyOwner(principal: Self.principal(of: user), secretAccessKey: key.secretAccessKey, sessionToken: nil))
        }
        guard let session = try await database.credentials.session(accessKeyID) else {
            return sessionToken == nil ? .unknownAccessKey : .invalidSessionToken
        }
        guard let sessionToken, SessionIssuer.hash(sessionToken) == session.sessionTokenHash else { return .invalidSessionToken }
        guard session.expiresAt > clock.now() else { return .expiredSessionToken }
        guard let principal = try await principal(of: session) else { return .invalidSessionToken }
        return .found(
            secretAccessKey: session.secretAccessKey,
            identity: KeyOwner(principal: principal, secretAccessKey: session.secretAccessKey, sessionToken: sessionToken))
    }

    /// The principal of a long-term key of an IAM user.
    static func principal(of user: IAMPrincipalRecord) -> Principal {
        Principal(kind: .iamUser, accountID: user.accountID, arn: user.arn, principalID: user.uniqueID, userName: user.name)
    }

    /// The principal of temporary credentials; nil when the role or user is gone.
    private func principal(of session: SessionRecord) async throws -> Principal? {
        let tags = Dictionary(session.tags.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
        switch session.kind {
        case .roleSession:
            guard let role = try await database.iam.principal(.role, accountID: session.accountID, name: session.principalName) else { return nil }
            let sessionName = session.sessionName ?? ""
            return Principal(
                kind: .assumedRole,
                accountID: session.accountID,
                arn: "arn:aws:sts::\(session.accountID):assumed-role/\(role.name)/\(sessionName)",
                principalID: "\(role.uniqueID):\(sessionName)",
                session: Principal.Session(
                    issuerARN: role.arn, issuerName: role.name, sessionName: sessionName, issuedAt: session.issuedAt,
                    expiresAt: session.expiresAt, mfaAuthenticatedAt: session.mfaAuthenticatedAt, policy: session.sessionPolicy,
                    tags: tags, sourceFunctionARN: session.sourceFunctionARN
                )
            )
        case .userSession:
            var principal: Principal
            if session.principalName.isEmpty {
                principal = .root(accountID: session.accountID)
            } else {
                guard let user = try await database.iam.principal(.user, accountID: session.accountID, name: session.principalName) else {
                    return nil
                }
                principal = Self.principal(of: user)
            }
            principal.session = Principal.Session(
                issuerARN: nil, issuerName: nil, sessionName: nil, issuedAt: session.issuedAt, expiresAt: session.expiresAt,
                mfaAuthenticatedAt: session.mfaAuthenticatedAt, policy: nil, tags: tags, sourceFunctionARN: nil
            )
            return principal
        }
    }
}
