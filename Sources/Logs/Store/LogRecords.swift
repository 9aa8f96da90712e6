import BulwarkCore
import GRDB

/// A log group as stored: named within an account and region.
public struct LogGroupRecord: Sendable, Equatable {
    public var id: Int64
    public var accountID: String
    public var region: String
    public var name: String
    /// Milliseconds since 1970.
    public var createdAt: Int64
    /// Events older than this many days are expired; nil keeps them forever.
    public var retentionInDays: Int?

    /// `arn:aws:logs:<region>:<account>:log-group:<name>`: the ARN tags are kept under (and
    /// TagResource names), without the `:*` that `DescribeLogGroups` shows.
    public var arn: String { Self.arn(accountID: accountID, region: region, name: name) }

    static func arn(accountID: String, region: String, name: String) -> String {
        ARN(service: "logs", region: region, accountID: accountID, resource: "log-group:\(name)").description
    }

    init(row: Row) {
        id = row["id"]
        accountID = row["accountID"]
        region = row["region"]
        name = row["name"]
        createdAt = row["createdAt"]
        retentionInDays = row["retentionInDays"]
    }

    /// The oldest timestamp still kept at `now` (milliseconds), or nil when nothing expires.
    func oldestKept(now: Int64) -> Int64? {
        retentionInDays.map { now - Int64($0) * 86_400_000 }
    }
}

/// A log stream of a group, with what its events' ingestion maintains.
public struct LogStreamRecord: Sendable, Equatable {
    public var id: Int64
    public var groupID: Int64
    public var name: String
    public var createdAt: Int64
    public var firstEventAt: Int64?
    public var lastEventAt: Int64?
    public var lastIngestionAt: Int64?
    public var storedBytes: Int64

    init(row: Row) {
        id = row["id"]
        groupID = row["groupID"]
        name = row["name"]
        createdAt = row["createdAt"]
        firstEventAt = row["firstEventAt"]
        lastEventAt = row["lastEventAt"]
        lastIngestionAt = row["lastIngestionAt"]
        storedBytes = row["storedBytes"]
    }
}

/// One stored event, with the name of its stream.
public struct LogEventRecord: Sendable, Equatable {
    public var id: Int64
    public var streamName: String
    public var timestamp: Int64
    public var ingestionTime: Int64
    public var message: String

    init(row: Row) {
        id = row["id"]
        streamName = row["streamName"]
        timestamp = row["timestamp"]
        ingestionTime = row["ingestionTime"]
        message = row["message"]
    }

    /// Where the event stands in the order events are read in.
    var position: LogPosition { LogPosition(timestamp: timestamp, eventID: id) }
}

/// A place in the order of events — by timestamp, then by the order they were stored in — that
/// tokens name.
public struct LogPosition: Sendable, Equatable, Comparable {
    public var timestamp: Int64
    public var eventID: Int64

    public init(timestamp: Int64, eventID: Int64) {
        self.timestamp = timestamp
        self.eventID = eventID
    }

    public static func < (lhs: LogPosition, rhs: LogPosition) -> Bool {
        (lhs.timestamp, lhs.eventID) < (rhs.timestamp, rhs.eventID)
    }

    /// Before every event.
    public static let start = LogPosition(timestamp: 0, eventID: 0)
}
