import Synchronization

/// What the request path reads again and again — a caller's key with its policies, the function a
/// call names — kept in memory until the next write to the store.
///
/// Every entry belongs to the store's ``BulwarkDatabase/generation`` under which it was read; the
/// first lookup after any write transaction finds the cache emptied. A value is kept only if no write
/// ended while it was read, so a cached value is always one a read at that moment would return.
/// Bulwark is the only writer of its database (one server per data directory), so nothing changes
/// it unseen.
public final class StoreReadCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entries {
        var generation: UInt64
        var values: [Key: Value] = [:]
    }

    private let database: BulwarkDatabase
    private let capacity: Int
    private let entries: Mutex<Entries>

    /// - Parameter capacity: the most values kept; beyond it the cache starts over.
    public init(database: BulwarkDatabase, capacity: Int = 4096) {
        self.database = database
        self.capacity = capacity
        entries = Mutex(Entries(generation: database.generation))
    }

    /// The value of `key`: the cached one when no write has ended since it was read, otherwise
    /// `read()`'s, kept when `keeping` accepts it (a failure is never kept).
    public func value(
        for key: Key, keeping: (Value) -> Bool = { _ in true }, read: () async throws -> Value
    ) async throws -> Value {
        let generation = database.generation
        if let cached = entries.withLock({ entries in entries.generation == generation ? entries.values[key] : nil }) {
            return cached
        }
        let value = try await read()
        guard keeping(value) else { return value }
        entries.withLock { entries in
            if entries.generation != generation {
                // Only a newer generation replaces the entries; a value read under an older one is dropped.
                guard generation > entries.generation, database.generation == generation else { return }
                entries = Entries(generation: generation)
            }
            if entries.values.count >= capacity { entries.values.removeAll(keepingCapacity: true) }
            entries.values[key] = value
        }
        return value
    }
}
