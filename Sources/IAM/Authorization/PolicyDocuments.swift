import AWSWire
import BulwarkCore
import Store

/// Turns stored policy texts into the documents the evaluator reads. Stored documents were
/// validated when written; one that no longer parses fails the request closed rather than being
/// skipped.
enum PolicyDocuments {
    /// Documents parsed once for the whole process (their parse depends only on their text).
    private static let parsed = ParsedPolicyCache(capacity: 4096)

    /// The identity-based policies and the boundary of an entity, each with its text.
    static func stored(_ texts: EntityPolicyTexts) throws -> (identity: [StoredPolicy], boundary: StoredPolicy?) {
        let identity = try texts.identity.map { text in
            StoredPolicy(AttachedPolicy(try parse(text.document, kind: .identity), name: text.name, arn: text.arn), text: text.document)
        }
        let boundary = try texts.boundary.map { text in
            StoredPolicy(
                AttachedPolicy(try parse(text.document, kind: .permissionsBoundary), name: text.name, arn: text.arn), text: text.document)
        }
        return (identity, boundary)
    }

    /// A role's trust policy, the resource policy of `sts:AssumeRole` on it.
    static func trustPolicy(of role: IAMPrincipalRecord) throws -> AttachedPolicy? {
        guard let trust = role.trustPolicy else { return nil }
        return AttachedPolicy(try parse(trust, kind: .trust), name: "trust policy", arn: role.arn, principalBindings: role.trustPolicyPrincipals)
    }

    /// A resolved entity's resource-based policy.
    static func resourcePolicy(_ policy: ResourcePolicy, of arn: String) throws -> AttachedPolicy {
        AttachedPolicy(
            try parse(policy.document, kind: policy.kind == .trust ? .trust : .resource), name: policy.name, arn: arn,
            principalBindings: policy.principalIDs.map { PrincipalBindings(ids: $0) })
    }

    /// A session policy passed to `AssumeRole` or `GetFederationToken`: the inline one, or a
    /// managed one (`PolicyArns`) with its name and ARN.
    static func sessionPolicy(_ text: String, name: String = "session policy", arn: String? = nil) throws -> AttachedPolicy {
        AttachedPolicy(try parse(text, kind: .session), name: name, arn: arn)
    }

    private static func parse(_ text: String, kind: PolicyKind) throws -> PolicyDocument {
        do {
            return try parsed.document(text, kind: kind)
        } catch {
            throw AWSError(code: "InternalFailure", message: "A stored policy can no longer be read: \(error.message)", status: 500)
        }
    }
}
