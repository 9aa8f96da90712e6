import Foundation
import GRDB

/// What controls access to a bucket besides its owner, and its tags (decision 0031).
///
/// A bucket without a stored row has the controls of a new bucket: no policy, every Block Public
/// Access setting on (as AWS creates buckets since April 2023), no tag set.
public struct BucketControls: Sendable, Equatable {
    /// The bucket policy as it was put, and the unique ids of the users and roles it names (decision 0005).
    public var policy: String?
    public var policyPrincipals: [String: String]?
    /// The bucket's Block Public Access settings; nil once deleted.
    public var publicAccessBlock: PublicAccessBlock?
    /// The bucket's tag set; nil when it has none (NoSuchTagSet).
    public var tags: [String: String]?
    /// The bucket's versioning status, `Enabled` or `Suspended`; nil while it has never been set
    /// (decision 0034: a bucket never returns to that state).
    public var versioning: String?
    /// Where the bucket's events go (decision 0042); nil when it sends none.
    public var notification: BucketNotification?

    /// The status under which writes keep every version.
    static let versioningEnabled = "Enabled"
    static let versioningSuspended = "Suspended"

    /// The controls of a new bucket.
    public static let newBucket = BucketControls(policy: nil, policyPrincipals: nil, publicAccessBlock: .allBlocked, tags: nil)

    public init(policy: String?, policyPrincipals: [String: String]?, publicAccessBlock: PublicAccessBlock?, tags: [String: String]?) {
        self.policy = policy
        self.policyPrincipals = policyPrincipals
        self.publicAccessBlock = publicAccessBlock
        self.tags = tags
    }

    init(row: Row) {
        policy = row["policy"]
        let principals: String? = row["policyPrincipals"]
        policyPrincipals = principals.map { ObjectRecord.decodeMap($0) }
        let settings: [Bool?] = [row["blockPublicAcls"], row["ignorePublicAcls"], row["blockPublicPolicy"], row["restrictPublicBuckets"]]
        if settings.contains(where: { $0 == nil }) {
            publicAccessBlock = nil
        } else {
            publicAccessBlock = PublicAccessBlock(
                blockPublicAcls: settings[0]!, ignorePublicAcls: settings[1]!, blockPublicPolicy: settings[2]!, restrictPublicBuckets: settings[3]!)
        }
        let tagText: String? = row["tags"]
        tags = tagText.map { ObjectRecord.decodeMap($0) }
        versioning = row["versioning"]
        let notificationText: String? = row["notification"]
        notification = notificationText.flatMap { try? JSONDecoder().decode(BucketNotification.self, from: Data($0.utf8)) }
    }
}

/// A bucket's four Block Public Access settings.
public struct PublicAccessBlock: Sendable, Equatable {
    public var blockPublicAcls: Bool
    public var ignorePublicAcls: Bool
    public var blockPublicPolicy: Bool
    public var restrictPublicBuckets: Bool

    public static let allBlocked = PublicAccessBlock(
        blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true)

    public init(blockPublicAcls: Bool, ignorePublicAcls: Bool, blockPublicPolicy: Bool, restrictPublicBuckets: Bool) {
        self.blockPublicAcls = blockPublicAcls
        self.ignorePublicAcls = ignorePublicAcls
        self.blockPublicPolicy = blockPublicPolicy
        self.restrictPublicBuckets = restrictPublicBuckets
    }
}
