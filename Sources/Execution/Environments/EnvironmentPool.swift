import Foundation
import Lambda
import Synchronization

/// Warm environments waiting for their next invocation, keyed by function version and revision:
/// an environment serves only the exact code and configuration it started with.
///
/// Every invocation checks an environment out and back in: a lock around the dictionary, not an
/// actor hop (decision 0022).
final class EnvironmentPool: Sendable {
    private struct Idle {
        let environment: ExecutionEnvironment
        let since: ContinuousClock.Instant
    }

    private struct State {
        var idle: [String: [Idle]] = [:]
        var closed = false
    }

    private let state = Mutex(State())

    static func key(functionARN: String, version: String, revision: String) -> String {
        "\(functionARN)#\(version)#\(revision)"
    }

    /// A warm environment for this revision, if one waits. Environments of older revisions of the
    /// same function are returned in `stale` for the caller to end.
    func checkout(functionARN: String, version: String, revision: String) -> (ExecutionEnvironment?, stale: [ExecutionEnvironment]) {
        let key = Self.key(functionARN: functionARN, version: version, revision: revision)
        let prefix = "\(functionARN)#\(version)#"
        return state.withLock { state in
            var stale: [ExecutionEnvironment] = []
            for (otherKey, environments) in state.idle where otherKey != key && otherKey.hasPrefix(prefix) {
                stale += environments.map(\.environment)
                state.idle[otherKey] = nil
            }
            // The most recently used first: it is the likeliest to have warm caches.
            let environment = state.idle[key]?.popLast()?.environment
            if state.idle[key]?.isEmpty == true { state.idle[key] = nil }
            return (environment, stale)
        }
    }

    /// Gives an environment back after a successful invocation; false when the pool is closed.
    func checkin(_ environment: ExecutionEnvironment) -> Bool {
        let function = environment.function
        let key = Self.key(functionARN: function.functionARN, version: function.version, revision: function.revisionID)
        let since = ContinuousClock.now
        return state.withLock { state in
            guard !state.closed else { return false }
            state.idle[key, default: []].append(Idle(environment: environment, since: since))
            return true
        }
    }

    /// Environments idle for longer than `limit`, removed from the pool.
    func expired(olderThan limit: Duration) -> [ExecutionEnvironment] {
        let now = ContinuousClock.now
        return state.withLock { state in
            var expired: [ExecutionEnvironment] = []
            for (key, environments) in state.idle {
                let (old, fresh) = (environments.filter { now - $0.since > limit }, environments.filter { now - $0.since <= limit })
                expired += old.map(\.environment)
                state.idle[key] = fresh.isEmpty ? nil : fresh
            }
            return expired
        }
    }

    /// Closes the pool and hands every idle environment over to be ended.
    func drain() -> [ExecutionEnvironment] {
        state.withLock { state in
            state.closed = true
            let all = state.idle.values.flatMap { $0.map(\.environment) }
            state.idle = [:]
            return all
        }
    }

    var idleCount: Int { state.withLock { $0.idle.values.reduce(0) { $0 + $1.count } } }
}
