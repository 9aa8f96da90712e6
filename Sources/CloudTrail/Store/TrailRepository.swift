import BulwarkCore
import Foundation
import GRDB
import Store

/// The account's trails (decision 0040).
public struct TrailRepository: Sendable {
    let database: BulwarkDatabase

    /// AWS allows five trails per region.
    static let maximumTrails = 5

    static func trail(_ db: Database, accountID: String, region: String, name: String) throws -> TrailRecord? {
        try Row.fetchOne(
            db, sql: "SELECT * FROM cloudtrailTrail WHERE accountID = ? AND homeRegion = ? AND name = ?", arguments: [accountID, region, name]
        ).map(TrailRecord.init(row:))
    }

    /// Why a trail could not be stored.
    enum Refusal: Error {
        case exists
        case tooMany
    }

    func create(accountID: String, region: String, name: String, settings: TrailSettings, now: Date) async throws -> TrailRecord {
        try await database.write { db in
            guard try Self.trail(db, accountID: accountID, region: region, name: name) == nil else { throw Refusal.exists }
            let count =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM cloudtrailTrail WHERE accountID = ? AND homeRegion = ?", arguments: [accountID, region]) ?? 0
            guard count < Self.maximumTrails else { throw Refusal.tooMany }
            try db.execute(
                sql: """
                    INSERT INTO cloudtrailTrail (accountID, homeRegion, name, s3BucketName, s3KeyPrefix, includeGlobalServiceEvents,
                        isMultiRegionTrail, logFileValidationEnabled, createdAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    accountID, region, name, settings.s3BucketName, settings.s3KeyPrefix, settings.includeGlobalServiceEvents,
                    settings.isMultiRegionTrail, settings.logFileValidationEnabled, now.timeIntervalSince1970,
                ])
            return try Self.trail(db, accountID: accountID, region: region, name: name)!
        }
    }

    /// Replaces the settings of the trail, when it is still the one resolved.
    /// - Throws: ``StoreError/notFound`` when it is gone.
    func update(_ trail: TrailRecord, settings: TrailSettings) async throws -> TrailRecord {
        try await database.write { db in
            try db.execute(
                sql: """
                    UPDATE cloudtrailTrail SET s3BucketName = ?, s3KeyPrefix = ?, includeGlobalServiceEvents = ?, isMultiRegionTrail = ?,
                        logFileValidationEnabled = ? WHERE id = ?
                    """,
                arguments: [
                    settings.s3BucketName, settings.s3KeyPrefix, settings.includeGlobalServiceEvents, settings.isMultiRegionTrail,
                    settings.logFileValidationEnabled, trail.id,
                ])
            guard db.changesCount > 0 else { throw StoreError.notFound }
            return try Self.byID(db, trail.id)
        }
    }

    func delete(_ trail: TrailRecord) async throws {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM cloudtrailTrail WHERE id = ?", arguments: [trail.id])
            guard db.changesCount > 0 else { throw StoreError.notFound }
        }
    }

    /// Starts logging: from the newest indexed event on, so that a trail delivers only what happens
    /// while it logs. Starting a logging trail changes nothing, as AWS's does not.
    func startLogging(_ trail: TrailRecord, fromRow row: Int64, now: Date) async throws {
        try await database.write { db in
            try db.execute(
                sql: """
                    UPDATE cloudtrailTrail SET isLogging = 1, startLoggingTime = ?, deliveredThrough = MAX(deliveredThrough, ?)
                    WHERE id = ? AND isLogging = 0
                    """,
                arguments: [now.timeIntervalSince1970, row, trail.id])
            guard try Self.exists(db, trail.id) else { throw StoreError.notFound }
        }
    }

    func stopLogging(_ trail: TrailRecord, now: Date) async throws {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE cloudtrailTrail SET isLogging = 0, stopLoggingTime = ? WHERE id = ? AND isLogging = 1",
                arguments: [now.timeIntervalSince1970, trail.id])
            guard try Self.exists(db, trail.id) else { throw StoreError.notFound }
        }
    }

    func putEventSelectors(_ trail: TrailRecord, selectors: String) async throws -> TrailRecord {
        try await database.write { db in
            try db.execute(sql: "UPDATE cloudtrailTrail SET eventSelectors = ? WHERE id = ?", arguments: [selectors, trail.id])
            guard db.changesCount > 0 else { throw StoreError.notFound }
            return try Self.byID(db, trail.id)
        }
    }

    /// The account's trails whose home is `region`, and its multi-region trails of other regions
    /// (which DescribeTrails shows as shadow trails), by name.
    func trails(accountID: String) async throws -> [TrailRecord] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM cloudtrailTrail WHERE accountID = ? ORDER BY homeRegion, name", arguments: [accountID])
                .map(TrailRecord.init(row:))
        }
    }

    /// Every logging trail, for delivery.
    func loggingTrails() async throws -> [TrailRecord] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM cloudtrailTrail WHERE isLogging = 1 ORDER BY id").map(TrailRecord.init(row:))
        }
    }

    /// Records a delivery attempt: how far it delivered, and its error (nil when it succeeded).
    func recordDelivery(_ trail: TrailRecord, through row: Int64, delivered: Bool, error: String?, at date: Date) async throws {
        try await database.write { db in
            try db.execute(
                sql: """
                    UPDATE cloudtrailTrail SET deliveredThrough = MAX(deliveredThrough, ?), latestDeliveryAttemptTime = ?,
                        latestDeliveryTime = CASE WHEN ? THEN ? ELSE latestDeliveryTime END, latestDeliveryError = ?
                    WHERE id = ?
                    """,
                arguments: [row, date.timeIntervalSince1970, delivered, date.timeIntervalSince1970, error, trail.id])
        }
    }

    /// When the trail's latest digest file was written (the end of its period), if it has one.
    func latestDigest(_ trail: TrailRecord) async throws -> Date? {
        try await database.read { db in
            try Double.fetchOne(db, sql: "SELECT MAX(lastEnd) FROM cloudtrailDigestChain WHERE trailID = ?", arguments: [trail.id])
                .map(Date.init(timeIntervalSince1970:))
        }
    }

    /// Moves the trail's cursor past events it does not deliver.
    func skip(_ trail: TrailRecord, through row: Int64) async throws {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE cloudtrailTrail SET deliveredThrough = MAX(deliveredThrough, ?) WHERE id = ?", arguments: [row, trail.id])
        }
    }

    /// A log file delivered for the trail, which the region's next digest lists.
    func recordLogFile(
        _ trail: TrailRecord, region: String, bucket: String, key: String, sha256: String, oldest: String, newest: String
    ) async throws {
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO cloudtrailLogFile (trailID, region, bucket, key, sha256, oldestEventTime, newestEventTime)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [trail.id, region, bucket, key, sha256, oldest, newest])
        }
    }

    private static func exists(_ db: Database, _ id: Int64) throws -> Bool {
        try Int64.fetchOne(db, sql: "SELECT id FROM cloudtrailTrail WHERE id = ?", arguments: [id]) != nil
    }

    private static func byID(_ db: Database, _ id: Int64) throws -> TrailRecord {
        guard let trail = try Row.fetchOne(db, sql: "SELECT * FROM cloudtrailTrail WHERE id = ?", arguments: [id]).map(TrailRecord.init(row:))
        else { throw StoreError.notFound }
        return trail
    }
}

extension BulwarkDatabase {
    /// CloudTrail's trails.
    public var trails: TrailRepository { TrailRepository(database: self) }
}
