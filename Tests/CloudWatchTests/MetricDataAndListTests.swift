import AWSWire
import BulwarkCore
import Foundation
import Testing

@testable import CloudWatch

@Suite("GetMetricData and ListMetrics")
struct MetricDataAndListTests {
    let harness: CloudWatchHarness
    init() throws { harness = try CloudWatchHarness() }

    static func at(_ seconds: TimeInterval) -> Date { CloudWatchHarness.start.addingTimeInterval(seconds) }
    static let metric = CloudWatchAPI.Metric(namespace: "App", metricName: "Hits", dimensions: [.init(name: "Host", value: "a")])

    private func data(
        _ queries: [CloudWatchAPI.MetricDataQuery], scanBy: String? = nil, maxDatapoints: Int? = nil, nextToken: String? = nil
    ) async throws -> CloudWatchAPI.GetMetricDataOutput {
        try await harness.service.getMetricData(
            CloudWatchAPI.GetMetricDataInput(
                metricDataQueries: queries, startTime: Self.at(0), endTime: Self.at(600), nextToken: nextToken, scanBy: scanBy,
                maxDatapoints: maxDatapoints),
            harness.context)
    }

    private func seed() async throws {
        try await harness.put(
            "App",
            (0..<3).map { minute in
                CloudWatchAPI.MetricDatum(
                    metricName: "Hits", dimensions: [.init(name: "Host", value: "a")], timestamp: Self.at(Double(minute * 60 + 1)),
                    value: Double(minute + 1))
            })
    }

