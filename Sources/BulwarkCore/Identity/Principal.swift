import Foundation

/// Who made a request, as established by authentication.
///
/// The shape follows CloudTrail's `userIdentity`: a type, the principal id, the ARN and the account.
public struct Principal: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case root = "Root"
        case iamUser = "IAMUser"
        case assumedRole = "AssumedRole"
        /// A `GetFederationToken` session of an IAM user.
        case federatedUser = "FederatedUser"
        /// A caller that presented no AWS credentials (operations that take none).
        case unauthenticated = "Unknown"
        case awsService = "AWSService"
    }

    public var kind: Kind
    /// The account the principal belongs to.
    public var accountID: String
    /// The principal's ARN, e.g. `arn:aws:iam::123456789012:root`.
    public var arn: String
    /// The unique id (`principalId` in CloudTrail, `aws:userid` in policies).
    public var principalID: String
    /// The friendly name (`aws:username`), when the principal has one.
    public var userName: String?
    /// What temporary credentials add, when the request was signed with them.
    public var session: Session?

    /// The facts of a session of temporary credentials (STS).
    public struct Session: Sendable, Hashable {
        /// The role ARN of a role session, or the IAM user's of a federated user session
        /// (`sessionIssuer` in CloudTrail); nil for a user session.
        public var issuerARN: String?
        /// The role's (or federating user's) name.
        public var issuerName: String?
        /// The federating user's unique id (`AIDA…`) of a federated user session.
        public var issuerID: String?
        public var sessionName: String?
        public var issuedAt: Date
        public var expiresAt: Date
        /// When the holder last authenticated with MFA, if ever.
        public var mfaAuthenticatedAt: Date?
        /// An inline session policy that further limits the session.
        public var policy: String?
        /// Session tags.
        public var tags: [String: String]
        /// The keys of the session tags that pass to sessions of roles this session assumes
        /// (role chaining), lowercased: tag keys are case-insensitive.
        public var transitiveTagKeys: Set<String>
        /// The ARNs of the managed session policies.
        public var policyARNs: [String]
        /// The function whose execution environment holds the credentials.
        public var sourceFunctionARN: String?

        public init(
            issuerARN: String?, issuerName: String?, sessionName: String?, issuedAt: Date, expiresAt: Date, mfaAuthenticatedAt: Date?,
            policy: String?, tags: [String: String], sourceFunctionARN: String?, transitiveTagKeys: Set<String> = [],
            policyARNs: [String] = [], issuerID: String? = nil
        ) {
            self.issuerARN = issuerARN
            self.issuerName = issuerName
            self.sessionName = sessionName
            self.issuedAt = issuedAt
            self.expiresAt = expiresAt
            self.mfaAuthenticatedAt = mfaAuthenticatedAt
            self.policy = policy
            self.tags = tags
            self.sourceFunctionARN = sourceFunctionARN
            self.transitiveTagKeys = transitiveTagKeys
            self.policyARNs = policyARNs
            self.issuerID = issuerID
        }
    }

    public init(kind: Kind, accountID: String, arn: String, principalID: String, userName: String? = nil, session: Session? = nil) {
        self.kind = kind
        self.accountID = accountID
        self.arn = arn
        self.principalID = principalID
        self.userName = userName
        self.session = session
    }

    /// A caller without AWS credentials, before the operation establishes who it is.
    public static let unauthenticated = Principal(kind: .unauthenticated, accountID: "", arn: "", principalID: "")

    /// The root principal of an account.
    public static func root(accountID: String, partition: String = "aws") -> Principal {
        Principal(kind: .root, accountID: accountID, arn: "arn:\(partition):iam::\(accountID):root", principalID: accountID)
    }
}
