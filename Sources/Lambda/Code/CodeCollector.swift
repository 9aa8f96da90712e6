import Foundation
import Store

/// Finds deployment packages in the code store that no function version references and removes
/// them once they are older than a grace period — long enough that a package being uploaded for a
/// function not yet committed is never taken.
public struct CodeCollector: Sendable {
    let database: BulwarkDatabase
    let code: CodeStore
    let gracePeriod: TimeInterval

    public init(database: BulwarkDatabase, code: CodeStore, gracePeriod: TimeInterval = 3600) {
        self.database = database
        self.code = code
        self.gracePeriod = gracePeriod
    }

    /// Removes the unreferenced packages older than the grace period; returns how many.
    public func sweep(now: Date = Date()) async throws -> Int {
        var removed = 0
        for (hash, modified) in code.packages() where now.timeIntervalSince(modified) > gracePeriod {
            if try await !database.functions.isCodeReferenced(hash) {
                code.remove(hash)
                removed += 1
            }
        }
        return removed
    }
}
