import CBulwarkSystem
import Foundation
import Synchronization

/// A process started with chosen descriptors and nothing else inherited, optionally as another host user.
///
/// Foundation's `Process` cannot hand a child extra descriptors (bubblewrap reads its seccomp
/// program, its block and info channels from numbered descriptors), nor start it as another user
/// without running a helper program first, so this is the small piece that can (`bulwark_spawn`).
final class ChildProcess: Sendable {
    /// How a process ended.
    enum Termination: Sendable, Equatable {
        case exited(Int32)
        case signaled(Int32)
    }

    /// The host identity a child runs as: its user and group, and exactly these supplementary groups.
    struct HostUser: Sendable, Equatable {
        var uid: UInt32
        var gid: UInt32
        var groups: [UInt32]
    }

    let pid: pid_t
    private let termination = Mutex<TerminationState>(.running([:]))

    private enum TerminationState {
        case running([UInt64: CheckedContinuation<Termination?, Never>], observers: [@Sendable (Termination) -> Void] = [])
        case ended(Termination)
    }
    private let waiterIDs = Mutex<UInt64>(0)

    /// Starts `executable` with `arguments` (argv[1...]) and `environment`, in a process group of its own.
    ///
    /// - Parameters:
    ///   - descriptors: child descriptor number → parent descriptor to place there. Every other
    ///     descriptor is closed in the child.
    ///   - user: the host user the child runs as (the server must be root to switch); nil keeps the server's.
    init(executable: String, arguments: [String], environment: [String: String], descriptors: [Int32: Int32], user: HostUser? = nil) throws {
        termination.withLock { $0 = .running([:]) }
        let mapping = descriptors.sorted { $0.key < $1.key }
        let targets = mapping.map(\.key)
        let sources = mapping.map(\.value)
        let groups = user?.groups ?? []
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var spawned: pid_t = 0
        let status = targets.withUnsafeBufferPointer { targets in
            sources.withUnsafeBufferPointer { sources in
                groups.withUnsafeBufferPointer { groups in
                    var setup = bulwark_spawn_setup(
                        targets: targets.baseAddress, sources: sources.baseAddress, count: Int32(mapping.count),
                        switch_user: user == nil ? 0 : 1, uid: user?.uid ?? 0, gid: user?.gid ?? 0,
                        groups: groups.baseAddress, group_count: Int32(groups.count)
                    )
                    return bulwark_spawn(&spawned, executable, argv, envp, &setup)
                }
            }
        }
        guard status == 0 else { throw POSIXError(POSIXErrorCode(rawValue: status) ?? .EIO) }
        let pid = spawned
        self.pid = pid
        let child = self
        // The waiting thread blocks in waitpid; it ends with the process.
        let thread = Thread {
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
            child.finish(Self.decode(raw))
        }
        thread.stackSize = 64 << 10
        thread.start()
    }

    /// Waits until the process has ended.
    func wait() async -> Termination {
        while true {
            if let result = await waitUnlessCancelled() { return result }
            if let result = ended { return result }
        }
    }

    /// Waits until the process has ended, or returns nil when the task is cancelled.
    func waitUnlessCancelled() async -> Termination? {
        let id = waiterIDs.withLock { value in
            value += 1
            return value
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Termination?, Never>) in
                let ended: Termination?? = termination.withLock { state in
                    switch state {
                    case .running(var waiters, let observers):
                        if Task.isCancelled { return .some(nil) }
                        waiters[id] = continuation
                        state = .running(waiters, observers: observers)
                        return nil
                    case .ended(let result):
                        return .some(result)
                    }
                }
                if let ended { continuation.resume(returning: ended) }
            }
        } onCancel: {
            let waiter: CheckedContinuation<Termination?, Never>? = termination.withLock { state in
                guard case .running(var waiters, let observers) = state, let waiter = waiters.removeValue(forKey: id) else { return nil }
                state = .running(waiters, observers: observers)
                return waiter
            }
            waiter?.resume(returning: nil)
        }
    }

    /// Calls `observer` once the process has ended (at once if it has), on the thread that saw it end.
    func onTermination(_ observer: @escaping @Sendable (Termination) -> Void) {
        let ended: Termination? = termination.withLock { state in
            switch state {
            case .running(let waiters, let observers):
                state = .running(waiters, observers: observers + [observer])
                return nil
            case .ended(let result):
                return result
            }
        }
        if let ended { observer(ended) }
    }

    /// The termination, if the process has ended.
    var ended: Termination? {
        termination.withLock { state in
            if case .ended(let result) = state { return result }
            return nil
        }
    }

    /// Sends `signal` to the process (not to its descendants).
    func signal(_ signal: Int32) {
        guard ended == nil else { return }
        kill(pid, signal)
    }

    private func finish(_ result: Termination) {
        let (waiters, observers): ([CheckedContinuation<Termination?, Never>], [@Sendable (Termination) -> Void]) = termination.withLock { state in
            guard case .running(let waiters, let observers) = state else { return ([], []) }
            state = .ended(result)
            return (Array(waiters.values), observers)
        }
        observers.forEach { $0(result) }
        waiters.forEach { $0.resume(returning: result) }
    }

    private static func decode(_ raw: Int32) -> Termination {
        let signal = raw & 0x7f
        return signal == 0 ? .exited((raw >> 8) & 0xff) : .signaled(signal)
    }
}

/// A pipe whose ends are closed on exec in the parent.
struct Pipe2: Sendable {
    let readEnd: Int32
    let writeEnd: Int32

    init() throws {
        var ends: [Int32] = [0, 0]
        guard bulwark_pipe_cloexec(&ends) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        readEnd = ends[0]
        writeEnd = ends[1]
    }
}
