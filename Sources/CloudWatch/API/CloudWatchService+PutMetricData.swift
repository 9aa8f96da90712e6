import AWSWire
import BulwarkCore
import Foundation

extension CloudWatchService {
    /// The most metrics in one PutMetricData request, and values in one datum's `Values`.
    static let maxMetricsPerRequest = 1000
    static let maxValuesPerDatum = 150
    /// CloudWatch refuses magnitudes beyond 2^360 and, other than zero, below 2^-260.
    static let largestValue = 0x1p360
    static let smallestValue = 0x1p-260
    /// How far from now a datum's timestamp may be: two weeks back, two hours ahead.
    static let oldestTimestamp: Int64 = 14 * 86_400
    static let latestTimestamp: Int64 = 2 * 3_600

    @Sendable func putMetricData(_ input: CloudWatchAPI.PutMetricDataInput, _ context: CallContext) async throws -> EmptyOutput {
        if input.namespace.hasPrefix("AWS/") {
            throw CloudWatchError.invalidValue("The value AWS/ for parameter Namespace is invalid.")
        }
        var data: [(CloudWatchAPI.MetricDatum, String)] = []
        for (index, datum) in (input.metricData ?? []).enumerated() { data.append((datum, "MetricData.member.\(index + 1)")) }
        for (entityIndex, entity) in (input.entityMetricData ?? []).enumerated() {
            for (index, datum) in (entity.metricData ?? []).enumerated() {
                data.append((datum, "EntityMetricData.member.\(entityIndex + 1).MetricData.member.\(index + 1)"))
            }
        }
        guard !data.isEmpty else {
            throw CloudWatchError.missing("At least one of the parameters MetricData and EntityMetricData must be specified.")
        }
        guard data.count <= Self.maxMetricsPerRequest else {
            throw CloudWatchError.invalidValue("The collection MetricData must not have a size greater than \(Self.maxMetricsPerRequest).")
        }
        let now = now()
        var samples: [MetricSample] = []
        samples.reserveCapacity(data.count)
        for (datum, path) in data {
            let (statistics, resolution) = try Self.statistics(of: datum, path: path)
            let timestamp = datum.timestamp.map { Int64($0.timeIntervalSince1970.rounded(.down)) } ?? now
            if timestamp < now - Self.oldestTimestamp {
                throw CloudWatchError.invalidValue("The parameter \(path).Timestamp must specify a time no more than two weeks in the past.")
            }
            if timestamp > now + Self.latestTimestamp {
                throw CloudWatchError.invalidValue("The parameter \(path).Timestamp must specify a time no more than two hours in the future.")
            }
            let names = (datum.dimensions ?? []).map(\.name)
            if Set(names).count != names.count {
                throw CloudWatchError.invalidValue("The collection \(path).Dimensions must not contain duplicate dimension names.")
            }
            samples.append(
                MetricSample(
                    accountID: context.accountID, region: context.region,
                    metric: Self.identity(namespace: input.namespace, name: datum.metricName, dimensions: datum.dimensions),
                    unit: datum.unit ?? "None", timestamp: timestamp - timestamp % resolution, statistics: statistics))
        }
        try await repository.record(samples, now: now)
        return EmptyOutput()
    }

    /// The statistic set of one datum, with the seconds of its storage resolution (1 or 60).
    static func statistics(of datum: CloudWatchAPI.MetricDatum, path: String) throws -> (StatisticSet, Int64) {
        let resolution: Int64
        switch datum.storageResolution {
        case nil, 60: resolution = 60
        case 1: resolution = 1
        case let other?: throw CloudWatchError.invalid(String(other), parameter: "\(path).StorageResolution")
        }
        switch (datum.value, datum.statisticValues, datum.values) {
        case (let value?, nil, nil):
            try check(value, parameter: "\(path).Value")
            return (StatisticSet(value: value), resolution)
        case (nil, let set?, nil):
            for (value, name) in [(set.sampleCount, "SampleCount"), (set.sum, "Sum"), (set.minimum, "Minimum"), (set.maximum, "Maximum")] {
                try check(value, parameter: "\(path).StatisticValues.\(name)")
            }
            guard set.sampleCount > 0 else { throw invalid(set.sampleCount, parameter: "\(path).StatisticValues.SampleCount") }
            guard set.minimum <= set.maximum else {
                throw CloudWatchError.invalidCombination(
                    "The parameter \(path).StatisticValues.Maximum must be greater than or equal to \(path).StatisticValues.Minimum.")
            }
            return (StatisticSet(sampleCount: set.sampleCount, sum: set.sum, minimum: set.minimum, maximum: set.maximum), resolution)
        case (nil, nil, let values?):
            return (try statistics(values: values, counts: datum.counts, path: path), resolution)
        case (nil, nil, nil):
            throw CloudWatchError.missing("One of the parameters \(path).Value, \(path).StatisticValues and \(path).Values must be specified.")
        default:
            let given = [
                datum.value.map { _ in "\(path).Value" }, datum.statisticValues.map { _ in "\(path).StatisticValues" },
                datum.values.map { _ in "\(path).Values" },
            ].compactMap { $0 }
            throw CloudWatchError.invalidCombination(
                "The parameters \(given.joined(separator: " and ")) are mutually exclusive and you have specified both.")
        }
    }

    /// The statistic set of a datum's `Values`, each seen as often as `Counts` says (once without it).
    private static func statistics(values: [Double], counts: [Double]?, path: String) throws -> StatisticSet {
        guard !values.isEmpty else { throw CloudWatchError.missing("The parameter \(path).Values must not be empty.") }
        guard values.count <= maxValuesPerDatum else {
            throw CloudWatchError.invalidValue("The collection \(path).Values must not have a size greater than \(maxValuesPerDatum).")
        }
        if let counts, counts.count != values.count {
            throw CloudWatchError.invalidCombination("The parameters \(path).Values and \(path).Counts must be of the same size.")
        }
        var set: StatisticSet?
        for (index, value) in values.enumerated() {
            try check(value, parameter: "\(path).Values.member.\(index + 1)")
            let count = counts?[index] ?? 1
            guard count.isFinite, count >= 0 else { throw invalid(count, parameter: "\(path).Counts.member.\(index + 1)") }
            guard count > 0 else { continue }
            let one = StatisticSet(value: value, count: count)
            if set == nil { set = one } else { set?.merge(one) }
        }
        guard let set else { throw CloudWatchError.invalidValue("The parameter \(path).Counts must count at least one value.") }
        return set
    }

    /// Refuses what CloudWatch refuses: values beyond 2^360 in magnitude, or below 2^-260 other than zero.
    private static func check(_ value: Double, parameter: String) throws {
        let magnitude = abs(value)
        guard value.isFinite, magnitude <= largestValue, magnitude == 0 || magnitude >= smallestValue else {
            throw invalid(value, parameter: parameter)
        }
    }

    private static func invalid(_ value: Double, parameter: String) -> AWSError {
        CloudWatchError.invalid(value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value), parameter: parameter)
    }
}
