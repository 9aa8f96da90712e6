import BulwarkCore

/// IAM's size quotas for policy documents. IAM does not count white space, so sizes are
/// measured with ``size(of:)``.
public enum PolicySizeLimit {
    /// A customer managed policy (and each of its versions).
    public static let managedPolicy = 6144
    /// The sum of all inline policies of one user.
    public static let userInlinePolicies = 2048
    /// The sum of all inline policies of one role.
    public static let roleInlinePolicies = 10240
    /// The sum of all inline policies of one group.
    public static let groupInlinePolicies = 5120
    /// A role's trust policy by default (`ACLSizePerRole`; AWS lets an account raise it to 4096).
    public static let trustPolicy = 2048
    /// The plain text of the session policies passed to `AssumeRole`/`GetFederationToken`.
    public static let sessionPolicy = 2048

    /// The size IAM counts: the number of characters that are not white space.
    public static func size(of text: String) -> Int {
        text.unicodeScalars.count { scalar in
            !(scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r")
        }
    }

    /// The entity that owns inline policies.
    public enum InlineOwner: String, Sendable {
        case user, role, group

        /// The aggregate quota of this kind of entity.
        public var limit: Int {
            switch self {
            case .user: PolicySizeLimit.userInlinePolicies
            case .role: PolicySizeLimit.roleInlinePolicies
            case .group: PolicySizeLimit.groupInlinePolicies
            }
        }
    }

    /// `LimitExceeded` for a managed policy over its quota.
    public static func managedPolicyExceeded() -> AWSError {
        limitExceeded("Cannot exceed quota for PolicySize: \(managedPolicy)")
    }

    /// `LimitExceeded` when the inline policies of `name` would together exceed its quota.
    public static func inlinePoliciesExceeded(owner: InlineOwner, name: String) -> AWSError {
        limitExceeded("Maximum policy size of \(owner.limit) bytes exceeded for \(owner.rawValue) \(name)")
    }

    /// `LimitExceeded` for a trust policy over the role trust policy quota.
    public static func trustPolicyExceeded(limit: Int = trustPolicy) -> AWSError {
        limitExceeded("Cannot exceed quota for ACLSizePerRole: \(limit)")
    }

    private static func limitExceeded(_ message: String) -> AWSError {
        AWSError(code: "LimitExceeded", message: message, status: 409)
    }
}
