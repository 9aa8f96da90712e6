import Foundation
import Lambda

/// Warm environments waiting for their next invocation, keyed by function version and revision:
/// an environment serves only the exact code and configuration it started with.
actor EnvironmentPool {
    private struct Idle {
        let environment: ExecutionEnvironment
        let since: ContinuousClock.Instant
    }

    private var idle: [String: [Idle]] = [:]
    private var closed = false

    static func key(functionARN: String, version: String, revision: String) -> String {
        "\(functionARN)#\(version)#\(revision)"
    }

    /// A warm environment for this revision, if one waits. Environments of older revisions of the
    /// same function are returned in `stale` for the caller to end.
    func checkout(functionARN: String, version: String, revision: String) -> (ExecutionEnvironment?, stale: [ExecutionEnvironment]) {
        let key = Self.key(functionARN: functionARN, version: version, revision: revision)
        var stale: [ExecutionEnvironment] = []
        for (otherKey, environments) in idle where otherKey != key && otherKey.hasPrefix("\(functionARN)#\(version)#") {
            stale += environments.map(\.environment)
            idle[otherKey] = nil
        }
        // The most recently used first: it is the likeliest to have warm caches.
        let environment = idle[key]?.popLast()?.environment
        if idle[key]?.isEmpty == true { idle[key] = nil }
        return (environment, stale)
    }

    /// Gives an environment back after a successful invocation; false when the pool is closed.
    func checkin(_ environment: ExecutionEnvironment) -> Bool {
        guard !closed else { return false }
        let function = environment.function
        let key = Self.key(functionARN: function.functionARN, version: function.version, revision: function.revisionID)
        idle[key, default: []].append(Idle(environment: environment, since: .now))
        return true
    }

    /// Environments idle for longer than `limit`, removed from the pool.
    func expired(olderThan limit: Duration) -> [ExecutionEnvironment] {
        let now = ContinuousClock.now
        var expired: [ExecutionEnvironment] = []
        for (key, environments) in idle {
            let (old, fresh) = (environments.filter { now - $0.since > limit }, environments.filter { now - $0.since <= limit })
            expired += old.map(\.environment)
            idle[key] = fresh.isEmpty ? nil : fresh
        }
        return expired
    }

    /// Closes the pool and hands every idle environment over to be ended.
    func drain() -> [ExecutionEnvironment] {
        closed = true
        let all = idle.values.flatMap { $0.map(\.environment) }
        idle = [:]
        return all
    }

    var idleCount: Int { idle.values.reduce(0) { $0 + $1.count } }
}
