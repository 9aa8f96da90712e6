import AWSWire
import BulwarkCore
import Foundation
import Store

/// Reads from the store the policies that apply to a caller and to a resource, as the evaluator
/// needs them. Stored documents were validated when written; one that no longer parses fails the
/// request closed rather than being skipped.
struct PolicyGatherer: Sendable {
    let database: BulwarkDatabase

    /// The caller as the evaluator sees it, and its identity-based policies, boundary and session policy.
    func identity(of principal: Principal) async throws -> (RequestPrincipal, ApplicablePolicies) {
        switch principal.kind {
        case .root, .awsService:
            // The root needs no policy in its own account; a service acts only through resource policies.
            return (RequestPrincipal(principal), ApplicablePolicies())
        case .iamUser:
            guard let name = principal.userName, let user = try await database.iam.principal(.user, accountID: principal.accountID, name: name)
            else { return (RequestPrincipal(principal), ApplicablePolicies()) }
            let stored = try await storedPolicies(of: user)
            return (
                RequestPrincipal(principal, tags: Self.tags(user.tags)),
                ApplicablePolicies(identity: stored.identity.map(\.policy), permissionsBoundary: stored.boundary?.policy)
            )
        case .assumedRole:
            let session = principal.session
            guard let roleName = session?.issuerName,
                let role = try await database.iam.principal(.role, accountID: principal.accountID, name: roleName)
            else { return (RequestPrincipal(principal), ApplicablePolicies()) }
            // Session tags override the role's tags of the same key.
            let tags = Self.tags(role.tags).merging(session?.tags ?? [:]) { _, session in session }
            var sessionPolicies: [AttachedPolicy] = []
            if let text = session?.policy {
                sessionPolicies.append(AttachedPolicy(try Self.parse(text, kind: .session), name: "session policy"))
            }
            let stored = try await storedPolicies(of: role)
            return (
                RequestPrincipal(principal, roleARN: role.arn, tags: tags),
                ApplicablePolicies(
                    identity: stored.identity.map(\.policy), permissionsBoundary: stored.boundary?.policy, session: sessionPolicies)
            )
        }
    }

    /// The resource-based policy that governs `action` on `resource`, if the resource has one:
    /// a Lambda function's policy, or a role's trust policy for `sts:AssumeRole`.
    func resourcePolicy(for resource: String, action: String) async throws -> AttachedPolicy? {
        guard let arn = ARN(resource) else { return nil }
        switch arn.service {
        case "lambda":
            guard action.lowercased().hasPrefix("lambda:"), arn.resource.hasPrefix("function:") else { return nil }
            let parts = arn.resource.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count >= 2 else { return nil }
            let key = FunctionKey(accountID: arn.accountID, region: arn.region, name: String(parts[1]))
            let qualifier = parts.count > 2 ? String(parts[2]) : "$LATEST"
            guard let policy = try await database.functionPolicies.policy(of: key, qualifier: qualifier) else { return nil }
            return AttachedPolicy(try Self.parse(policy.document, kind: .resource), name: "function policy", arn: resource)
        case "iam":
            guard action.lowercased().hasPrefix("sts:assumerole"), arn.resource.hasPrefix("role/") else { return nil }
            let name = String(arn.resource.split(separator: "/").last ?? "")
            guard let role = try await database.iam.principal(.role, accountID: arn.accountID, name: name) else { return nil }
            return try trustPolicy(of: role)
        default:
            return nil
        }
    }

    /// A role's trust policy, the resource policy of `sts:AssumeRole` on it.
    func trustPolicy(of role: IAMPrincipalRecord) throws -> AttachedPolicy? {
        guard let trust = role.trustPolicy else { return nil }
        return AttachedPolicy(try Self.parse(trust, kind: .trust), name: "trust policy", arn: role.arn)
    }

    /// The identity-based policies of a user (its groups' included), a group or a role, and the
    /// user's or role's permissions boundary, each with its text.
    func storedPolicies(of entity: IAMPrincipalRecord) async throws -> (identity: [StoredPolicy], boundary: StoredPolicy?) {
        let texts = try await database.iam.policyTexts(of: entity)
        let identity = try texts.identity.map { text in
            StoredPolicy(AttachedPolicy(try Self.parse(text.document, kind: .identity), name: text.name, arn: text.arn), text: text.document)
        }
        let boundary = try texts.boundary.map { text in
            StoredPolicy(
                AttachedPolicy(try Self.parse(text.document, kind: .permissionsBoundary), name: text.name, arn: text.arn), text: text.document)
        }
        return (identity, boundary)
    }

    /// Documents parsed once for the whole process (their parse depends only on their text).
    private static let parsed = ParsedPolicyCache(capacity: 4096)

    private static func parse(_ text: String, kind: PolicyKind) throws -> PolicyDocument {
        do {
            return try parsed.document(text, kind: kind)
        } catch {
            throw AWSError(code: "InternalFailure", message: "A stored policy can no longer be read: \(error.message)", status: 500)
        }
    }

    private static func tags(_ tags: [IAMTag]) -> [String: String] {
        Dictionary(tags.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }
}
