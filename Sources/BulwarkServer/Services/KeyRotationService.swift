import BulwarkCore
import KMS
import Logging
import ServiceLifecycle

/// Makes the automatic KMS key rotations that are due, at start and then every ten minutes, for the
/// keys nobody uses (a key in use rotates when it is used: decision 0014).
struct KeyRotationService: Service {
    let rotation: KeyRotation
    let clock: WallClock
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let rotated = try await rotation.rotateDue(now: clock.now())
                    if !rotated.isEmpty { logger.info("rotated KMS keys", metadata: ["count": "\(rotated.count)"]) }
                } catch {
                    logger.warning("KMS key rotation failed", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: .seconds(600))
            }
        }
    }
}
