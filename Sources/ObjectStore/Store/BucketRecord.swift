import Foundation
import GRDB

/// A bucket as stored.
public struct BucketRecord: Sendable, Equatable {
    public let name: String
    public let accountID: String
    /// The region it was created in (`LocationConstraint`, `us-east-1` without one).
    public let region: String
    public let createdAt: Date
    /// Object Ownership: `BucketOwnerEnforced` (ACLs disabled), the only setting of this slice.
    public let objectOwnership: String

    public var arn: String { "arn:aws:s3:::\(name)" }

    init(name: String, accountID: String, region: String, createdAt: Date, objectOwnership: String) {
        self.name = name
        self.accountID = accountID
        self.region = region
        self.createdAt = createdAt
        self.objectOwnership = objectOwnership
    }

    init(row: Row) {
        name = row["name"]
        accountID = row["accountID"]
        region = row["region"]
        createdAt = Date(timeIntervalSince1970: row["createdAt"])
        objectOwnership = row["objectOwnership"]
    }
}
