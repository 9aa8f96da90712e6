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
