import BulwarkCore
import Foundation
import Synchronization
import Testing

@testable import CloudWatch

@Suite("Embedded metric format")
struct EmbeddedMetricFormatTests {
    /// What aws-lambda-powertools' Metrics prints for `add_metric(name="Orders", unit="Count", value=2)` with the
    /// service dimension and a cold start value list.
    static let powertools = """
        {"_aws":{"Timestamp":1767323045123,"CloudWatchMetrics":[{"Namespace":"Shop","Dimensions":[["service"]],\
        "Metrics":[{"Name":"Orders","Unit":"Count"},{"Name":"Latency","Unit":"Milliseconds"}]}]},\
        "service":"checkout","Orders":[2.0,3.0],"Latency":12.5,"requestId":"abc"}
        """

    @Test("reads the directives, dimension sets and values of a line")
    func powertoolsLine() {
        let data = EmbeddedMetricFormat.data(in: Self.powertools)
        let service = [MetricIdentity.Dimension(name: "service", value: "checkout")]
        #expect(
            data == [
                .init(
                    metric: .init(namespace: "Shop", name: "Orders", dimensions: service), unit: "Count", values: [2, 3], timestamp: 1_767_323_045),
                .init(
                    metric: .init(namespace: "Shop", name: "Latency", dimensions: service), unit: "Milliseconds", values: [12.5],
                    timestamp: 1_767_323_045),
            ])
    }

    static let notMetrics: [String] = [
        "plain text",
        #"{"message":"no _aws here"}"#,
        #"{"_aws":{"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[],"Metrics":[{"Name":"M"}]}]},"M":1}"#,  // no Timestamp
        #"{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"AWS/Lambda","Dimensions":[],"Metrics":[{"Name":"M"}]}]},"M":1}"#,
        #"{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[["d"]],"Metrics":[{"Name":"M"}]}]},"M":1}"#,  // d missing
        #"{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[],"Metrics":[{"Name":"M"}]}]},"M":"one"}"#,
        #"{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[],"Metrics":[{"Name":"M"}]}]},"M":[]}"#,
        #"{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[],"Metrics":[{"Name":"M"}]}]}"#,  // not JSON
    ]

    /// A line of one directive over `sets` dimension sets (each naming `names`) and metrics `M0`… `M{metrics - 1}`.
    static func line(
        timestamp: String = "60000", namespace: String = "N", sets: Int = 1, names: [String] = ["d"], value: String = "v", metrics: Int = 1,
        metricName: String? = nil
    ) -> String {
        let set = "[" + names.map { "\"\($0)\"" }.joined(separator: ",") + "]"
        let metricNames = metricName.map { [$0] } ?? (0..<metrics).map { "M\($0)" }
        return #"{"_aws":{"Timestamp":"# + timestamp + #","CloudWatchMetrics":[{"Namespace":""# + namespace + #"","Dimensions":["#
            + Array(repeating: set, count: sets).joined(separator: ",") + #"],"Metrics":["#
            + metricNames.map { #"{"Name":""# + $0 + #""}"# }.joined(separator: ",") + "]}]},"
            + Set(names).map { "\"\($0)\":\"\(value)\"" }.joined(separator: ",") + ","
            + metricNames.map { "\"\($0)\":1" }.joined(separator: ",") + "}"
    }

    static let brokenLimits: [String] = [
        line(timestamp: "1e300"),  // far beyond year 9999
        line(timestamp: "-1e300"),
        line(timestamp: "253402300800000"),  // 10000-01-01
        line(timestamp: "-62135596800001"),  // before 0001-01-01
        line(sets: 31),
        line(sets: 30, metrics: 4),  // 120 datums
        line(names: ["d", "d"]),
        line(names: (0..<31).map { "d\($0)" }),
        line(namespace: String(repeating: "n", count: 256)),
        line(metricName: String(repeating: "m", count: 256)),
        line(names: [String(repeating: "d", count: 256)]),
        line(value: String(repeating: "v", count: 1025)),
        #"{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[],"Metrics":[{"Name":"M","Unit":"Bogus"}]}]},"M":1}"#,
    ]

    @Test("lines beyond EMF's limits, or with a timestamp outside years 1–9999, define no metric", arguments: brokenLimits)
    func beyondLimits(_ line: String) {
        #expect(EmbeddedMetricFormat.data(in: line).isEmpty)
    }

    @Test("lines at EMF's limits define their metrics")
    func atLimits() {
        #expect(EmbeddedMetricFormat.data(in: Self.line()).count == 1)
        #expect(EmbeddedMetricFormat.data(in: Self.line(sets: 30, metrics: 3)).count == 90)
        #expect(EmbeddedMetricFormat.data(in: Self.line(sets: 1, metrics: 100)).count == 100)
        #expect(EmbeddedMetricFormat.data(in: Self.line(names: (0..<30).map { "d\($0)" })).first?.metric.dimensions.count == 30)
        #expect(EmbeddedMetricFormat.data(in: Self.line(timestamp: "253402300799999")).first?.timestamp == 253_402_300_799)
        #expect(EmbeddedMetricFormat.data(in: Self.line(timestamp: "-62135596800000")).first?.timestamp == -62_135_596_800)
        #expect(
            EmbeddedMetricFormat.data(in: Self.line(namespace: String(repeating: "n", count: 255), value: String(repeating: "v", count: 1024))).count
                == 1)
    }

    @Test("lines that are not EMF, or break its rules, define no metric", arguments: notMetrics)
    func notEMF(_ line: String) {
        #expect(EmbeddedMetricFormat.data(in: line).isEmpty)
    }

    @Test("a directive without dimension sets publishes without dimensions; more than 100 values are refused")
    func limits() {
        let bare = #"{"_aws":{"Timestamp":60000,"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[],"Metrics":[{"Name":"M"}]}]},"M":1}"#
        #expect(EmbeddedMetricFormat.data(in: bare).map(\.metric) == [.init(namespace: "N", name: "M", dimensions: [])])
        #expect(EmbeddedMetricFormat.data(in: bare).map(\.unit) == ["None"])
        let many = Array(repeating: "1", count: 101).joined(separator: ",")
        let tooMany =
            #"{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[],"Metrics":[{"Name":"M"}]}]},"M":["#
            + many + "]}"
        #expect(EmbeddedMetricFormat.data(in: tooMany).isEmpty)
    }

    /// A log sink that keeps what it is handed.
    final class KeptLines: FunctionLogSink {
        let lines = Mutex<[String]>([])
        func append(_ events: [FunctionLogEvent], group: String, stream: String, accountID: String, region: String, createsGroup: Bool) {
            lines.withLock { $0 += events.map(\.message) }
        }
    }

    @Test("the extractor forwards every line and folds EMF values into the aggregator, within the time window")
    func extractor() {
        let kept = KeptLines()
        let aggregator = MetricAggregator()
        let now = Date(timeIntervalSince1970: 1_767_323_100)
        let extractor = EmbeddedMetricExtractor(forwardingTo: kept, aggregator: aggregator, clock: WallClock { now })
        let stale = #"{"_aws":{"Timestamp":1000,"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[],"Metrics":[{"Name":"M"}]}]},"M":1}"#
        let events = [Self.powertools, "hello", stale].map { FunctionLogEvent(timestamp: 0, message: $0) }
        extractor.append(events, group: "/aws/lambda/f", stream: "s", accountID: "123456789012", region: "us-east-1", createsGroup: true)
        #expect(kept.lines.withLock { $0 } == [Self.powertools, "hello", stale])
        let samples = aggregator.drain().sorted { $0.metric.name < $1.metric.name }
        #expect(samples.map(\.metric.name) == ["Latency", "Orders"])
        #expect(samples.map(\.statistics.sum) == [12.5, 5])
        #expect(samples.map(\.timestamp) == [1_767_323_040, 1_767_323_040])
        #expect(samples.allSatisfy { $0.accountID == "123456789012" && $0.region == "us-east-1" })
    }
}
