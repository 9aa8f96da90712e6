import Execution
import Logging
import ServiceLifecycle

/// The long-running parts of execution: the asynchronous queue, the reclaim of idle environments,
/// and the end of every environment at shutdown.
struct ExecutionService: Service {
    let invoker: Invoker
    let queue: AsyncQueue
    let idleTimeout: Duration
    let logger: Logger

    func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask {
                await cancelWhenGracefulShutdown { await queue.run() }
            }
            group.addTask {
                try? await cancelWhenGracefulShutdown {
                    while !Task.isCancelled {
                        try await Task.sleep(for: .seconds(10))
                        let reclaimed = await invoker.reclaimIdle(olderThan: idleTimeout)
                        if reclaimed > 0 { logger.debug("reclaimed idle environments", metadata: ["count": "\(reclaimed)"]) }
                    }
                }
            }
        }
        await invoker.shutdown()
    }
}
