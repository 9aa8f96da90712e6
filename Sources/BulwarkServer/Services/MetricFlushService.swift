import CloudWatch
import Logging
import ServiceLifecycle

/// Stores the `AWS/Lambda` metrics gathered in memory every two seconds (and once more at
/// shutdown): one transaction however many invocations ran (decision 0039).
struct MetricFlushService: Service {
    let recorder: LambdaMetricsRecorder
    let logger: Logger

    func run() async throws {
        // Graceful shutdown cancels the loop; that is its normal end, not an error.
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(2))
                do {
                    try await recorder.flush()
                } catch {
                    logger.error("cannot store function metrics: \(error)")
                }
            }
        }
        try? await recorder.flush()
    }
}
