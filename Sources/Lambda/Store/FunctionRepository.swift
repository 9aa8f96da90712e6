import Foundation
import GRDB
import Store

/// Identifies a function within an account and region.
public struct FunctionKey: Sendable, Hashable {
    public var accountID: String
    public var region: String
    public var name: String

    public init(accountID: String, region: String, name: String) {
        self.accountID = accountID
        self.region = region
        self.name = name
    }
}

/// One version of a function (`$LATEST` or a published number) as the store keeps it.
///
/// The configuration is the Lambda service's own serialised state; the store indexes only what it
/// needs to find, list and garbage-collect.
public struct FunctionVersionRecord: Sendable, Equatable {
    public var key: FunctionKey
    public var version: String
    public var configuration: Data
    /// Hex SHA-256 of the deployment package in the code store.
    public var codeSHA256: String
    public var codeSize: Int64
    public var revisionID: String

    public init(key: FunctionKey, version: String, configuration: Data, codeSHA256: String, codeSize: Int64, revisionID: String) {
        self.key = key
        self.version = version
        self.configuration = configuration
        self.codeSHA256 = codeSHA256
        self.codeSize = codeSize
        self.revisionID = revisionID
    }
}

extension FunctionVersionRecord: FetchableRecord {
    public init(row: Row) throws {
        self.init(
            key: FunctionKey(accountID: row["accountID"], region: row["region"], name: row["functionName"]),
            version: row["version"],
            configuration: row["configuration"],
            codeSHA256: row["codeSHA256"],
            codeSize: row["codeSize"],
            revisionID: row["revisionID"]
        )
    }

    func insert(_ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO lambdaFunctionVersion
                    (accountID, region, functionName, version, configuration, codeSHA256, codeSize, revisionID)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [key.accountID, key.region, key.name, version, configuration, codeSHA256, codeSize, revisionID]
        )
    }
}

/// Failures specific to function updates.
public enum FunctionStoreError: Error, Sendable, Equatable {
    /// The caller's expected revision is not the current one.
    case revisionMismatch(current: String)
}

/// Functions and their versions.
public struct FunctionRepository: Sendable {
    let database: BulwarkDatabase

    /// Creates a function with its `$LATEST` version, tags and code signing configuration, atomically.
    ///
    /// - Throws: ``StoreError/conflict`` when the function exists, ``StoreError/notFound`` when the
    ///   code signing configuration is gone (nothing is created then).
    public func create(
        _ latest: FunctionVersionRecord, createdAt: Date, tags: [String: String], tagResource: String, codeSigningConfigID: String? = nil
    ) async throws {
        try await database.write { db in
            try db.execute(
                sql: "INSERT INTO lambdaFunction (accountID, region, name, createdAt) VALUES (?, ?, ?, ?)",
                arguments: [latest.key.accountID, latest.key.region, latest.key.name, createdAt]
            )
            try latest.insert(db)
            try TagRepository.replace(db, resource: tagResource, tags: tags)
            if let codeSigningConfigID { try CodeSigningRepository.attach(db, latest.key, configID: codeSigningConfigID) }
        }
    }

    public func version(_ key: FunctionKey, _ version: String) async throws -> FunctionVersionRecord? {
        try await database.read { db in try Self.version(db, key, version) }
    }

    /// ``version(_:_:)`` within a read of the caller's.
    static func version(_ db: Database, _ key: FunctionKey, _ version: String) throws -> FunctionVersionRecord? {
        try FunctionVersionRecord.fetchOne(
            db.cachedStatement(
                sql: "SELECT * FROM lambdaFunctionVersion WHERE accountID = ? AND region = ? AND functionName = ? AND version = ?"),
            arguments: [key.accountID, key.region, key.name, version]
        )
    }

    /// The keys of every function whose `$LATEST` matches `predicate` on its stored configuration,
    /// across accounts and regions (for the sweep of the function preparer at start-up).
    public func latestKeys(where predicate: @escaping @Sendable (Data) -> Bool) async throws -> [FunctionKey] {
        try await database.read { db in
            try FunctionVersionRecord.fetchAll(db.cachedStatement(sql: "SELECT * FROM lambdaFunctionVersion WHERE version = '$LATEST'"))
                .filter { predicate($0.configuration) }.map(\.key)
        }
    }

    /// Every version whose stored configuration matches `predicate`, across accounts and regions
    /// (for migrations at start-up).
    public func versions(where predicate: @escaping @Sendable (Data) -> Bool) async throws -> [FunctionVersionRecord] {
        try await database.read { db in
            try FunctionVersionRecord.fetchAll(db.cachedStatement(sql: "SELECT * FROM lambdaFunctionVersion")).filter { predicate($0.configuration) }
        }
    }

