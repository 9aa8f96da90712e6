import CloudTrail
import Logging
import ServiceLifecycle

/// Keeps CloudTrail's event index up with the audit trail every second, and delivers logging
/// trails' events to their buckets every `deliveryInterval` (decision 0040).
struct TrailIndexService: Service {
    let indexer: EventIndexer
    let delivery: TrailDelivery
    let deliveryInterval: Duration
    let logger: Logger

    func run() async throws {
        // Graceful shutdown cancels the loop; that is its normal end, not an error.
        try? await cancelWhenGracefulShutdown {
            let clock = ContinuousClock()
            var nextDelivery = clock.now.advanced(by: deliveryInterval)
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(1))
                do {
                    try await indexer.catchUp()
                    if clock.now >= nextDelivery {
                        nextDelivery = clock.now.advanced(by: deliveryInterval)
                        try await delivery.deliver()
                    }
                } catch {
                    logger.error("cannot index or deliver the trail", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
