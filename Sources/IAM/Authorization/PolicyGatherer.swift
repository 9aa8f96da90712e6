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
            guard let role = try await database.iam.principal(.role, accountID: arn.accountID, name: name), let trust = role.trustPolicy
            else { return nil }
            return AttachedPolicy(try Self.parse(trust, kind: .trust), name: "trust policy", arn: role.arn)
        default:
            return nil
        }
    }

    /// The identity-based policies of a user (its groups' included), a group or a role, and the
    /// user's or role's permissions boundary, each with its text.
    func storedPolicies(of entity: IAMPrincipalRecord) async throws -> (identity: [StoredPolicy], boundary: StoredPolicy?) {
        var identity = try await policies(of: entity.kind, entity.name, accountID: entity.accountID)
        if entity.kind == .user {
            for group in try await database.iam.groups(ofUser: entity.name, accountID: entity.accountID) {
                identity += try await policies(of: .group, group.name, accountID: entity.accountID)
            }
        }
        return (identity, try await boundary(entity.permissionsBoundary))
    }

    /// Inline and attached managed policies of one user, group or role.
    private func policies(of kind: IAMPrincipalKind, _ name: String, accountID: String) async throws -> [StoredPolicy] {
        var found: [StoredPolicy] = []
        for inline in try await database.iam.inlinePolicies(of: kind, name, accountID: accountID) {
            found.append(StoredPolicy(AttachedPolicy(try Self.parse(inline.document, kind: .identity), name: inline.name), text: inline.document))
        }
        for arn in try await database.iam.attachedPolicies(of: kind, name, accountID: accountID) {
            guard let document = try await database.managedPolicies.defaultDocument(arn) else { continue }
            let policy = AttachedPolicy(try Self.parse(document, kind: .identity), name: Self.name(ofPolicy: arn), arn: arn)
            found.append(StoredPolicy(policy, text: document))
        }
        return found
    }

    private func boundary(_ arn: String?) async throws -> StoredPolicy? {
        guard let arn, let document = try await database.managedPolicies.defaultDocument(arn) else { return nil }
        let policy = AttachedPolicy(try Self.parse(document, kind: .permissionsBoundary), name: Self.name(ofPolicy: arn), arn: arn)
        return StoredPolicy(policy, text: document)
    }

    private static func parse(_ text: String, kind: PolicyKind) throws -> PolicyDocument {
        do {
            return try PolicyDocument.parse(text, kind: kind)
        } catch {
            throw AWSError(code: "InternalFailure", message: "A stored policy can no longer be read: \(error.message)", status: 500)
        }
    }

    private static func name(ofPolicy arn: String) -> String {
        String(arn.split(separator: "/").last ?? Substring(arn))
    }

    private static func tags(_ tags: [IAMTag]) -> [String: String] {
        Dictionary(tags.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }
}
