import BulwarkCore
import Foundation
import GRDB

/// A trail as stored: named within its account and home region.
public struct TrailRecord: Sendable, Equatable {
    public var id: Int64
    public var accountID: String
    public var homeRegion: String
    public var name: String
    public var s3BucketName: String
    public var s3KeyPrefix: String?
    public var includeGlobalServiceEvents: Bool
    public var isMultiRegionTrail: Bool
    public var logFileValidationEnabled: Bool
    /// The event selectors as put (JSON of `[EventSelector]`); nil for the default (all management events).
    public var eventSelectors: String?
    public var isLogging: Bool
    public var startLoggingTime: Date?
    public var stopLoggingTime: Date?
    /// The last row of the event index this trail has delivered (or skipped as before it logged).
    public var deliveredThrough: Int64
    public var latestDeliveryTime: Date?
    public var latestDeliveryAttemptTime: Date?
    public var latestDeliveryError: String?
    public var createdAt: Date

    /// `arn:aws:cloudtrail:<region>:<account>:trail/<name>`.
    public var arn: String { Self.arn(accountID: accountID, region: homeRegion, name: name) }

    static func arn(accountID: String, region: String, name: String) -> String {
        ARN(service: "cloudtrail", region: region, accountID: accountID, resource: "trail/\(name)").description
    }

    init(row: Row) {
        id = row["id"]
        accountID = row["accountID"]
        homeRegion = row["homeRegion"]
        name = row["name"]
        s3BucketName = row["s3BucketName"]
        s3KeyPrefix = row["s3KeyPrefix"]
        includeGlobalServiceEvents = row["includeGlobalServiceEvents"]
        isMultiRegionTrail = row["isMultiRegionTrail"]
        logFileValidationEnabled = row["logFileValidationEnabled"]
        eventSelectors = row["eventSelectors"]
        isLogging = row["isLogging"]
        startLoggingTime = (row["startLoggingTime"] as Double?).map(Date.init(timeIntervalSince1970:))
        stopLoggingTime = (row["stopLoggingTime"] as Double?).map(Date.init(timeIntervalSince1970:))
        deliveredThrough = row["deliveredThrough"]
        latestDeliveryTime = (row["latestDeliveryTime"] as Double?).map(Date.init(timeIntervalSince1970:))
        latestDeliveryAttemptTime = (row["latestDeliveryAttemptTime"] as Double?).map(Date.init(timeIntervalSince1970:))
        latestDeliveryError = row["latestDeliveryError"]
        createdAt = Date(timeIntervalSince1970: row["createdAt"])
    }
}

/// The settings of a trail that CreateTrail and UpdateTrail set.
struct TrailSettings: Sendable, Equatable {
    var s3BucketName: String
    var s3KeyPrefix: String?
    var includeGlobalServiceEvents: Bool
    var isMultiRegionTrail: Bool
    var logFileValidationEnabled: Bool
}
