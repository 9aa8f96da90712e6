import Logging
import Logs
import ServiceLifecycle

/// Stores the lines functions wrote every 100 ms (and once more at shutdown), and applies log
/// groups' retention every minute (decision 0035).
struct LogIngestionService: Service {
    let ingester: LogIngester
    let logger: Logger

    func run() async throws {
        // Graceful shutdown cancels the loop; that is its normal end, not an error.
        try? await cancelWhenGracefulShutdown {
            var sincePurge = 0
            while !Task.isCancelled {
                try await Task.sleep(for: .milliseconds(100))
                do {
                    try await ingester.flush()
                    sincePurge += 1
                    if sincePurge >= 600 {
                        sincePurge = 0
                        try await ingester.purgeExpired()
                    }
                } catch {
                    logger.error("cannot store function logs: \(error)")
                }
            }
        }
        try? await ingester.flush()
    }
}
