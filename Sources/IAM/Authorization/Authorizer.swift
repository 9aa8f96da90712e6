import BulwarkCore

/// A question to the authorizer: may this principal perform this action on these resources?
public struct AuthorizationRequest: Sendable {
    public let principal: Principal
    /// The IAM action, e.g. `lambda:GetFunction`.
    public let action: String
    /// The resource ARNs the call acts on; `*` for actions without a resource.
    public let resources: [String]

    public init(principal: Principal, action: String, resources: [String]) {
        self.principal = principal
        self.action = action
        self.resources = resources
    }
}

/// The authorizer's answer. A denial carries AWS's explanation and which resource was refused.
public enum AuthorizationDecision: Sendable, Equatable {
    case allow
    case deny(resource: String, reason: DenialReason)

    public enum DenialReason: String, Sendable, Equatable {
        /// No identity-based policy allows the action.
        case noIdentityPolicy = "no identity-based policy allows"
        /// The resource is in another account and no resource-based policy allows the action.
        case noResourcePolicy = "no resource-based policy allows"
    }
}

/// Decides every request the pipeline lets through authentication.
///
/// Until IAM policies exist (issue #4), the only principals are account roots: a root may do
/// everything within its own account and nothing in another; any other principal is denied,
/// because no policy allows it. There is no path that allows without a decision.
public struct Authorizer: Sendable {
    public init() {}

    public func authorize(_ request: AuthorizationRequest) -> AuthorizationDecision {
        for resource in request.resources {
            switch request.principal.kind {
            case .root:
                if let owner = Self.account(of: resource), owner != request.principal.accountID {
                    return .deny(resource: resource, reason: .noResourcePolicy)
                }
            case .iamUser, .assumedRole, .awsService:
                return .deny(resource: resource, reason: .noIdentityPolicy)
            }
        }
        return request.resources.isEmpty ? .deny(resource: "*", reason: .noIdentityPolicy) : .allow
    }

    /// The account of an ARN, or nil for `*`, ARNs without one (global resources) and AWS's own
    /// resources (`arn:aws:iam::aws:policy/...`, readable by every account; IAM refuses changes to them).
    static func account(of resource: String) -> String? {
        guard let arn = ARN(resource), !arn.accountID.isEmpty, arn.accountID != "aws" else { return nil }
        return arn.accountID
    }
}

extension AuthorizationDecision {
    /// AWS's `AccessDenied` message for a denial, e.g.
    /// `User: arn:aws:iam::123456789012:user/dev is not authorized to perform: lambda:DeleteFunction on
    /// resource: arn:aws:lambda:us-east-1:123456789012:function:hello because no identity-based policy
    /// allows the lambda:DeleteFunction action`.
    public func message(for request: AuthorizationRequest) -> String? {
        guard case .deny(let resource, let reason) = self else { return nil }
        return
            "User: \(request.principal.arn) is not authorized to perform: \(request.action) on resource: \(resource) because \(reason.rawValue) the \(request.action) action"
    }
}
