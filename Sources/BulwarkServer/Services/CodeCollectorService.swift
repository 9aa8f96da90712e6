import Lambda
import Logging
import ServiceLifecycle

/// Removes deployment packages that no function uses any more, at start and then hourly.
struct CodeCollectorService: Service {
    let collector: CodeCollector
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let removed = try await collector.sweep()
                    if removed > 0 { logger.info("removed unused deployment packages", metadata: ["count": "\(removed)"]) }
                } catch {
                    logger.warning("code collection failed", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: .seconds(3600))
            }
        }
    }
}
