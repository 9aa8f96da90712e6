/// Who made a request, as established by authentication.
///
/// The shape follows CloudTrail's `userIdentity`: a type, the principal id, the ARN and the account.
public struct Principal: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case root = "Root"
        case iamUser = "IAMUser"
        case assumedRole = "AssumedRole"
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

    public init(kind: Kind, accountID: String, arn: String, principalID: String, userName: String? = nil) {
        self.kind = kind
        self.accountID = accountID
        self.arn = arn
        self.principalID = principalID
        self.userName = userName
    }

    /// The root principal of an account.
    public static func root(accountID: String, partition: String = "aws") -> Principal {
        Principal(kind: .root, accountID: accountID, arn: "arn:\(partition):iam::\(accountID):root", principalID: accountID)
    }
}
