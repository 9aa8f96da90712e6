import Dispatch
import Synchronization

/// Where a host's preparation stands (``ExecutionHost/prepared()``): the staging directory is laid
/// out on a thread of its own after the server starts, and the server answers meanwhile. Invocations
/// wait for it; a stop asks it to end early and waits until it has, so that nothing is still
/// being staged when the staging directory is removed.
final class PreparationGate: Sendable {
    private enum State {
        case running(waiters: [CheckedContinuation<ExecutionHost.Preparation, Never>])
        case finished(ExecutionHost.Preparation)
    }

    private let state = Mutex<State>(.running(waiters: []))
    private let stopRequested = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)

    /// The preparation, once finished; nil while it runs.
    var finished: ExecutionHost.Preparation? {
        state.withLock { state in
            if case .finished(let preparation) = state { return preparation }
            return nil
        }
    }

    /// Whether a stop asked the preparation to end early.
    var isStopping: Bool { stopRequested.load(ordering: .relaxed) }

    /// The preparation, waiting for it to finish if it runs.
    func wait() async -> ExecutionHost.Preparation {
        if let finished { return finished }
        return await withCheckedContinuation { continuation in
            let ready: ExecutionHost.Preparation? = state.withLock { state in
                switch state {
                case .finished(let preparation):
                    return preparation
                case .running(var waiters):
                    waiters.append(continuation)
                    state = .running(waiters: waiters)
                    return nil
                }
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Records the outcome and wakes everything that waits for it. Called once.
    func finish(_ preparation: ExecutionHost.Preparation) {
        let waiters = state.withLock { state in
            guard case .running(let waiters) = state else { preconditionFailure("a host's preparation finished twice") }
            state = .finished(preparation)
            return waiters
        }
        for waiter in waiters { waiter.resume(returning: preparation) }
        done.signal()
    }

    /// Asks the preparation to end early and blocks until it has finished (at once if it has).
    func stopAndWait() {
        stopRequested.store(true, ordering: .relaxed)
        if finished != nil { return }
        done.wait()
        done.signal()
    }
}
