import BulwarkCore
import Foundation
import Store

/// Turns what the platform observes about invocations into the `AWS/Lambda` metrics, with the
/// dimensions AWS publishes them under (decision 0039): none (the account's aggregate),
/// `FunctionName`, `FunctionName` + `Resource` (`name:qualifier`) for a call that named a version or
/// alias, and + `ExecutedVersion` for a call through an alias.
///
/// Recording only folds values into memory (``MetricAggregator``); ``flush()`` stores them.
public final class LambdaMetricsRecorder: FunctionMetricSink {
    public static let namespace = "AWS/Lambda"
    /// Where the values wait to be stored; the embedded-metric-format extractor folds into it too.
    public let aggregator: MetricAggregator
    private let repository: MetricsRepository
    private let clock: WallClock

    public init(database: BulwarkDatabase, clock: WallClock = .system, aggregator: MetricAggregator = MetricAggregator()) {
        repository = database.metrics
        self.clock = clock
        self.aggregator = aggregator
    }

    public func record(_ event: FunctionMetricEvent) {
        let functionSets = Self.dimensionSets(event)
        var values: [(Double, MetricIdentity, String)] = []
        values.reserveCapacity(4 * (functionSets.count + 1))
        func add(_ name: String, _ value: Double, unit: String, account: Double? = nil) {
            for dimensions in functionSets {
                values.append((value, MetricIdentity(namespace: Self.namespace, name: name, dimensions: dimensions), unit))
            }
            if let account { values.append((account, MetricIdentity(namespace: Self.namespace, name: name, dimensions: []), unit)) }
        }
        switch event.kind {
        case .invoked(let duration, let functionError, let functionConcurrency, let accountConcurrency):
            add("Invocations", 1, unit: "Count", account: 1)
            // Published for every invocation, so that Sum counts the failures and Average is the error rate.
            add("Errors", functionError ? 1 : 0, unit: "Count", account: functionError ? 1 : 0)
            add("Duration", duration, unit: "Milliseconds", account: duration)
            add("ConcurrentExecutions", Double(functionConcurrency), unit: "Count", account: Double(accountConcurrency))
        case .throttled:
            add("Throttles", 1, unit: "Count", account: 1)
        case .asyncEventReceived:
            add("AsyncEventsReceived", 1, unit: "Count")
        case .asyncEventDropped:
            add("AsyncEventsDropped", 1, unit: "Count")
        }
        aggregator.add(values, accountID: event.accountID, region: event.region, at: Int64(event.time.timeIntervalSince1970.rounded(.down)))
    }

    /// The per-function dimension sets of an event.
    static func dimensionSets(_ event: FunctionMetricEvent) -> [[MetricIdentity.Dimension]] {
        let function = MetricIdentity.Dimension(name: "FunctionName", value: event.functionName)
        var sets = [[function]]
        guard let qualifier = event.qualifier else { return sets }
        let resource = MetricIdentity.Dimension(name: "Resource", value: "\(event.functionName):\(qualifier)")
        sets.append([function, resource])
        if let executed = event.executedVersion, Self.isAlias(qualifier) {
            sets.append([function, resource, MetricIdentity.Dimension(name: "ExecutedVersion", value: executed)])
        }
        return sets
    }

    /// An alias, not a version: neither `$LATEST` nor a number.
    static func isAlias(_ qualifier: String) -> Bool {
        qualifier != "$LATEST" && !qualifier.allSatisfy(\.isNumber)
    }

    /// Stores what was recorded since the last flush, in one transaction.
    public func flush() async throws {
        let samples = aggregator.drain()
        guard !samples.isEmpty else { return }
        try await repository.record(samples, now: Int64(clock.now().timeIntervalSince1970.rounded(.down)))
    }
}
