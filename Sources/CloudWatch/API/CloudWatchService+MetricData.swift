import AWSWire
import BulwarkCore
import Foundation

extension CloudWatchService {
    /// The most queries in one GetMetricData call, and datapoints in one answer by default.
    static let maxQueries = 500
    static let defaultMaxDatapoints = 100_800

    /// GetMetricData over `MetricStat` queries. Metric math (`Expression`) is refused with a
    /// `ValidationError` that says so (decision 0039).
    @Sendable func getMetricData(_ input: CloudWatchAPI.GetMetricDataInput, _ context: CallContext) async throws -> CloudWatchAPI.GetMetricDataOutput
    {
        let queries = input.metricDataQueries
        guard !queries.isEmpty else { throw CloudWatchError.validation("The parameter MetricDataQueries must contain at least one query.") }
        guard queries.count <= Self.maxQueries else {
            throw CloudWatchError.validation("The collection MetricDataQueries must not have a size greater than \(Self.maxQueries).")
        }
        var seen = Set<String>()
        var planned: [(CloudWatchAPI.MetricDataQuery, CloudWatchAPI.MetricStat, MetricIdentity, Statistic, StatisticsWindow)] = []
        for (index, query) in queries.enumerated() {
            let path = "MetricDataQueries.member.\(index + 1)"
            guard seen.insert(query.id).inserted else {
                throw CloudWatchError.validation("The value \(query.id) for parameter \(path).Id is not unique.")
            }
            guard Self.isValidID(query.id) else {
                throw CloudWatchError.validation(
                    "The value \(query.id) for parameter \(path).Id is invalid: it must start with a lowercase letter and hold only letters, digits and underscores."
                )
            }
            if query.expression != nil {
                throw CloudWatchError.validation(
                    "Metric math is not supported by Bulwark: \(path).Expression cannot be evaluated; use MetricStat queries only.")
            }
            guard let stat = query.metricStat else {
                throw CloudWatchError.validation("Exactly one of \(path).MetricStat and \(path).Expression must be specified.")
            }
            guard let statistic = Statistic(rawValue: stat.stat) else {
                throw CloudWatchError.validation(
                    "The statistic \(stat.stat) of \(path).MetricStat.Stat is not supported: Bulwark computes SampleCount, Average, Sum, Minimum and Maximum."
                )
            }
            guard let namespace = stat.metric.namespace, let name = stat.metric.metricName else {
                throw CloudWatchError.validation("\(path).MetricStat.Metric must name its Namespace and MetricName.")
            }
            let window = try StatisticsWindow(
                start: input.startTime, end: input.endTime, period: stat.period, periodParameter: "\(path).MetricStat.Period")
            planned.append((query, stat, Self.identity(namespace: namespace, name: name, dimensions: stat.metric.dimensions), statistic, window))
        }
        // Every period of every query may be a datapoint: refused beyond what one call may answer, before any read.
        var requested: Int64 = 0
        for (_, _, _, _, window) in planned {
            requested += window.periodCount
            guard requested <= Int64(Self.defaultMaxDatapoints) else {
                throw CloudWatchError.validation(
                    "The queries request more than \(Self.defaultMaxDatapoints) datapoints; reduce the time range, the number of queries, or increase Period."
                )
            }
        }
        let maxDatapoints = input.maxDatapoints ?? Self.defaultMaxDatapoints
        guard maxDatapoints > 0 else { throw CloudWatchError.invalid("\(maxDatapoints)", parameter: "MaxDatapoints") }
        let ascending = input.scanBy == "TimestampAscending"
        let start = try input.nextToken.map(MetricDataToken.init(text:)) ?? MetricDataToken(query: 0, offset: 0)
        guard start.query <= planned.count else { throw CloudWatchError.invalidNextToken }

        var results: [CloudWatchAPI.MetricDataResult] = []
        var budget = maxDatapoints
        var next: MetricDataToken?
        for (index, (query, stat, metric, statistic, window)) in planned.enumerated() where index >= start.query && query.returnData != false {
            let stored = try await repository.datapoints(
                accountID: context.accountID, region: context.region, metric: metric, unit: stat.unit, from: window.start, to: window.end,
                period: window.period)
            // One value per period: a metric put under several units combines them, as when no unit is named.
            var periods: [(Int64, StatisticSet)] = []
            for bucket in window.combine(stored) {
                if let last = periods.last, last.0 == bucket.timestamp {
                    periods[periods.count - 1].1.merge(bucket.statistics)
                } else {
                    periods.append((bucket.timestamp, bucket.statistics))
                }
            }
            if !ascending { periods.reverse() }
            let offset = index == start.query ? start.offset : 0
            guard offset <= periods.count else { throw CloudWatchError.invalidNextToken }
            let page = periods.dropFirst(offset).prefix(budget)
            budget -= page.count
            let complete = offset + page.count == periods.count
            results.append(
                CloudWatchAPI.MetricDataResult(
                    id: query.id, label: query.label ?? stat.metric.metricName,
                    timestamps: page.map { Date(timeIntervalSince1970: TimeInterval($0.0)) },
                    values: page.map { $0.1.value(of: statistic) },
                    statusCode: complete ? "Complete" : "PartialData"))
            if !complete {
                next = MetricDataToken(query: index, offset: offset + page.count)
                break
            }
        }
        return CloudWatchAPI.GetMetricDataOutput(metricDataResults: results, nextToken: next?.text, messages: [])
    }

    /// A query's id: a lowercase letter, then letters, digits and underscores.
    static func isValidID(_ id: String) -> Bool {
        guard let first = id.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}

/// Where the next page of a GetMetricData answer resumes: a query and its datapoints already sent.
struct MetricDataToken: Equatable {
    let query: Int
    let offset: Int

    init(query: Int, offset: Int) {
        self.query = query
        self.offset = offset
    }

    init(text: String) throws {
        guard let data = Data(base64Encoded: text), let decoded = String(data: data, encoding: .utf8), decoded.hasPrefix("gmd:") else {
            throw CloudWatchError.invalidNextToken
        }
        let parts = decoded.dropFirst(4).split(separator: ":")
        guard parts.count == 2, let query = Int(parts[0]), let offset = Int(parts[1]), query >= 0, offset >= 0 else {
            throw CloudWatchError.invalidNextToken
        }
        self.init(query: query, offset: offset)
    }

    var text: String { Data("gmd:\(query):\(offset)".utf8).base64EncodedString() }
}
