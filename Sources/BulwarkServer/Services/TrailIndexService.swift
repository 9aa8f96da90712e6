import CloudTrail
import Logging
import ServiceLifecycle

/// Keeps CloudTrail's event index up with the audit trail every second, delivers logging trails'
/// events to their buckets every `deliveryInterval`, and writes their digest files every
/// `digestInterval` (decision 0040).
struct TrailIndexService: Service {
    let indexer: EventIndexer
    let delivery: TrailDelivery
    let digests: TrailDigests
    let deliveryInterval: Duration
    let digestInterval: Duration
    let logger: Logger

    func run() async throws {
        // Graceful shutdown cancels the loop; that is its normal end, not an error.
        try? await cancelWhenGracefulShutdown {
            let clock = ContinuousClock()
            var nextDelivery = clock.now.advanced(by: deliveryInterval)
            var nextDigest = clock.now.advanced(by: digestInterval)
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(1))
                do {
                    try await indexer.catchUp()
                    if clock.now >= nextDelivery {
                        nextDelivery = clock.now.advanced(by: deliveryInterval)
                        try await delivery.deliver()
                    }
                    // A digest lists the files delivered before it: it follows the delivery of its period.
                    if clock.now >= nextDigest {
                        nextDigest = clock.now.advanced(by: digestInterval)
                        try await digests.write()
                    }
                } catch {
                    logger.error("cannot index, deliver or digest the trail", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
