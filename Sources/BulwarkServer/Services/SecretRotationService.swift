import Secrets
import ServiceLifecycle

/// Runs Secrets Manager's rotations — the ones RotateSecret starts and the scheduled ones — until
/// the server stops (decision 0016).
struct SecretRotationService: Service {
    let rotator: SecretRotator

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await rotator.run()
        }
    }
}
