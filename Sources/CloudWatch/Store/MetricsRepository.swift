import BulwarkCore
import Foundation
import GRDB
import Store

/// One bucket's statistics for a metric, as written.
public struct MetricSample: Sendable, Equatable {
    public var accountID: String
    public var region: String
    public var metric: MetricIdentity
    public var unit: String
    /// The start of the bucket, seconds since 1970.
    public var timestamp: Int64
    public var statistics: StatisticSet

    public init(accountID: String, region: String, metric: MetricIdentity, unit: String, timestamp: Int64, statistics: StatisticSet) {
        self.accountID = accountID
        self.region = region
        self.metric = metric
        self.unit = unit
        self.timestamp = timestamp
        self.statistics = statistics
    }
}

/// A stored metric, as ListMetrics answers it.
public struct MetricRecord: Sendable, Equatable {
    public var id: Int64
    public var metric: MetricIdentity
    public var lastPutAt: Int64
}

/// A stored bucket of one metric, as the statistics operations read it.
public struct StoredDatapoint: Sendable, Equatable {
    public var unit: String
    public var timestamp: Int64
    public var statistics: StatisticSet
}

/// CloudWatch's metrics and datapoints (decision 0039).
public struct MetricsRepository: Sendable {
    let database: BulwarkDatabase

    public init(database: BulwarkDatabase) {
        self.database = database
    }

    /// Merges samples into their metrics' buckets, in one transaction.
    public func record(_ samples: [MetricSample], now: Int64) async throws {
        guard !samples.isEmpty else { return }
        try await database.write { db in
            var ids: [String: Int64] = [:]
            for sample in samples {
                let key = sample.metric.dimensionsKey
                let cacheKey = "\(sample.accountID)\u{0}\(sample.region)\u{0}\(sample.metric.namespace)\u{0}\(sample.metric.name)\u{0}\(key)"
                let id: Int64
                if let known = ids[cacheKey] {
                    id = known
                } else {
                    id = try Self.metricID(db, sample, dimensionsKey: key, now: now)
                    ids[cacheKey] = id
                }
                let stats = sample.statistics
                try db.execute(
                    sql: """
                        INSERT INTO cwDatapoint (metricID, unit, timestamp, sampleCount, sum, minimum, maximum) VALUES (?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (metricID, timestamp, unit) DO UPDATE SET
                            sampleCount = sampleCount + excluded.sampleCount, sum = sum + excluded.sum,
                            minimum = min(minimum, excluded.minimum), maximum = max(maximum, excluded.maximum)
                        """,
                    arguments: [id, sample.unit, sample.timestamp, stats.sampleCount, stats.sum, stats.minimum, stats.maximum])
            }
        }
    }

    /// The metric's id, created when new; its last put time moves to `now`.
    private static func metricID(_ db: Database, _ sample: MetricSample, dimensionsKey: String, now: Int64) throws -> Int64 {
        let arguments: StatementArguments = [sample.accountID, sample.region, sample.metric.namespace, sample.metric.name, dimensionsKey]
        try db.execute(
            sql: """
                INSERT INTO cwMetric (accountID, region, namespace, name, dimensions, lastPutAt) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (accountID, region, namespace, name, dimensions) DO UPDATE SET lastPutAt = max(lastPutAt, excluded.lastPutAt)
                """,
            arguments: arguments + [now])
        guard
            let id = try Int64.fetchOne(
                db.cachedStatement(
                    sql: "SELECT id FROM cwMetric WHERE accountID = ? AND region = ? AND namespace = ? AND name = ? AND dimensions = ?"),
                arguments: arguments)
        else { throw StoreError.notFound }
        return id
    }

    /// The buckets of one metric (its exact dimensions) from `start` (inclusive) to `end`
    /// (exclusive), of one unit or of all, combined per unit and `period` from `start` (each stamped with
    /// its period's start), in time order: at most one row per period and unit, however many are stored.
    public func datapoints(
        accountID: String, region: String, metric: MetricIdentity, unit: String?, from start: Int64, to end: Int64, period: Int64
    ) async throws -> [StoredDatapoint] {
        try await database.read { db in
            var sql = """
                SELECT d.unit, ? + (d.timestamp - ?) / ? * ? AS period, SUM(d.sampleCount), SUM(d.sum), MIN(d.minimum), MAX(d.maximum)
                FROM cwDatapoint d JOIN cwMetric m ON m.id = d.metricID
                WHERE m.accountID = ? AND m.region = ? AND m.namespace = ? AND m.name = ? AND m.dimensions = ? AND d.timestamp >= ? AND d.timestamp < ?
                """
            var arguments: StatementArguments = [
                start, start, period, period, accountID, region, metric.namespace, metric.name, metric.dimensionsKey, start, end,
            ]
            if let unit {
                sql += " AND d.unit = ?"
                arguments += [unit]
            }
            sql += " GROUP BY period, d.unit ORDER BY period, d.unit"
            return try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map { row in
                StoredDatapoint(
                    unit: row[0], timestamp: row[1],
                    statistics: StatisticSet(sampleCount: row[2], sum: row[3], minimum: row[4], maximum: row[5]))
            }
        }
    }

    /// Metrics of an account and region after `afterID` in id order, of a namespace and name when
    /// given, put since `activeSince`, that `matches` accepts: at most `limit`.
    public func metrics(
        accountID: String, region: String, namespace: String?, name: String?, activeSince: Int64, afterID: Int64, limit: Int,
        matches: @escaping @Sendable (MetricIdentity) -> Bool
    ) async throws -> [MetricRecord] {
        try await database.read { db in
            var sql = "SELECT id, namespace, name, dimensions, lastPutAt FROM cwMetric WHERE accountID = ? AND region = ? AND lastPutAt >= ?"
            var arguments: StatementArguments = [accountID, region, activeSince]
            if let namespace {
                sql += " AND namespace = ?"
                arguments += [namespace]
            }
            if let name {
                sql += " AND name = ?"
                arguments += [name]
            }
            sql += " AND id > ? ORDER BY id LIMIT 1000"
            var found: [MetricRecord] = []
            var cursor = afterID
            // Filtering on dimensions happens here, page by page, until enough match or none remain.
            while found.count < limit {
                let rows = try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments + [cursor])
                for row in rows {
                    cursor = row[0]
                    guard let dimensions = MetricIdentity.dimensions(fromKey: row[3]) else { continue }
                    let metric = MetricIdentity(namespace: row[1], name: row[2], dimensions: dimensions)
                    guard matches(metric) else { continue }
                    found.append(MetricRecord(id: row[0], metric: metric, lastPutAt: row[4]))
                    if found.count == limit { break }
                }
                if rows.count < 1000 { break }
            }
            return found
        }
    }
}

extension BulwarkDatabase {
    public var metrics: MetricsRepository { MetricsRepository(database: self) }
}
