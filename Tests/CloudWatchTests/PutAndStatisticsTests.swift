import AWSWire
import BulwarkCore
import Foundation
import Testing

@testable import CloudWatch

@Suite("PutMetricData and GetMetricStatistics")
struct PutAndStatisticsTests {
    let harness: CloudWatchHarness
    init() throws { harness = try CloudWatchHarness() }

    static let host = [CloudWatchAPI.Dimension(name: "Host", value: "a")]
    static func at(_ seconds: TimeInterval) -> Date { CloudWatchHarness.start.addingTimeInterval(seconds) }

    @Test("values of a minute combine into one datapoint with every statistic")
    func combinesAMinute() async throws {
        try await harness.put(
            "App",
            [
                .init(metricName: "Latency", dimensions: Self.host, timestamp: Self.at(5), value: 10, unit: "Milliseconds"),
                .init(metricName: "Latency", dimensions: Self.host, timestamp: Self.at(50), value: 30, unit: "Milliseconds"),
                .init(metricName: "Latency", dimensions: Self.host, timestamp: Self.at(65), value: 7, unit: "Milliseconds"),
            ])
        let points = try await harness.statistics("App", "Latency", dimensions: Self.host)
        #expect(
            points == [
                .init(timestamp: Self.at(0), sampleCount: 2, average: 20, sum: 40, minimum: 10, maximum: 30, unit: "Milliseconds"),
                .init(timestamp: Self.at(60), sampleCount: 1, average: 7, sum: 7, minimum: 7, maximum: 7, unit: "Milliseconds"),
            ])
        // Only the statistics asked for; a longer period sums both minutes.
        let fiveMinutes = try await harness.statistics("App", "Latency", dimensions: Self.host, period: 300, statistics: ["Sum"])
        #expect(fiveMinutes == [.init(timestamp: Self.at(0), sum: 47, unit: "Milliseconds")])
    }

    @Test("dimensions must match exactly, in any order; another set is another metric")
    func exactDimensions() async throws {
        let two = [CloudWatchAPI.Dimension(name: "B", value: "2"), .init(name: "A", value: "1")]
        try await harness.put("App", [.init(metricName: "M", dimensions: two, timestamp: Self.at(1), value: 1)])
        let reordered = [CloudWatchAPI.Dimension(name: "A", value: "1"), .init(name: "B", value: "2")]
        #expect(try await harness.statistics("App", "M", dimensions: reordered, statistics: ["Sum"]).map(\.sum) == [1])
        #expect(try await harness.statistics("App", "M", dimensions: [.init(name: "A", value: "1")]).isEmpty)
        #expect(try await harness.statistics("App", "M").isEmpty)
    }

    @Test("StatisticValues and Values with Counts are folded in as sets")
    func statisticSetsAndValues() async throws {
        try await harness.put(
            "App",
            [
                .init(metricName: "M", timestamp: Self.at(1), statisticValues: .init(sampleCount: 4, sum: 10, minimum: 1, maximum: 4)),
                .init(metricName: "M", timestamp: Self.at(2), values: [5, 0.5], counts: [2, 1]),
            ])
        let points = try await harness.statistics("App", "M")
        #expect(points == [.init(timestamp: Self.at(0), sampleCount: 7, average: 20.5 / 7, sum: 20.5, minimum: 0.5, maximum: 5, unit: "None")])
    }

    @Test("units are kept apart unless one is asked for")
    func units() async throws {
        try await harness.put(
            "App",
            [
                .init(metricName: "M", timestamp: Self.at(1), value: 1, unit: "Count"),
                .init(metricName: "M", timestamp: Self.at(2), value: 2, unit: "Bytes"),
            ])
        #expect(try await harness.statistics("App", "M", statistics: ["Sum"]).map(\.unit) == ["Bytes", "Count"])
        #expect(try await harness.statistics("App", "M", statistics: ["Sum"], unit: "Count").map(\.sum) == [1])
    }

    @Test("a datum without a timestamp is stored at the time it arrives")
    func defaultTimestamp() async throws {
        harness.time.set(Self.at(125))
        try await harness.put("App", [.init(metricName: "M", value: 3)])
        #expect(try await harness.statistics("App", "M", statistics: ["Sum"]).map(\.timestamp) == [Self.at(120)])
    }

    @Test("high-resolution data can be read by the second")
    func highResolution() async throws {
        try await harness.put(
            "App",
            [
                .init(metricName: "M", timestamp: Self.at(1), value: 1, storageResolution: 1),
                .init(metricName: "M", timestamp: Self.at(12), value: 2, storageResolution: 1),
            ])
        let points = try await harness.statistics("App", "M", to: Self.at(60), period: 10, statistics: ["Sum"])
        #expect(points.map(\.sum) == [1, 2])
        #expect(points.map(\.timestamp) == [Self.at(0), Self.at(10)])
    }

    @Test("the store combines stored datapoints per period and unit: one row each, however many were put")
    func combinedInTheStore() async throws {
        try await harness.put("App", (0..<120).map { .init(metricName: "M", timestamp: Self.at(Double($0)), value: 1, storageResolution: 1) })
        try await harness.put("App", [.init(metricName: "M", timestamp: Self.at(5), value: 7, unit: "Count", storageResolution: 1)])
        let start = Int64(CloudWatchHarness.start.timeIntervalSince1970)
        let rows = try await MetricsRepository(database: harness.database).datapoints(
            accountID: CloudWatchHarness.account, region: "us-east-1", metric: .init(namespace: "App", name: "M", dimensions: []), unit: nil,
            from: start, to: start + 120, period: 60)
        #expect(rows.map(\.timestamp) == [start, start, start + 60])
        #expect(rows.map(\.unit) == ["Count", "None", "None"])
        #expect(
            rows.map(\.statistics) == [
                .init(value: 7), .init(sampleCount: 60, sum: 60, minimum: 1, maximum: 1), .init(sampleCount: 60, sum: 60, minimum: 1, maximum: 1),
            ])
    }

    static let badPuts: [(String, [CloudWatchAPI.MetricDatum], String, String)] = [
        ("AWS/Lambda", [.init(metricName: "M", value: 1)], "InvalidParameterValueException", "The value AWS/ for parameter Namespace is invalid."),
        ("App", [], "MissingRequiredParameterException", "At least one of the parameters MetricData and EntityMetricData must be specified."),
        (
            "App", Array(repeating: .init(metricName: "M", value: 1), count: 1001), "InvalidParameterValueException",
            "The collection MetricData must not have a size greater than 1000."
        ),
        (
            "App", [.init(metricName: "M", value: 1, statisticValues: .init(sampleCount: 1, sum: 1, minimum: 1, maximum: 1))],
            "InvalidParameterCombinationException",
            "The parameters MetricData.member.1.Value and MetricData.member.1.StatisticValues are mutually exclusive and you have specified both."
        ),
        (
            "App", [.init(metricName: "M")], "MissingRequiredParameterException",
            "One of the parameters MetricData.member.1.Value, MetricData.member.1.StatisticValues and MetricData.member.1.Values must be specified."
        ),
        ("App", [.init(metricName: "M", value: 0x1p400)], "InvalidParameterValueException", "parameter MetricData.member.1.Value is invalid."),
        ("App", [.init(metricName: "M", value: 1e-100)], "InvalidParameterValueException", "parameter MetricData.member.1.Value is invalid."),
        (
            "App", [.init(metricName: "M", values: [1, 2], counts: [1])], "InvalidParameterCombinationException",
            "The parameters MetricData.member.1.Values and MetricData.member.1.Counts must be of the same size."
        ),
        (
            "App", [.init(metricName: "M", values: Array(repeating: 1, count: 151))], "InvalidParameterValueException",
            "The collection MetricData.member.1.Values must not have a size greater than 150."
        ),
        (
            "App", [.init(metricName: "M", timestamp: at(-15 * 86_400), value: 1)], "InvalidParameterValueException",
            "The parameter MetricData.member.1.Timestamp must specify a time no more than two weeks in the past."
        ),
        (
            "App", [.init(metricName: "M", timestamp: at(3 * 3_600), value: 1)], "InvalidParameterValueException",
            "The parameter MetricData.member.1.Timestamp must specify a time no more than two hours in the future."
        ),
        (
            "App", [.init(metricName: "M", value: 1, storageResolution: 5)], "InvalidParameterValueException",
            "The value 5 for parameter MetricData.member.1.StorageResolution is invalid."
        ),
        (
            "App", [.init(metricName: "M", dimensions: [.init(name: "A", value: "1"), .init(name: "A", value: "2")], value: 1)],
            "InvalidParameterValueException", "The collection MetricData.member.1.Dimensions must not contain duplicate dimension names."
        ),
        (
            "App", [.init(metricName: "M", statisticValues: .init(sampleCount: 1, sum: 1, minimum: 2, maximum: 1))],
            "InvalidParameterCombinationException",
            "The parameter MetricData.member.1.StatisticValues.Maximum must be greater than or equal to MetricData.member.1.StatisticValues.Minimum."
        ),
    ]

    @Test("PutMetricData refuses what CloudWatch refuses, and stores nothing of the request", arguments: badPuts)
    func badPut(_ namespace: String, _ data: [CloudWatchAPI.MetricDatum], _ code: String, _ message: String) async throws {
        let error = await awsError { try await harness.put(namespace, data) }
        let shown = try #require(error)
        #expect(shown.code == code)
        #expect(shown.status == 400)
        #expect(shown.message.contains(message))
        #expect(try await harness.statistics(namespace, "M", from: Self.at(-16 * 86_400), to: Self.at(7200), period: 86_400).isEmpty)
    }

    static let badQueries: [(Int, TimeInterval, [String]?, [String]?, String, String)] = [
        (61, 3600, ["Sum"], nil, "InvalidParameterValueException", "The parameter Period must be a multiple of 60."),
        (7, 3600, ["Sum"], nil, "InvalidParameterValueException", "The parameter Period must be a multiple of 60."),
        (60, 0, ["Sum"], nil, "InvalidParameterValueException", "The parameter StartTime must be less than the parameter EndTime."),
        (
            60, 86_460, ["Sum"], nil, "InvalidParameterCombinationException",
            "You have requested up to 1,441 datapoints, which exceeds the limit of 1,440. You may reduce the datapoints requested by increasing Period, or decreasing the time range."
        ),
        (60, 3600, nil, nil, "InvalidParameterCombinationException", "Must specify either the Statistics or the ExtendedStatistics parameter."),
        (60, 3600, nil, ["p99"], "InvalidParameterValueException", "Bulwark does not compute extended statistics"),
    ]

    @Test("GetMetricStatistics refuses bad periods, ranges and statistics", arguments: badQueries)
    func badQuery(_ period: Int, _ span: TimeInterval, _ statistics: [String]?, _ extended: [String]?, _ code: String, _ message: String) async {
        let error = await awsError {
            _ = try await harness.service.getMetricStatistics(
                CloudWatchAPI.GetMetricStatisticsInput(
                    namespace: "App", metricName: "M", startTime: Self.at(0), endTime: Self.at(span), period: period, statistics: statistics,
                    extendedStatistics: extended),
                harness.context)
        }
        #expect(error?.code == code)
        #expect(error?.message.hasPrefix(message) == true)
    }

    @Test("exactly 1,440 datapoints may be asked for")
    func datapointLimit() async throws {
        #expect(try await harness.statistics("App", "M", to: Self.at(86_400), statistics: ["Sum"]).isEmpty)
    }
}
