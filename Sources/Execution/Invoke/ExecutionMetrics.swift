import CoreMetrics

/// What the invoker counts for the operator's metrics (Bulwark's `GET /metrics`), through the
/// metrics factory the server gives it: invocations by outcome and the environments started for them.
public struct ExecutionMetrics: Sendable {
    private let succeeded: Counter
    private let failed: Counter
    private let throttled: Counter
    private let coldStarts: Counter

    public init(factory: any MetricsFactory) {
        func invocations(_ outcome: String) -> Counter {
            Counter(label: "bulwark_invocations_total", dimensions: [("outcome", outcome)], factory: factory)
        }
        succeeded = invocations("success")
        failed = invocations("function_error")
        throttled = invocations("throttled")
        coldStarts = Counter(label: "bulwark_cold_starts_total", dimensions: [], factory: factory)
    }

    /// An invocation that ran, with or without a function error.
    func countInvocation(failed hasFunctionError: Bool) {
        (hasFunctionError ? failed : succeeded).increment()
    }

    /// An invocation refused by the concurrency limits.
    func countThrottle() { throttled.increment() }

    /// An environment started for an invocation.
    func countColdStart() { coldStarts.increment() }

    /// Counts nothing (an invoker without a server, in tests).
    public static let disabled = ExecutionMetrics(factory: NOOPMetricsHandler.instance)
}
