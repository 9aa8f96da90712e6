import AWSWire
import BulwarkCore
import Execution
import Foundation
import Prometheus
import Synchronization

/// The operator's view of the server in Prometheus's text format (Bulwark's `GET /metrics`): every
/// API call by service, operation and outcome with its latency, counted by the pipeline;
/// invocations and cold starts, counted by the invoker; and the environments and the async queue,
/// read when scraped.
///
/// Labels take only values from a closed set (the services' model operation names, the outcomes),
/// never a caller's input, so that no request can grow the registry.
final class ServerMetrics: Sendable {
    /// How a call ended.
    enum Outcome: String, Sendable {
        case success
        /// The authorizer refused it.
        case denied
        /// No valid signature or proof.
        case unauthenticated
        case clientError = "client_error"
        case serverError = "server_error"
    }

    /// What is read from its owners at each scrape.
    struct ScrapedState: Sendable {
        var idleEnvironments: Int
        var runningInvocations: Int
        var queuedEvents: Int
    }

    private struct OperationKey: Hashable {
        let service: String
        let operation: String
    }

    private struct OperationInstruments {
        let latency: DurationHistogram
        var outcomes: [Outcome: Counter]
    }

    private let registry = PrometheusCollectorRegistry()
    /// The registry's instruments of each operation, found without building label lists on every call.
    private let instruments = Mutex<[OperationKey: OperationInstruments]>([:])
    private let idleEnvironments: Gauge
    private let busyEnvironments: Gauge
    private let queuedEvents: Gauge

    // Descriptors are not Sendable: each use makes its own (four strings, no lookup).
    private static var requests: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "bulwark", metricName: "api_requests", unitName: "total", helpText: "API calls by service, operation and outcome.")
    }
    private static var latency: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "bulwark", metricName: "api_request_duration", unitName: "seconds",
            helpText: "Time from a call's arrival to its answer, by service and operation.")
    }
    private static let latencyBuckets: [Duration] = [
        .microseconds(250), .microseconds(500), .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    init() {
        let environments = MetricNameDescriptor(
            namespace: "bulwark", metricName: "environments", unitName: "",
            helpText: "Execution environments: idle (warm, waiting) or busy (running an invocation).")
        idleEnvironments = registry.makeGauge(descriptor: environments, labels: [("state", "idle")])
        busyEnvironments = registry.makeGauge(descriptor: environments, labels: [("state", "busy")])
        queuedEvents = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "bulwark", metricName: "async_queue_depth", unitName: "",
                helpText: "Event invocations accepted and not yet delivered or given up."))
    }

    /// What the invoker counts, in this registry.
    var execution: ExecutionMetrics { ExecutionMetrics(factory: PrometheusMetricsFactory(registry: registry)) }

    /// Counts one API call.
    func record(service: String, operation: String, outcome: Outcome, duration: Duration) {
        let (counter, latency) = instruments.withLock { known in
            let key = OperationKey(service: service, operation: operation)
            var found =
                known[key]
                ?? OperationInstruments(
                    latency: registry.makeDurationHistogram(
                        descriptor: Self.latency, labels: [("service", service), ("operation", operation)], buckets: Self.latencyBuckets),
                    outcomes: [:])
            let counter =
                found.outcomes[outcome]
                ?? registry.makeCounter(
                    descriptor: Self.requests, labels: [("service", service), ("operation", operation), ("outcome", outcome.rawValue)])
            found.outcomes[outcome] = counter
            known[key] = found
            return (counter, found.latency)
        }
        counter.increment()
        latency.record(duration)
    }

    /// Counts one call as the pipeline saw it.
    func record(_ call: CallRecord, duration: Duration) {
        let outcome: Outcome
        if let error = call.error {
            if call.authorization != nil {
                outcome = .denied
            } else if error.status >= 500 {
                outcome = .serverError
            } else if call.caller == nil, error.status == 403 {
                outcome = .unauthenticated
            } else {
                outcome = .clientError
            }
        } else {
            outcome = .success
        }
        record(service: call.entry?.model.endpointPrefix ?? "none", operation: call.operationName ?? "none", outcome: outcome, duration: duration)
    }

    /// The text exposition of every metric, with the scraped state.
    func exposition(_ state: ScrapedState) -> [UInt8] {
        idleEnvironments.set(Double(state.idleEnvironments))
        busyEnvironments.set(Double(state.runningInvocations))
        queuedEvents.set(Double(state.queuedEvents))
        return registry.emitToBuffer()
    }
}
