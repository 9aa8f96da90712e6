/// One authorization question: may `principal` perform `action` on `resource`?
public struct EvaluationRequest: Sendable, Hashable {
    /// Who asks, as authentication established it.
    public var principal: RequestPrincipal
    /// The IAM action, e.g. `lambda:InvokeFunction`.
    public var action: String
    /// The resource's ARN, or `*` for actions that act on no resource.
    public var resource: String
    /// The account that owns the resource. When nil, the account in the resource's ARN, and for
    /// `*` or an ARN without an account, the principal's own account.
    public var resourceAccount: String?
    /// The request's context keys.
    public var context: RequestContext
    /// The policies that apply to the principal and the resource.
    public var policies: ApplicablePolicies

    public init(
        principal: RequestPrincipal,
        action: String,
        resource: String,
        resourceAccount: String? = nil,
        context: RequestContext = RequestContext(),
        policies: ApplicablePolicies = ApplicablePolicies()
    ) {
        self.principal = principal
        self.action = action
        self.resource = resource
        self.resourceAccount = resourceAccount
        self.context = context
        self.policies = policies
    }
}
