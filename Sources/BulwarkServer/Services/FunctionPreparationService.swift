import Lambda
import Logging
import ServiceLifecycle

/// Runs Lambda's function preparer for the server's lifetime: created and changed functions move
/// from `Pending` / `InProgress` to their outcome as soon as their package is prepared.
struct FunctionPreparationService: Service {
    let preparer: FunctionPreparer
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await preparer.run { function, error in
                logger.error("cannot prepare function", metadata: ["function": "\(function)", "error": "\(error)"])
            }
        }
    }
}