    @Test("MetricStat queries answer one value per period, newest first by default")
    func metricStat() async throws {
        try await seed()
        let sum = CloudWatchAPI.MetricDataQuery(id: "sum", metricStat: .init(metric: Self.metric, period: 60, stat: "Sum"))
        let max = CloudWatchAPI.MetricDataQuery(
            id: "max", metricStat: .init(metric: Self.metric, period: 120, stat: "Maximum"), label: "Peak")
        let hidden = CloudWatchAPI.MetricDataQuery(id: "hidden", metricStat: .init(metric: Self.metric, period: 60, stat: "Sum"), returnData: false)
        let output = try await data([sum, max, hidden])
        #expect(
            output.metricDataResults == [
                .init(
                    id: "sum", label: "Hits", timestamps: [Self.at(120), Self.at(60), Self.at(0)], values: [3, 2, 1], statusCode: "Complete"),
                .init(id: "max", label: "Peak", timestamps: [Self.at(120), Self.at(0)], values: [3, 2], statusCode: "Complete"),
            ])
        #expect(output.nextToken == nil)
        #expect(output.messages == [])
        let ascending = try await data([sum], scanBy: "TimestampAscending")
        #expect(ascending.metricDataResults?.first?.values == [1, 2, 3])
    }

    @Test("MaxDatapoints pages the answer with a NextToken")
    func paging() async throws {
        try await seed()
        let sum = CloudWatchAPI.MetricDataQuery(id: "sum", metricStat: .init(metric: Self.metric, period: 60, stat: "Sum"))
        let first = try await data([sum], maxDatapoints: 2)
        #expect(first.metricDataResults?.first?.values == [3, 2])
        #expect(first.metricDataResults?.first?.statusCode == "PartialData")
        let token = try #require(first.nextToken)
        let second = try await data([sum], maxDatapoints: 2, nextToken: token)
        #expect(second.metricDataResults?.first?.values == [1])
        #expect(second.metricDataResults?.first?.statusCode == "Complete")
        #expect(second.nextToken == nil)
        let error = await awsError { _ = try await data([sum], nextToken: "bm90IGEgdG9rZW4=") }
        #expect(error?.code == "InvalidNextToken")
    }

    static let refused: [(CloudWatchAPI.MetricDataQuery, String)] = [
        (.init(id: "m", expression: "SUM(METRICS())"), "Metric math is not supported by Bulwark"),
        (.init(id: "m"), "Exactly one of MetricDataQueries.member.1.MetricStat and MetricDataQueries.member.1.Expression must be specified."),
        (
            .init(id: "M1", metricStat: .init(metric: metric, period: 60, stat: "Sum")),
            "The value M1 for parameter MetricDataQueries.member.1.Id is invalid"
        ),
        (
            .init(id: "m", metricStat: .init(metric: metric, period: 60, stat: "p99")),
            "The statistic p99 of MetricDataQueries.member.1.MetricStat.Stat is not supported"
        ),
        (
            .init(id: "m", metricStat: .init(metric: metric, period: 90, stat: "Sum")),
            "The parameter MetricDataQueries.member.1.MetricStat.Period must be a multiple of 60."
        ),
    ]

    @Test("queries CloudWatch or Bulwark cannot answer are refused with ValidationError", arguments: refused)
    func refusedQuery(_ query: CloudWatchAPI.MetricDataQuery, _ message: String) async {
        let error = await awsError { _ = try await data([query]) }
        #expect(error?.message.hasPrefix(message) == true)
        #expect(error?.status == 400)
    }

    @Test("MaxDatapoints below 1 is refused", arguments: [-1, 0])
    func nonPositiveMaxDatapoints(_ maxDatapoints: Int) async throws {
        try await seed()
        let query = CloudWatchAPI.MetricDataQuery(id: "m", metricStat: .init(metric: Self.metric, period: 60, stat: "Sum"))
        let error = await awsError { _ = try await data([query], maxDatapoints: maxDatapoints) }
        #expect(error?.code == "InvalidParameterValueException")
        #expect(error?.message == "The value \(maxDatapoints) for parameter MaxDatapoints is invalid.")
    }

    @Test("queries that together request more than 100,800 datapoints are refused before any read")
    func tooManyDatapoints() async throws {
        // 600 one-second periods: 168 queries ask for 100,800 datapoints, 169 for more.
        let queries = (0..<169).map { CloudWatchAPI.MetricDataQuery(id: "m\($0)", metricStat: .init(metric: Self.metric, period: 1, stat: "Sum")) }
        let error = await awsError { _ = try await data(queries) }
        #expect(error?.code == "ValidationError")
        #expect(error?.message.hasPrefix("The queries request more than 100800 datapoints") == true)
        let answer = try await data(Array(queries.prefix(168)))
        #expect(answer.metricDataResults?.count == 168)
    }

    @Test("duplicate ids are refused")
    func duplicateIDs() async {
        let query = CloudWatchAPI.MetricDataQuery(id: "m", metricStat: .init(metric: Self.metric, period: 60, stat: "Sum"))
        let error = await awsError { _ = try await data([query, query]) }
        #expect(error?.code == "ValidationError")
        #expect(error?.message == "The value m for parameter MetricDataQueries.member.2.Id is not unique.")
    }

    private func list(
        namespace: String? = nil, name: String? = nil, dimensions: [CloudWatchAPI.DimensionFilter]? = nil, token: String? = nil,
        recentlyActive: String? = nil
    ) async throws -> CloudWatchAPI.ListMetricsOutput {
        try await harness.service.listMetrics(
            CloudWatchAPI.ListMetricsInput(
                namespace: namespace, metricName: name, dimensions: dimensions, nextToken: token, recentlyActive: recentlyActive),
            harness.context)
    }

    @Test("ListMetrics filters by namespace, name and dimensions (a metric may have more)")
    func listFilters() async throws {
        try await harness.put(
            "App",
            [
                .init(metricName: "Hits", dimensions: [.init(name: "Host", value: "a")], value: 1),
                .init(metricName: "Hits", dimensions: [.init(name: "Host", value: "b"), .init(name: "Az", value: "1")], value: 1),
                .init(metricName: "Errors", value: 1),
            ])
        try await harness.put("Other", [.init(metricName: "Hits", value: 1)])
        #expect(try await list().metrics?.count == 4)
        #expect(try await list(namespace: "App").metrics?.count == 3)
        #expect(try await list(namespace: "App", name: "Hits").metrics?.count == 2)
        let byHost = try await list(dimensions: [.init(name: "Host", value: "b")])
        #expect(
            byHost.metrics == [
                .init(namespace: "App", metricName: "Hits", dimensions: [.init(name: "Az", value: "1"), .init(name: "Host", value: "b")])
            ])
        #expect(try await list(dimensions: [.init(name: "Host")]).metrics?.count == 2)
        #expect(try await list(dimensions: [.init(name: "Nope")]).metrics == [])
    }

    @Test("ListMetrics pages by 500, and RecentlyActive keeps the last three hours")
    func listPaging() async throws {
        let data = (0..<501).map { CloudWatchAPI.MetricDatum(metricName: "M\($0)", value: 1) }
        try await harness.put("App", Array(data.prefix(1000)))
        let first = try await list()
        #expect(first.metrics?.count == 500)
        let token = try #require(first.nextToken)
        let second = try await list(token: token)
        #expect(second.metrics?.map(\.metricName) == ["M500"])
        #expect(second.nextToken == nil)
        harness.time.set(CloudWatchHarness.start.addingTimeInterval(4 * 3600))
        #expect(try await list(recentlyActive: "PT3H").metrics == [])
        #expect(try await list().metrics?.count == 500)
        let error = await awsError { _ = try await list(token: "garbage") }
        #expect(error?.code == "InvalidParameterValueException")
    }
}
