import BulwarkCore
import Synchronization

/// Folds values into per-minute statistic sets in memory, under a lock, and hands them over to be
/// stored: recording costs a dictionary update, never a write to the store (decision 0039).
public final class MetricAggregator: Sendable {
    struct Key: Hashable {
        let accountID: String
        let region: String
        let metric: MetricIdentity
        let unit: String
        let minute: Int64
    }

    private struct Pending {
        var buckets: [Key: StatisticSet] = [:]
        /// Buckets held per account, each held to the limit.
        var perAccount: [String: Int] = [:]
    }

    private let pending = Mutex(Pending())
    /// The most distinct buckets an account holds between flushes; its values beyond are dropped, so that
    /// a flood of distinct metrics cannot grow the server's memory without bound, nor crowd out other accounts'.
    public static let bucketLimit = 100_000
    private let limit: Int

    public init(bucketLimit: Int = MetricAggregator.bucketLimit) {
        limit = bucketLimit
    }

    /// Adds one value of a metric at `time` (seconds since 1970).
    public func add(_ value: Double, to metric: MetricIdentity, unit: String, accountID: String, region: String, at time: Int64) {
        add([(value, metric, unit)], accountID: accountID, region: region, at: time)
    }

    /// Adds values of several metrics at `time`, under one acquisition of the lock.
    public func add(_ values: [(Double, MetricIdentity, String)], accountID: String, region: String, at time: Int64) {
        let minute = time - ((time % 60) + 60) % 60
        let keyed = values.map { (Key(accountID: accountID, region: region, metric: $0.1, unit: $0.2, minute: minute), $0.0) }
        pending.withLock { pending in
            for (key, value) in keyed {
                if pending.buckets[key] != nil {
                    pending.buckets[key]?.merge(StatisticSet(value: value))
                } else if pending.perAccount[accountID, default: 0] < limit {
                    pending.buckets[key] = StatisticSet(value: value)
                    pending.perAccount[accountID, default: 0] += 1
                }
            }
        }
    }

    /// Takes everything gathered since the last drain.
    public func drain() -> [MetricSample] {
        let buckets = pending.withLock { pending in
            defer { pending = Pending() }
            return pending.buckets
        }
        return buckets.map { key, statistics in
            MetricSample(
                accountID: key.accountID, region: key.region, metric: key.metric, unit: key.unit, timestamp: key.minute, statistics: statistics)
        }
    }
}
