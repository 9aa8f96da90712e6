import BulwarkCore
import Foundation

/// The periods a statistics query asks for: from its start, aligned as CloudWatch aligns it, to its
/// end, in steps of its period — and the buckets that stored datapoints fall in.
struct StatisticsWindow: Sendable, Equatable {
    /// The start of the first period, seconds since 1970.
    let start: Int64
    /// The end of the window (exclusive).
    let end: Int64
    let period: Int64

    /// The most datapoints one GetMetricStatistics call may ask for.
    static let maxDatapoints = 1440

    /// Checks `period` (1, 5, 10, 30 or a multiple of 60) and the time range; the window starts at
    /// the start time rounded down to the minute (to the period below a minute).
    ///
    /// - Parameter periodParameter: the period's name in messages (`Period`, `MetricDataQueries.member.1.MetricStat.Period`).
    init(start: Date, end: Date, period: Int, periodParameter: String) throws {
        guard [1, 5, 10, 30].contains(period) || (period > 0 && period % 60 == 0) else {
            throw CloudWatchError.invalidValue("The parameter \(periodParameter) must be a multiple of 60.")
        }
        let startSeconds = Int64(start.timeIntervalSince1970.rounded(.down))
        let endSeconds = Int64(end.timeIntervalSince1970.rounded(.up))
        guard startSeconds < endSeconds, start < end else {
            throw CloudWatchError.invalidValue("The parameter StartTime must be less than the parameter EndTime.")
        }
        let alignment = Int64(min(period, 60))
        self.start = Self.floor(startSeconds, alignment)
        self.end = endSeconds
        self.period = Int64(period)
    }

    /// How many periods the window spans (the last may be partial).
    var periodCount: Int64 { (end - start + period - 1) / period }

    /// The start of the period that holds `timestamp`.
    func bucket(of timestamp: Int64) -> Int64 {
        start + Self.floor(timestamp - start, period)
    }

    private static func floor(_ value: Int64, _ step: Int64) -> Int64 {
        let remainder = value % step
        return remainder < 0 ? value - remainder - step : value - remainder
    }

    /// The stored datapoints combined per period and unit, in time order.
    func combine(_ datapoints: [StoredDatapoint]) -> [(timestamp: Int64, unit: String, statistics: StatisticSet)] {
        var combined: [(timestamp: Int64, unit: String, statistics: StatisticSet)] = []
        var index: [String: Int] = [:]
        for datapoint in datapoints {
            let bucket = bucket(of: datapoint.timestamp)
            let key = "\(bucket)\u{0}\(datapoint.unit)"
            if let existing = index[key] {
                combined[existing].statistics.merge(datapoint.statistics)
            } else {
                index[key] = combined.count
                combined.append((bucket, datapoint.unit, datapoint.statistics))
            }
        }
        return combined.sorted { ($0.timestamp, $0.unit) < ($1.timestamp, $1.unit) }
    }
}
