import BulwarkCore
import Foundation
import Store
import Synchronization

/// Records when, where and for which service each long-term access key was last used
/// (`GetAccessKeyLastUsed`), off the request path: uses are noted in memory and written in one
/// transaction a moment later, at most once a minute per key as AWS reports it.
public final class AccessKeyUseRecorder: Sendable {
    private struct Use: Sendable {
        var service: String
        var region: String
        var date: Date
    }

    private struct Pending: Sendable {
        var uses: [String: Use] = [:]
        var flushScheduled = false
    }

    private let database: BulwarkDatabase
    private let delay: Duration
    private let pending = Mutex(Pending())

    /// - Parameter delay: how long uses gather before they are written.
    public init(database: BulwarkDatabase, delay: Duration = .milliseconds(500)) {
        self.database = database
        self.delay = delay
    }

    /// Notes that `accessKeyID` signed a request to `service` in `region`; returns at once.
    public func noteUse(of accessKeyID: String, service: String, region: String, at date: Date) {
        let schedule = pending.withLock { pending in
            pending.uses[accessKeyID] = Use(service: service, region: region, date: date)
            defer { pending.flushScheduled = true }
            return !pending.flushScheduled
        }
        guard schedule else { return }
        Task { [self] in
            try? await Task.sleep(for: delay)
            await flush()
        }
    }

    /// Writes every noted use now.
    public func flush() async {
        let uses = pending.withLock { pending in
            defer {
                pending.uses = [:]
                pending.flushScheduled = false
            }
            return pending.uses
        }
        guard !uses.isEmpty else { return }
        // A use that cannot be recorded (the store is closing) is not worth failing anything for.
        try? await database.credentials.recordUses(
            uses.map { (accessKeyID: $0.key, service: $0.value.service, region: $0.value.region, date: $0.value.date) })
    }
}
