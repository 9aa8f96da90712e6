import BulwarkCore
import Foundation
import GRDB

/// The embedded store: one SQLite database in WAL mode under the data directory.
///
/// Every write is a transaction committed with `synchronous = FULL`, so a write that the API has
/// acknowledged survives a crash of the process or of the machine. Services never see SQL: they use
/// the repositories (``AccountRepository``, ``FunctionRepository``, ...), the narrow interface a
/// PostgreSQL store will implement too.
public final class BulwarkDatabase: Sendable {
    let pool: DatabasePool

    /// Opens (creating when needed) `bulwark.sqlite` in `directory` and migrates it to the current schema.
    public init(directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.label = "bulwark"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        let path = directory.appendingPathComponent("bulwark.sqlite").path
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Migrations.migrator.migrate(pool)
        } catch {
            throw StoreError.unavailable("cannot open the database at \(path): \(error)")
        }
    }

    public var accounts: AccountRepository { AccountRepository(pool: pool) }
    public var functions: FunctionRepository { FunctionRepository(pool: pool) }
    public var tags: TagRepository { TagRepository(pool: pool) }
    public var invocations: InvocationRepository { InvocationRepository(pool: pool) }
    public var iam: IAMRepository { IAMRepository(pool: pool) }
    public var managedPolicies: ManagedPolicyRepository { ManagedPolicyRepository(pool: pool) }
    public var credentials: CredentialRepository { CredentialRepository(pool: pool) }
    public var functionPolicies: FunctionPolicyRepository { FunctionPolicyRepository(pool: pool) }
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
