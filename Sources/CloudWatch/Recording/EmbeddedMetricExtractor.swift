import BulwarkCore
import Foundation

/// Passes the lines functions write on to CloudWatch Logs and, as CloudWatch does for lines that reach a log
/// group, turns those in the embedded metric format into custom metrics (decision 0039).
///
/// On the invoke path it only tests each line cheaply and parses the few that may be EMF; the values are folded
/// into the same ``MetricAggregator`` as the `AWS/Lambda` metrics and stored with them.
public final class EmbeddedMetricExtractor: FunctionLogSink {
    private let logs: any FunctionLogSink
    private let aggregator: MetricAggregator
    private let clock: WallClock
    /// How far from now a line's timestamp may be: two weeks back, two hours ahead (as PutMetricData).
    static let oldest: Int64 = 14 * 86_400
    static let latest: Int64 = 2 * 3_600

    public init(forwardingTo logs: any FunctionLogSink, aggregator: MetricAggregator, clock: WallClock = .system) {
        self.logs = logs
        self.aggregator = aggregator
        self.clock = clock
    }

    public func append(
        _ events: [FunctionLogEvent], group: String, stream: String, accountID: String, region: String, createsGroup: Bool
    ) {
        logs.append(events, group: group, stream: stream, accountID: accountID, region: region, createsGroup: createsGroup)
        var now: Int64?
        for event in events where EmbeddedMetricFormat.mayContainMetrics(event.message) {
            let current = now ?? Int64(clock.now().timeIntervalSince1970.rounded(.down))
            now = current
            for datum in EmbeddedMetricFormat.data(in: event.message)
            where datum.timestamp >= current - Self.oldest && datum.timestamp <= current + Self.latest {
                let values = datum.values.filter(\.isFinite).map { ($0, datum.metric, datum.unit) }
                aggregator.add(values, accountID: accountID, region: region, at: datum.timestamp)
            }
        }
    }
}
