import ServiceLifecycle
import Trail

/// Flushes the audit trail to disk every second and once more at shutdown.
struct TrailFlushService: Service {
    let trail: TrailWriter

    func run() async throws {
        defer { trail.flush() }
        // Graceful shutdown cancels the loop; that is its normal end, not an error.
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(1))
                trail.flush()
            }
        }
    }
}
