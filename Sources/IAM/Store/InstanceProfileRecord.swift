import Foundation
import GRDB

/// An instance profile: a container for the one role an EC2 instance is given.
public struct InstanceProfileRecord: Sendable, Equatable {
    public var accountID: String
    public var name: String
    /// `AIPA…`.
    public var uniqueID: String
    public var path: String
    public var createdAt: Date
    /// The unique id (`AROA…`) of the role the profile holds, if any.
    public var roleID: String?
    public var tags: [IAMTag]

    public init(
        accountID: String, name: String, uniqueID: String, path: String, createdAt: Date, roleID: String? = nil, tags: [IAMTag] = []
    ) {
        self.accountID = accountID
        self.name = name
        self.uniqueID = uniqueID
        self.path = path
        self.createdAt = createdAt
        self.roleID = roleID
        self.tags = tags
    }

    /// `arn:aws:iam::123456789012:instance-profile/path/name`.
    public var arn: String {
        "arn:aws:iam::\(accountID):instance-profile\(path)\(name)"
    }
}

extension InstanceProfileRecord: FetchableRecord {
    public init(row: Row) throws {
        self.init(
            accountID: row["accountID"], name: row["name"], uniqueID: row["uniqueID"], path: row["path"], createdAt: row["createdAt"],
            roleID: row["roleID"], tags: IAMTagCoding.decode(row["tags"])
        )
    }
}