    /// Versions in (function name, version) order after `marker`, at most `limit`.
    ///
    /// - Parameters:
    ///   - latestOnly: only `$LATEST` of each function.
    ///   - marker: the (name, version) of the last record of the previous page.
    public func list(
        accountID: String, region: String, latestOnly: Bool, after marker: (name: String, version: String)?, limit: Int
    ) async throws -> [FunctionVersionRecord] {
        try await database.read { db in
            var sql = "SELECT * FROM lambdaFunctionVersion WHERE accountID = ? AND region = ?"
            var arguments: StatementArguments = [accountID, region]
            if latestOnly { sql += " AND version = '$LATEST'" }
            if let marker {
                sql += " AND (functionName > ? OR (functionName = ? AND version > ?))"
                arguments += [marker.name, marker.name, marker.version]
            }
            sql += " ORDER BY functionName, version LIMIT ?"
            arguments += [limit]
            return try FunctionVersionRecord.fetchAll(db, sql: sql, arguments: arguments)
        }
    }

    /// Changes a version in one transaction. `change` sees the current record and may throw to abort.
    ///
    /// - Throws: ``StoreError/notFound``, ``FunctionStoreError/revisionMismatch(current:)``, or what `change` throws.
    public func update(
        _ key: FunctionKey,
        version: String = "$LATEST",
        expectedRevision: String?,
        _ change: @escaping @Sendable (inout FunctionVersionRecord) throws -> Void
    ) async throws -> FunctionVersionRecord {
        try await database.write { db in
            guard
                var record = try FunctionVersionRecord.fetchOne(
                    db.cachedStatement(
                        sql: "SELECT * FROM lambdaFunctionVersion WHERE accountID = ? AND region = ? AND functionName = ? AND version = ?"),
                    arguments: [key.accountID, key.region, key.name, version]
                )
            else { throw StoreError.notFound }
            if let expectedRevision, expectedRevision != record.revisionID {
                throw FunctionStoreError.revisionMismatch(current: record.revisionID)
            }
            try change(&record)
            try db.execute(
                sql: """
                    UPDATE lambdaFunctionVersion SET configuration = ?, codeSHA256 = ?, codeSize = ?, revisionID = ?
                    WHERE accountID = ? AND region = ? AND functionName = ? AND version = ?
                    """,
                arguments: [
                    record.configuration, record.codeSHA256, record.codeSize, record.revisionID,
                    key.accountID, key.region, key.name, version,
                ]
            )
            return record
        }
    }

    /// Deletes a function with all its versions and the tags of `tagResource`.
    ///
    /// - Returns: the code hashes that no version of any function references any more.
    /// - Throws: ``StoreError/notFound``.
    public func delete(_ key: FunctionKey, tagResource: String) async throws -> [String] {
        try await database.write { db in
            let hashes = try String.fetchAll(
                db.cachedStatement(
                    sql: "SELECT DISTINCT codeSHA256 FROM lambdaFunctionVersion WHERE accountID = ? AND region = ? AND functionName = ?"),
                arguments: [key.accountID, key.region, key.name]
            )
            try db.execute(
                sql: "DELETE FROM lambdaFunction WHERE accountID = ? AND region = ? AND name = ?",
                arguments: [key.accountID, key.region, key.name]
            )
            guard db.changesCount > 0 else { throw StoreError.notFound }
            try TagRepository.replace(db, resource: tagResource, tags: [:])
            return try hashes.filter { hash in
                try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM lambdaFunctionVersion WHERE codeSHA256 = ?"), arguments: [hash]) == 0
            }
        }
    }

    /// Whether any function version or layer version references the code `sha256`, or a function
    /// version uses it as a layer (a deleted layer version's archive stays while a function uses it).
    public func isCodeReferenced(_ sha256: String) async throws -> Bool {
        try await database.read { db in
            try Int.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT (SELECT COUNT(*) FROM lambdaFunctionVersion WHERE codeSHA256 = ?)
                            + (SELECT COUNT(*) FROM lambdaLayerVersion WHERE codeSHA256 = ?)
                            + (SELECT COUNT(*) FROM lambdaFunctionVersion WHERE instr(CAST(configuration AS TEXT), ?) > 0)
                        """),
                arguments: [sha256, sha256, sha256]) ?? 0 > 0
        }
    }

    /// The number of functions and the total size of their code and of the layers' archives (AWS's
    /// `TotalCodeSize`), for the account usage report.
    public func usage(accountID: String, region: String) async throws -> (functionCount: Int64, totalCodeSize: Int64) {
        try await database.read { db in
            let count =
                try Int64.fetchOne(
                    db.cachedStatement(sql: "SELECT COUNT(*) FROM lambdaFunction WHERE accountID = ? AND region = ?"), arguments: [accountID, region]
                ) ?? 0
            let size =
                try Int64.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT (SELECT COALESCE(SUM(codeSize), 0) FROM lambdaFunctionVersion WHERE accountID = ? AND region = ?)
                                + (SELECT COALESCE(SUM(codeSize), 0) FROM lambdaLayerVersion WHERE accountID = ? AND region = ?)
                            """),
                    arguments: [accountID, region, accountID, region]
                ) ?? 0
            return (count, size)
        }
    }
}
