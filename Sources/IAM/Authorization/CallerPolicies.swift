import BulwarkCore
import Store

/// A caller as the evaluator sees it — its principal with its tags and role — and its
/// identity-based policies, permissions boundary and session policy.
///
/// Authentication reads them together with the caller's key, in one transaction, so the authorize
/// stage needs no read of its own for the caller.
public struct CallerPolicies: Sendable {
    let principal: RequestPrincipal
    let policies: ApplicablePolicies

    /// A caller whose policies play no part: the root needs none in its own account, and a service
    /// acts only through resource policies.
    public static func none(for principal: Principal) -> CallerPolicies {
        CallerPolicies(principal: RequestPrincipal(principal), policies: ApplicablePolicies())
    }

    /// An IAM user's policies, its groups' included.
    static func user(_ principal: Principal, record: IAMPrincipalRecord, texts: EntityPolicyTexts) throws -> CallerPolicies {
        let stored = try PolicyDocuments.stored(texts)
        return CallerPolicies(
            principal: RequestPrincipal(principal, tags: tags(record.tags)),
            policies: ApplicablePolicies(identity: stored.identity.map(\.policy), permissionsBoundary: stored.boundary?.policy)
        )
    }

    /// A role session's policies: the role's, its boundary, and the session policies (inline and
    /// managed); session tags override the role's tags of the same key.
    static func roleSession(
        _ principal: Principal, role: IAMPrincipalRecord, texts: EntityPolicyTexts, sessionPolicies: [StoredPolicyText]
    ) throws -> CallerPolicies {
        let session = principal.session
        let stored = try PolicyDocuments.stored(texts)
        return CallerPolicies(
            principal: RequestPrincipal(principal, roleARN: role.arn, tags: tags(role.tags).merging(session?.tags ?? [:]) { _, session in session }),
            policies: ApplicablePolicies(
                identity: stored.identity.map(\.policy), permissionsBoundary: stored.boundary?.policy,
                session: try Self.sessionPolicies(of: session, managed: sessionPolicies),
                sessionLimited: session.map { $0.policy != nil || !$0.policyARNs.isEmpty } ?? false
            )
        )
    }

    /// A federated user session's policies: the federating user's (none for the root, which may do
    /// anything), its boundary, and the session policies, which always limit such a session — with
    /// none, its identity-based policies allow nothing, as AWS does.
    static func federatedUser(
        _ principal: Principal, user: IAMPrincipalRecord?, texts: EntityPolicyTexts?, sessionPolicies: [StoredPolicyText]
    ) throws -> CallerPolicies {
        let session = principal.session
        let stored = try texts.map { try PolicyDocuments.stored($0) }
        let name = String(principal.principalID.split(separator: ":", maxSplits: 1).last ?? "")
        return CallerPolicies(
            principal: .federatedUser(
                accountID: principal.accountID, name: name, federatingUserARN: session?.issuerARN, tags: session?.tags ?? [:]),
            policies: ApplicablePolicies(
                identity: stored?.identity.map(\.policy) ?? [], permissionsBoundary: stored?.boundary?.policy,
                session: try Self.sessionPolicies(of: session, managed: sessionPolicies), sessionLimited: true
            )
        )
    }

    private static func sessionPolicies(of session: Principal.Session?, managed: [StoredPolicyText]) throws -> [AttachedPolicy] {
        let inline = try session?.policy.map { [try PolicyDocuments.sessionPolicy($0)] } ?? []
        return inline + (try managed.map { try PolicyDocuments.sessionPolicy($0.document, name: $0.name, arn: $0.arn) })
    }

    /// The policies of `principal` as they are in the store now, in one read: for callers that were
    /// not authenticated by a key (tests, benchmarks, the policy simulator's own caller).
    public static func current(of principal: Principal, in database: BulwarkDatabase) async throws -> CallerPolicies {
        switch principal.kind {
        case .root, .awsService, .unauthenticated:
            return .none(for: principal)
        case .iamUser:
            let found = try await database.read { db in
                try IAMRepository.principal(db, .user, uniqueID: principal.principalID).map { ($0, try IAMRepository.policyTexts(db, of: $0)) }
            }
            guard let (user, texts) = found else { return .none(for: principal) }
            return try .user(principal, record: user, texts: texts)
        case .assumedRole:
            // An assumed role's principal id is `AROA…:session-name`.
            let roleID = String(principal.principalID.prefix { $0 != ":" })
            let found = try await database.read { db in
                try IAMRepository.principal(db, .role, uniqueID: roleID).map { ($0, try IAMRepository.policyTexts(db, of: $0)) }
            }
            guard let (role, texts) = found else { return .none(for: principal) }
            let arns = principal.session?.policyARNs ?? []
            let managed = try await database.read { db in try IAMRepository.sessionPolicyTexts(db, arns: arns) }
            return try .roleSession(principal, role: role, texts: texts, sessionPolicies: managed)
        case .federatedUser:
            let issuerID = principal.session?.issuerID
            let arns = principal.session?.policyARNs ?? []
            let found = try await database.read { db in
                let user = try issuerID.flatMap { try IAMRepository.principal(db, .user, uniqueID: $0) }
                return (user, try user.map { try IAMRepository.policyTexts(db, of: $0) }, try IAMRepository.sessionPolicyTexts(db, arns: arns))
            }
            return try .federatedUser(principal, user: found.0, texts: found.1, sessionPolicies: found.2)
        }
    }

    static func tags(_ tags: [IAMTag]) -> [String: String] {
        Dictionary(tags.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }
}
