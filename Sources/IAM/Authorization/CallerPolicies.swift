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

    /// A role session's policies: the role's, its boundary, and the session policy; session tags
    /// override the role's tags of the same key.
    static func roleSession(_ principal: Principal, role: IAMPrincipalRecord, texts: EntityPolicyTexts) throws -> CallerPolicies {
        let session = principal.session
        let stored = try PolicyDocuments.stored(texts)
        return CallerPolicies(
            principal: RequestPrincipal(principal, roleARN: role.arn, tags: tags(role.tags).merging(session?.tags ?? [:]) { _, session in session }),
            policies: ApplicablePolicies(
                identity: stored.identity.map(\.policy), permissionsBoundary: stored.boundary?.policy,
                session: try session?.policy.map { [try PolicyDocuments.sessionPolicy($0)] } ?? []
            )
        )
    }

    /// The policies of `principal` as they are in the store now, in one read: for callers that were
    /// not authenticated by a key (tests, benchmarks, the policy simulator's own caller).
    public static func current(of principal: Principal, in database: BulwarkDatabase) async throws -> CallerPolicies {
        switch principal.kind {
        case .root, .awsService:
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
            return try .roleSession(principal, role: role, texts: texts)
        }
    }

    static func tags(_ tags: [IAMTag]) -> [String: String] {
        Dictionary(tags.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }
}
