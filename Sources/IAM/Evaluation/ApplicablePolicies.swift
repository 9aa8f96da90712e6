/// The policies that apply to one request, gathered by the caller from the store.
public struct ApplicablePolicies: Sendable, Hashable {
    /// How a resource-based policy combines with identity-based policies within one account.
    public enum ResourcePolicyMode: Sendable, Hashable {
        /// Most resources: within the account, an allow in either kind of policy is enough.
        case additive
        /// Role trust policies and KMS key policies: the resource policy must itself allow the
        /// principal, or allow its account and leave the rest to identity-based policies. A trust
        /// policy (a document of kind ``PolicyKind/trust``) is always read this way.
        case mustGrant
    }

    /// The principal's inline and managed policies, its groups' policies included.
    public var identity: [AttachedPolicy]
    /// The user's or role's permissions boundary.
    public var permissionsBoundary: AttachedPolicy?
    /// The session policies of a role or federated user session; an empty list means none,
    /// unless ``sessionLimited``.
    public var session: [AttachedPolicy]
    /// Whether session policies limit the session even when ``session`` is empty: a federated
    /// user session without session policies, or one whose managed session policies no longer
    /// exist, is allowed nothing by its identity-based policies.
    public var sessionLimited: Bool
    /// The policy of the resource acted on (for `sts:AssumeRole`, the role's trust policy).
    public var resource: AttachedPolicy?
    /// How ``resource`` combines with identity-based policies.
    public var resourcePolicyMode: ResourcePolicyMode

    public init(
        identity: [AttachedPolicy] = [],
        permissionsBoundary: AttachedPolicy? = nil,
        session: [AttachedPolicy] = [],
        resource: AttachedPolicy? = nil,
        resourcePolicyMode: ResourcePolicyMode = .additive,
        sessionLimited: Bool = false
    ) {
        self.identity = identity
        self.permissionsBoundary = permissionsBoundary
        self.session = session
        self.resource = resource
        self.resourcePolicyMode = resourcePolicyMode
        self.sessionLimited = sessionLimited
    }
}
