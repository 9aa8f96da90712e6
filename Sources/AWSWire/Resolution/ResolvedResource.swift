/// What the resolve stage found for one ``ResourceReference``.
///
/// ``arn`` is the only name later stages use: the canonical ARN of the stored entity (its stored
/// partition, account, path and case) when the reference names one exactly, or — when it names
/// nothing — the ARN as typed, which is what AWS judges and reports for an absent entity.
public struct ResolvedResource: Sendable {
    public let reference: ResourceReference
    public let arn: String
    /// The stored entity, as its service's authority loaded it; nil when none exists at exactly
    /// the reference.
    public let entity: (any Sendable)?
    /// The account that owns the entity (the ARN's account when it does not exist).
    public let accountID: String
    /// The entity's tags, for `aws:ResourceTag/${TagKey}` (and the service's own tag keys).
    public let tags: [String: String]
    /// The condition-key prefixes its tags are offered under: `aws`, and `iam` for IAM users and roles.
    public let tagKeyPrefixes: [String]
    /// The entity's resource-based policy, if it has one.
    public let policy: ResourcePolicy?

    public init(
        reference: ResourceReference, arn: String, entity: (any Sendable)?, accountID: String, tags: [String: String] = [:],
        tagKeyPrefixes: [String] = ["aws"], policy: ResourcePolicy? = nil
    ) {
        self.reference = reference
        self.arn = arn
        self.entity = entity
        self.accountID = accountID
        self.tags = tags
        self.tagKeyPrefixes = tagKeyPrefixes
        self.policy = policy
    }

    /// An entity that does not exist at the reference, judged and reported under `arn`.
    public static func absent(_ reference: ResourceReference, arn: String, accountID: String) -> ResolvedResource {
        ResolvedResource(reference: reference, arn: arn, entity: nil, accountID: accountID)
    }

    /// Whether a stored entity was found.
    public var exists: Bool { entity != nil }

    /// The entity as its service's type.
    public func entity<Entity>(as type: Entity.Type) -> Entity? { entity as? Entity }

    /// `aws:ResourceTag/${TagKey}` (and the service's prefixes) for each tag.
    public var tagConditionKeys: [String: String] {
        var keys: [String: String] = [:]
        for (key, value) in tags {
            for prefix in tagKeyPrefixes { keys["\(prefix):ResourceTag/\(key)"] = value }
        }
        return keys
    }
}

/// A resource-based policy as stored: a Lambda function's policy, a role's trust policy, a KMS key policy.
public struct ResourcePolicy: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A resource policy (Lambda's function policy).
        case resource
        /// A role's trust policy, the resource policy of `sts:AssumeRole` on it.
        case trust
        /// A KMS key policy: within the account too it must allow the principal, or allow the
        /// account and so let IAM policies decide; without it nobody may use the key.
        case keyPolicy
    }

    public let document: String
    /// How explanations name it: `function policy`, `trust policy`.
    public let name: String
    public let kind: Kind
    /// The service prefix of the actions it governs (`lambda`, `sts`).
    public let governedService: String
    /// The unique ids of the IAM users and roles it names (by ASCII-lowercased ARN), bound when it was
    /// saved; nil for a policy saved before bindings existed.
    public let principalIDs: [String: String]?

    public init(document: String, name: String, kind: Kind, governedService: String, principalIDs: [String: String]? = nil) {
        self.document = document
        self.name = name
        self.kind = kind
        self.governedService = governedService
        self.principalIDs = principalIDs
    }

    /// Whether the policy decides `action` on its entity.
    public func governs(_ action: String) -> Bool {
        guard let colon = action.firstIndex(of: ":") else { return false }
        return action[..<colon].lowercased() == governedService
    }
}
