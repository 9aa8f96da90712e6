import BulwarkCore
import Foundation
import GRDB
import Synchronization

/// The embedded store: one SQLite database in WAL mode under the data directory.
///
/// Every write is a transaction committed with `synchronous = FULL`, so a write that the API has
/// acknowledged survives a crash of the process or of the machine. The store owns only the pool and
/// the schema registry: each service module keeps its own records and repositories over
/// ``read(_:)`` and ``write(_:)`` and declares its tables as a ``DatabaseSchema`` — the narrow
/// interface a PostgreSQL store will implement too.
public final class BulwarkDatabase: Sendable {
    private let pool: DatabasePool
    private let readTransactions = Atomic<Int>(0)
    private let writes = Atomic<UInt64>(0)

    /// Opens (creating when needed) `bulwark.sqlite` in `directory` and migrates it: the released
    /// baseline first, then each schema's migrations in the order given (a schema whose tables refer
    /// to another's comes after it).
    public init(directory: URL, schemas: [DatabaseSchema]) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.label = "bulwark"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Content a write replaces or deletes is overwritten with zeros, not left in free pages:
            // what was once stored in plaintext (decision 0012) does not linger in the file.
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        let path = directory.appendingPathComponent("bulwark.sqlite").path
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try DatabaseSchema.migrator(for: [.baseline] + schemas).migrate(pool)
        } catch {
            throw StoreError.unavailable("cannot open the database at \(path): \(error)")
        }
    }

    /// Opens `bulwark.sqlite` in `directory` for reading only, beside a server that may be writing
    /// it (WAL readers see committed snapshots and take no lock a writer waits for): nothing is
    /// created or migrated, and a database whose migrations are not all applied is refused, since
    /// its tables are not those the code reads.
    public init(readingDirectory directory: URL, schemas: [DatabaseSchema]) throws {
        let path = directory.appendingPathComponent("bulwark.sqlite").path
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError.unavailable("no database at \(path)")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        configuration.label = "bulwark-reader"
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            let complete = try pool.read { db in try DatabaseSchema.migrator(for: [.baseline] + schemas).hasCompletedMigrations(db) }
            guard complete else {
                throw StoreError.unavailable("the database at \(path) is not migrated: start `bulwark serve` once with this data directory")
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.unavailable("cannot open the database at \(path): \(error)")
        }
    }

    /// Runs `body` in one read transaction (a consistent snapshot), translating the database's
    /// failures into ``StoreError``.
    ///
    /// The read runs on the calling thread: in WAL mode a reader never waits for the writer, and
    /// a read takes microseconds, less than hopping to a reader's queue and back would.
    public func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        readTransactions.add(1, ordering: .relaxed)
        return try await StoreError.wrap { try Self.readOnCallingThread(pool, body) }
    }

    /// GRDB's synchronous read, which a function that cannot suspend selects over the asynchronous one.
    private static func readOnCallingThread<T>(_ pool: DatabasePool, _ body: (Database) throws -> T) throws -> T {
        try pool.read(body)
    }

    /// Runs `body` in one write transaction, committed durably before this returns; a thrown error
    /// rolls it back.
    public func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        // Advanced once the transaction has ended, committed or not: a value read before then is
        // never answered from a ``StoreReadCache`` again.
        defer { writes.add(1, ordering: .releasing) }
        return try await StoreError.wrap { try await pool.write(body) }
    }

    /// How many write transactions have ended since the database was opened: what was read while it
    /// had one value may be kept until it has another (``StoreReadCache``).
    public var generation: UInt64 { writes.load(ordering: .acquiring) }

    /// Copies the write-ahead log into the database file and truncates it, so that no earlier page
    /// image stays in the log (after a migration that rewrote what must not remain on disk).
    public func checkpoint() async throws {
        try await StoreError.wrap { try await pool.writeWithoutTransaction { _ = try $0.checkpoint(.truncate) } }
    }

    /// How many read transactions ran since the database was opened (what one request costs the
    /// store is a figure the benchmarks and tests watch).
    public var readTransactionCount: Int { readTransactions.load(ordering: .relaxed) }

    /// The ARN-keyed tags of every service's resources.
    public var tags: TagRepository { TagRepository(database: self) }
}

/// Failures of the store that services translate into AWS errors.
public enum StoreError: Error, Sendable, Equatable {
    /// A record with the same key exists already.
    case conflict
    /// The record does not exist.
    case notFound
    /// The database cannot be used (corrupt, disk full, permissions).
    case unavailable(String)
}

extension StoreError {
    /// Translates GRDB's errors into store errors, keeping the store's own errors and services' errors.
    static func wrap<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as DatabaseError
            where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY
            || error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE
        {
            throw StoreError.conflict
        } catch let error as DatabaseError {
            throw StoreError.unavailable(error.description)
        }
    }
}
