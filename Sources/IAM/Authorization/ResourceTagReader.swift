import AWSWire
import BulwarkCore
import Store

/// Reads the tags of the resource a check names, as the condition keys `aws:ResourceTag/${TagKey}`
/// (and IAM's own `iam:ResourceTag/${TagKey}` on users and roles) — what attribute-based access
/// control decides on.
///
/// The Service Authorization Reference lists these keys on resource types (Lambda's `function`;
/// IAM's `user`, `role`, `policy` and `mfa`), not on single actions: every action on a tagged
/// resource carries them, including the checks an operation implies (`iam:PassRole` on a tagged
/// role). So they are read here, once per checked ARN, rather than declared by each operation; a
/// resource that does not exist yet (the ARN a create names) has none. Values come only from the
/// store, never from the request.
struct ResourceTagReader: Sendable {
    let database: BulwarkDatabase

    /// The resource-tag condition keys of `resource`; empty for untagged or unknown resources.
    func conditionKeys(of resource: String) async throws -> [String: ContextValue] {
        guard let arn = ARN(resource) else { return [:] }
        switch arn.service {
        case "lambda":
            // Tags belong to the function, whichever version or alias the ARN names.
            let parts = arn.resource.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count >= 2, parts[0] == "function" else { return [:] }
            let function = "arn:\(arn.partition):lambda:\(arn.region):\(arn.accountID):function:\(parts[1])"
            return Self.keys(try await database.tags.tags(of: function), prefixes: ["aws"])
        case "iam":
            return try await iamKeys(of: resource, arn: arn)
        default:
            return [:]
        }
    }

    private func iamKeys(of resource: String, arn: ARN) async throws -> [String: ContextValue] {
        let type = arn.resource.prefix { $0 != "/" }
        let name = String(arn.resource.split(separator: "/").last ?? "")
        switch type {
        case "user", "role":
            let kind: IAMPrincipalKind = type == "user" ? .user : .role
            guard let entity = try await database.iam.principal(kind, accountID: arn.accountID, name: name), entity.arn == resource
            else { return [:] }
            return Self.keys(Self.map(entity.tags), prefixes: ["aws", "iam"])
        case "policy":
            guard let policy = try await database.managedPolicies.policy(resource) else { return [:] }
            return Self.keys(Self.map(policy.tags), prefixes: ["aws"])
        case "mfa":
            guard let device = try await database.credentials.mfaDevice(resource) else { return [:] }
            return Self.keys(Self.map(device.tags), prefixes: ["aws"])
        default:
            return [:]
        }
    }

    private static func keys(_ tags: [String: String], prefixes: [String]) -> [String: ContextValue] {
        var keys: [String: ContextValue] = [:]
        for (key, value) in tags {
            for prefix in prefixes { keys["\(prefix):ResourceTag/\(key)"] = .single(value) }
        }
        return keys
    }

    private static func map(_ tags: [IAMTag]) -> [String: String] {
        Dictionary(tags.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }
}
