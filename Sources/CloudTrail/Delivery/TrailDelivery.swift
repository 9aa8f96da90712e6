import BulwarkCore
import Crypto
import Foundation
import Logging
import ObjectStore
import Store

/// Delivers logging trails' events to their buckets in CloudTrail's layout (decision 0040):
/// `[<prefix>/]AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<unique>.json.gz`,
/// each a gzip of `{"Records":[…]}` holding the trail lines as they were recorded. Files are
/// written once, never over an existing key; a trail's cursor moves past events only once they are
/// delivered (or not selected), so a failed delivery is tried again with the same events. A run
/// delivers batch after batch until every trail is caught up or ``timeBudget`` has passed; a trail
/// still behind then is logged with how many events it has yet to deliver.
public struct TrailDelivery: Sendable {
    let database: BulwarkDatabase
    let buckets: S3DeliveryWriter
    let clock: WallClock
    let logger: Logger

    /// The most events one file holds.
    static let batchSize = 1000
    /// How long one run keeps delivering; every logging trail gets at least one batch.
    static let timeBudget: Duration = .seconds(30)

    public init(
        database: BulwarkDatabase, buckets: S3DeliveryWriter, clock: WallClock = .system, logger: Logger = Logger(label: "bulwark.cloudtrail")
    ) {
        self.database = database
        self.buckets = buckets
        self.clock = clock
        self.logger = logger
    }

    /// Delivers what each logging trail has not delivered yet; answers the keys written.
    @discardableResult
    public func deliver() async throws -> [String] {
        let deadline = ContinuousClock.now.advanced(by: Self.timeBudget)
        var written: [String] = []
        for first in try await database.trails.loggingTrails() {
            var trail = first
            while true {
                let (keys, more) = try await deliver(trail)
                written += keys
                guard more, let next = try await database.trails.loggingTrails().first(where: { $0.id == trail.id }) else { break }
                trail = next
                guard ContinuousClock.now < deadline else {
                    let behind = try await database.cloudTrailEvents.count(accountID: trail.accountID, afterRow: trail.deliveredThrough)
                    logger.warning("trail delivery is behind", metadata: ["trail": "\(trail.arn)", "undelivered-events": "\(behind)"])
                    break
                }
            }
        }
        return written
    }

    /// Delivers the trail's next batch; answers the keys written and whether more events may wait.
    private func deliver(_ trail: TrailRecord) async throws -> (keys: [String], more: Bool) {
        let events = try await database.cloudTrailEvents.events(accountID: trail.accountID, afterRow: trail.deliveredThrough, limit: Self.batchSize)
        guard let last = events.last else { return ([], false) }
        let more = events.count == Self.batchSize
        let selectors = EventSelectors(stored: trail.eventSelectors)
        let chosen = events.map(\.event).filter { Self.covers(trail, $0) && selectors.selects($0) }
        let now = clock.now()
        guard !chosen.isEmpty else {
            // Nothing of these events is the trail's: it moves past them without a delivery attempt.
            try await database.trails.skip(trail, through: last.row)
            return ([], more)
        }
        var keys: [String] = []
        let regions = Dictionary(grouping: chosen, by: \.region)
        do {
            guard let bucket = try await buckets.bucket(named: trail.s3BucketName) else { throw DeliveryFailure.noSuchBucket }
            for region in regions.keys.sorted() {
                let key = Self.key(trail, region: region, at: now)
                guard DeliveryPermission.allows(bucket, key: key, trailARN: trail.arn, accountID: trail.accountID, now: now) else {
                    throw DeliveryFailure.accessDenied
                }
                let records = regions[region]!
                let document = Self.document(records)
                let body = try Gzip.compress(document)
                do {
                    try await buckets.putNew(body, in: bucket, key: key, contentType: "application/json", contentEncoding: "gzip", at: now)
                } catch S3DeliveryWriter.Refusal.noSuchBucket {
                    throw DeliveryFailure.noSuchBucket
                }
                // What the region's next digest lists for the file: the hash of its inflated content.
                let times = records.map(\.eventTime)
                try await database.trails.recordLogFile(
                    trail, region: region, bucket: bucket.name, key: key,
                    sha256: SHA256.hash(data: document).map { String(format: "%02x", $0) }.joined(),
                    oldest: Self.iso(times.min()!), newest: Self.iso(times.max()!))
                keys.append(key)
            }
        } catch let failure as DeliveryFailure {
            // Not delivered: the events stay for the next attempt, and GetTrailStatus shows why.
            try await database.trails.recordDelivery(trail, through: trail.deliveredThrough, delivered: false, error: failure.rawValue, at: now)
            return ([], false)
        }
        try await database.trails.recordDelivery(trail, through: last.row, delivered: true, error: nil, at: now)
        return (keys, more)
    }

    /// The error GetTrailStatus reports for a failed delivery, in S3's words.
    enum DeliveryFailure: String, Error {
        case noSuchBucket = "NoSuchBucket"
        case accessDenied = "AccessDenied"
    }

    /// Whether the trail records events of the event's region: its home region's, every region's
    /// for a multi-region trail, and global services' only when it includes them.
    static func covers(_ trail: TrailRecord, _ event: IndexedEvent) -> Bool {
        if EventSelectors.globalSources.contains(event.eventSource) { return trail.includeGlobalServiceEvents }
        return trail.isMultiRegionTrail || event.region == trail.homeRegion
    }

    static func iso(_ milliseconds: Int64) -> String {
        AWSTimestamp.iso8601(Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }

    /// `{"Records":[…]}` of the lines as recorded.
    static func document(_ events: [IndexedEvent]) -> Data {
        var body = Data("{\"Records\":[".utf8)
        for (index, event) in events.enumerated() {
            if index > 0 { body.append(0x2C) }
            body.append(Data(event.record.utf8))
        }
        body.append(Data("]}".utf8))
        return body
    }

    static func key(_ trail: TrailRecord, region: String, at date: Date) -> String {
        let stamp = AWSTimestamp.basic(date)  // 20261208T031500Z
        let day = "\(stamp.prefix(4))/\(stamp.dropFirst(4).prefix(2))/\(stamp.dropFirst(6).prefix(2))"
        let minute = stamp.prefix(13) + "Z"
        let unique = String((0..<16).map { _ in uniqueAlphabet.randomElement()! })
        return DeliveryPermission.logPrefix(trail.s3KeyPrefix, accountID: trail.accountID)
            + "CloudTrail/\(region)/\(day)/\(trail.accountID)_CloudTrail_\(region)_\(minute)_\(unique).json.gz"
    }

    private static let uniqueAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
}
