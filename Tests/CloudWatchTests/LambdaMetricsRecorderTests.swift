import BulwarkCore
import Foundation
import Testing

@testable import CloudWatch

@Suite("AWS/Lambda metrics, aggregated in memory")
struct LambdaMetricsRecorderTests {
    static let time = CloudWatchHarness.start.addingTimeInterval(10)

    static func event(_ kind: FunctionMetricEvent.Kind, qualifier: String? = nil, executed: String? = "1") -> FunctionMetricEvent {
        FunctionMetricEvent(
            kind, accountID: CloudWatchHarness.account, region: "us-east-1", functionName: "hello", qualifier: qualifier,
            executedVersion: executed, time: time)
    }

    @Test("the aggregator keeps one statistic set per metric, unit and minute")
    func aggregation() {
        let aggregator = MetricAggregator()
        let metric = MetricIdentity(namespace: "N", name: "M", dimensions: [])
        for value in [1.0, 2, 3] { aggregator.add(value, to: metric, unit: "Count", accountID: "a", region: "r", at: 125) }
        aggregator.add(9, to: metric, unit: "Count", accountID: "a", region: "r", at: 180)
        let samples = aggregator.drain().sorted { $0.timestamp < $1.timestamp }
        #expect(samples.map(\.timestamp) == [120, 180])
        #expect(samples.map(\.statistics) == [StatisticSet(sampleCount: 3, sum: 6, minimum: 1, maximum: 3), StatisticSet(value: 9)])
        #expect(aggregator.drain().isEmpty)
    }

    @Test("the aggregator holds at most its limit of buckets")
    func bounded() {
        let aggregator = MetricAggregator(bucketLimit: 2)
        for name in ["a", "b", "c"] {
            aggregator.add(1, to: MetricIdentity(namespace: "N", name: name, dimensions: []), unit: "Count", accountID: "a", region: "r", at: 0)
        }
        aggregator.add(1, to: MetricIdentity(namespace: "N", name: "a", dimensions: []), unit: "Count", accountID: "a", region: "r", at: 0)
        #expect(aggregator.drain().map(\.statistics.sum).sorted() == [1, 2])
    }

    @Test("the limit is per account: one account's flood does not drop another's values")
    func boundedPerAccount() {
        let aggregator = MetricAggregator(bucketLimit: 2)
        for name in ["a", "b", "c"] {
            aggregator.add(1, to: MetricIdentity(namespace: "N", name: name, dimensions: []), unit: "Count", accountID: "flood", region: "r", at: 0)
        }
        aggregator.add(1, to: MetricIdentity(namespace: "N", name: "a", dimensions: []), unit: "Count", accountID: "quiet", region: "r", at: 0)
        let samples = aggregator.drain()
        #expect(samples.filter { $0.accountID == "flood" }.count == 2)
        #expect(samples.filter { $0.accountID == "quiet" }.map(\.statistics) == [StatisticSet(value: 1)])
        aggregator.add(1, to: MetricIdentity(namespace: "N", name: "c", dimensions: []), unit: "Count", accountID: "flood", region: "r", at: 0)
        #expect(aggregator.drain().count == 1)
    }

    @Test(
        "dimension sets as AWS publishes them",
        arguments: [
            (nil, [["FunctionName=hello"]]),
            ("1", [["FunctionName=hello"], ["FunctionName=hello", "Resource=hello:1"]]),
            ("$LATEST", [["FunctionName=hello"], ["FunctionName=hello", "Resource=hello:$LATEST"]]),
            (
                "live",
                [
                    ["FunctionName=hello"], ["FunctionName=hello", "Resource=hello:live"],
                    ["ExecutedVersion=1", "FunctionName=hello", "Resource=hello:live"],
                ]
            ),
        ] as [(String?, [[String]])])
    func dimensionSets(_ qualifier: String?, _ expected: [[String]]) {
        let sets = LambdaMetricsRecorder.dimensionSets(Self.event(.throttled, qualifier: qualifier))
        #expect(sets.map { MetricIdentity(namespace: "N", name: "M", dimensions: $0).dimensions.map { "\($0.name)=\($0.value)" } } == expected)
    }

    @Test("N invocations are stored as Invocations Sum N, with Errors, Duration and throttles, in one flush")
    func invocations() async throws {
        let harness = try CloudWatchHarness()
        let recorder = LambdaMetricsRecorder(database: harness.database, clock: WallClock { CloudWatchHarness.start.addingTimeInterval(30) })
        for index in 0..<5 {
            recorder.record(
                Self.event(
                    .invoked(durationMilliseconds: Double(index + 1), functionError: index == 0, functionConcurrency: 1, accountConcurrency: 2)))
        }
        recorder.record(Self.event(.throttled))
        recorder.record(Self.event(.asyncEventReceived, qualifier: "live", executed: nil))
        try await recorder.flush()
        let function = [CloudWatchAPI.Dimension(name: "FunctionName", value: "hello")]
        func sum(_ name: String, _ dimensions: [CloudWatchAPI.Dimension]? = function) async throws -> [Double?] {
            try await harness.statistics("AWS/Lambda", name, dimensions: dimensions, statistics: ["Sum"]).map(\.sum)
        }
        #expect(try await sum("Invocations") == [5])
        #expect(try await sum("Invocations", nil) == [5])
        #expect(try await sum("Errors") == [1])
        #expect(try await sum("Throttles") == [1])
        #expect(try await sum("Duration") == [15])
        #expect(try await sum("AsyncEventsReceived", function + [.init(name: "Resource", value: "hello:live")]) == [1])
        let duration = try await harness.statistics("AWS/Lambda", "Duration", dimensions: function, statistics: ["Maximum", "Average"])
        #expect(duration.map(\.maximum) == [5])
        #expect(duration.map(\.unit) == ["Milliseconds"])
        let concurrency = try await harness.statistics("AWS/Lambda", "ConcurrentExecutions", statistics: ["Maximum"])
        #expect(concurrency.map(\.maximum) == [2])
        // Nothing is left to write.
        try await recorder.flush()
        #expect(try await sum("Invocations") == [5])
    }
}
