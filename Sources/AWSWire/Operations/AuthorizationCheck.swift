/// One question of the authorize stage: may the caller perform `action` on `resource`, given the
/// request's condition keys? An operation asks one per resource it acts on, plus those its input
/// implies (`iam:PassRole` on the role a function is created with).
public struct AuthorizationCheck: Sendable, Equatable {
    /// A condition key's value in the request.
    public enum Value: Sendable, Equatable {
        case single(String)
        case multiple([String])
    }

    /// The IAM action, e.g. `lambda:InvokeFunction`.
    public let action: String
    /// The resource's ARN, or `*` for actions without a resource.
    public let resource: String
    /// The service-specific condition keys of this request (`iam:PassedToService`, `lambda:Principal`).
    public let conditionKeys: [String: Value]
    /// A resource policy the call proposes for the resource (a new key policy), judged in place of
    /// the stored one: "would this policy still allow the caller …?" (KMS's lockout safety check).
    public let proposedPolicy: ResourcePolicy?
    /// The account that owns ``resource`` when the resolution holds no entity of that ARN (each key
    /// of a bucket DeleteObjects names: the bucket's owner). `nil`: the resolved entity's account,
    /// or the caller's when nothing was resolved.
    public let resourceAccount: String?
    /// The message of the `AccessDenied` a refusal of this check is answered with, when the service
    /// words it its own way (Lambda reading code from S3: "Your access has been denied by S3, …");
    /// nil for IAM's "User: … is not authorized to perform: …". The trail records the denial either way.
    public let refusalMessage: String?

    public init(
        action: String, resource: String, conditionKeys: [String: Value] = [:], proposedPolicy: ResourcePolicy? = nil,
        resourceAccount: String? = nil, refusalMessage: String? = nil
    ) {
        self.action = action
        self.resource = resource
        self.conditionKeys = conditionKeys
        self.proposedPolicy = proposedPolicy
        self.resourceAccount = resourceAccount
        self.refusalMessage = refusalMessage
    }
}
