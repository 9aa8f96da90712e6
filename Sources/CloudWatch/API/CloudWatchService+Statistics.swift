import AWSWire
import BulwarkCore
import Foundation

extension CloudWatchService {
    @Sendable func getMetricStatistics(
        _ input: CloudWatchAPI.GetMetricStatisticsInput, _ context: CallContext
    ) async throws -> CloudWatchAPI.GetMetricStatisticsOutput {
        let statistics = try Self.statistics(input.statistics, extended: input.extendedStatistics)
        let window = try StatisticsWindow(start: input.startTime, end: input.endTime, period: input.period, periodParameter: "Period")
        guard window.periodCount <= StatisticsWindow.maxDatapoints else {
            throw CloudWatchError.invalidCombination(
                "You have requested up to \(Self.grouped(window.periodCount)) "
                    + "datapoints, which exceeds the limit of 1,440. You may reduce the datapoints requested by increasing Period, "
                    + "or decreasing the time range.")
        }
        let stored = try await repository.datapoints(
            accountID: context.accountID, region: context.region,
            metric: Self.identity(namespace: input.namespace, name: input.metricName, dimensions: input.dimensions),
            unit: input.unit, from: window.start, to: window.end, period: window.period)
        let datapoints = window.combine(stored).map { bucket in
            var datapoint = CloudWatchAPI.Datapoint(timestamp: Date(timeIntervalSince1970: TimeInterval(bucket.timestamp)), unit: bucket.unit)
            for statistic in statistics {
                let value = bucket.statistics.value(of: statistic)
                switch statistic {
                case .sampleCount: datapoint.sampleCount = value
                case .average: datapoint.average = value
                case .sum: datapoint.sum = value
                case .minimum: datapoint.minimum = value
                case .maximum: datapoint.maximum = value
                }
            }
            return datapoint
        }
        return CloudWatchAPI.GetMetricStatisticsOutput(label: input.metricName, datapoints: datapoints)
    }

    /// `1441` as `1,441`, as AWS writes counts in this message.
    static func grouped(_ count: Int64) -> String {
        var digits = String(count)
        var index = digits.endIndex
        while digits.distance(from: digits.startIndex, to: index) > 3 {
            index = digits.index(index, offsetBy: -3)
            digits.insert(",", at: index)
        }
        return digits
    }

    /// The statistics asked for; extended statistics (percentiles) are refused, as Bulwark keeps
    /// statistic sets, not distributions.
    static func statistics(_ names: [String]?, extended: [String]?) throws -> [Statistic] {
        if let extended, !extended.isEmpty {
            throw CloudWatchError.invalidValue(
                "Bulwark does not compute extended statistics (percentiles); the parameter ExtendedStatistics is not supported.")
        }
        guard let names, !names.isEmpty else {
            throw CloudWatchError.invalidCombination("Must specify either the Statistics or the ExtendedStatistics parameter.")
        }
        var statistics: [Statistic] = []
        for (index, name) in names.enumerated() {
            guard let statistic = Statistic(rawValue: name) else {
                throw CloudWatchError.invalid(name, parameter: "Statistics.member.\(index + 1)")
            }
            if !statistics.contains(statistic) { statistics.append(statistic) }
        }
        return statistics
    }
}
