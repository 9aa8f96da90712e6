import Foundation
import GRDB
import Store

/// An alias of a function as the store keeps it: the version it names and, while traffic shifts, a
/// second version with the share of invocations it receives.
public struct AliasRecord: Sendable, Equatable {
    public var key: FunctionKey
    public var name: String
    public var functionVersion: String
    public var description: String
    public var routing: AliasRouting?
    public var revisionID: String

    public init(key: FunctionKey, name: String, functionVersion: String, description: String, routing: AliasRouting?, revisionID: String) {
        self.key = key
        self.name = name
        self.functionVersion = functionVersion
        self.description = description
        self.routing = routing
        self.revisionID = revisionID
    }
}

extension AliasRecord: FetchableRecord {
    public init(row: Row) throws {
        let additional: String? = row["additionalVersion"]
        let weight: Double? = row["additionalWeight"]
        self.init(
            key: FunctionKey(accountID: row["accountID"], region: row["region"], name: row["functionName"]),
            name: row["name"], functionVersion: row["functionVersion"], description: row["description"],
            routing: additional.map { AliasRouting(additionalVersion: $0, weight: weight ?? 0) }, revisionID: row["revisionID"]
        )
    }
}

/// Failures of alias writes that name another entity.
public enum AliasStoreError: Error, Sendable, Equatable {
    /// A version the alias would name does not exist.
    case versionNotFound(String)
}

/// Functions' aliases.
public struct AliasRepository: Sendable {
    let database: BulwarkDatabase

    /// Creates an alias; the versions it names must exist when it is written.
    ///
    /// - Throws: ``StoreError/conflict`` when the alias exists, ``StoreError/notFound`` for no
    ///   function, ``AliasStoreError/versionNotFound(_:)``.
    public func create(_ alias: AliasRecord) async throws {
        try await database.write { db in
            guard try Self.functionExists(db, alias.key) else { throw StoreError.notFound }
            try Self.checkVersions(db, alias)
            guard try Self.alias(db, alias.key, alias.name) == nil else { throw StoreError.conflict }
            try db.execute(
                sql: """
                    INSERT INTO lambdaAlias
                        (accountID, region, functionName, name, functionVersion, description, additionalVersion, additionalWeight, revisionID)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    alias.key.accountID, alias.key.region, alias.key.name, alias.name, alias.functionVersion, alias.description,
                    alias.routing?.additionalVersion, alias.routing?.weight, alias.revisionID,
                ]
            )
        }
    }

    public func alias(_ key: FunctionKey, _ name: String) async throws -> AliasRecord? {
        try await database.read { db in try Self.alias(db, key, name) }
    }

    /// ``alias(_:_:)`` within a read of the caller's.
    static func alias(_ db: Database, _ key: FunctionKey, _ name: String) throws -> AliasRecord? {
        try AliasRecord.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM lambdaAlias WHERE accountID = ? AND region = ? AND functionName = ? AND name = ?"),
            arguments: [key.accountID, key.region, key.name, name]
        )
    }

    /// Changes an alias in one transaction, with optimistic concurrency on its revision id.
    ///
    /// - Throws: ``StoreError/notFound``, ``FunctionStoreError/revisionMismatch(current:)``,
    ///   ``AliasStoreError/versionNotFound(_:)`` or what `change` throws.
    public func update(
        _ key: FunctionKey, _ name: String, expectedRevision: String?, _ change: @escaping @Sendable (inout AliasRecord) throws -> Void
    ) async throws -> AliasRecord {
        try await database.write { db in
            guard var alias = try Self.alias(db, key, name) else { throw StoreError.notFound }
            if let expectedRevision, expectedRevision != alias.revisionID {
                throw FunctionStoreError.revisionMismatch(current: alias.revisionID)
            }
            try change(&alias)
            try Self.checkVersions(db, alias)
            try db.execute(
                sql: """
                    UPDATE lambdaAlias SET functionVersion = ?, description = ?, additionalVersion = ?, additionalWeight = ?, revisionID = ?
                    WHERE accountID = ? AND region = ? AND functionName = ? AND name = ?
                    """,
                arguments: [
                    alias.functionVersion, alias.description, alias.routing?.additionalVersion, alias.routing?.weight, alias.revisionID,
                    key.accountID, key.region, key.name, name,
                ]
            )
            return alias
        }
    }

    /// Deletes an alias with the policy and the asynchronous settings kept under its name.
    ///
    /// - Returns: whether there was one.
    public func delete(_ key: FunctionKey, _ name: String) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                sql: "DELETE FROM lambdaAlias WHERE accountID = ? AND region = ? AND functionName = ? AND name = ?",
                arguments: [key.accountID, key.region, key.name, name]
            )
            let existed = db.changesCount > 0
            try FunctionRepository.deleteQualified(db, key, qualifier: name)
            return existed
        }
    }

    /// A function's aliases in name order after `marker`, at most `limit`; only those that route to
    /// `version` when one is given.
    public func list(_ key: FunctionKey, routingTo version: String?, after marker: String?, limit: Int) async throws -> [AliasRecord] {
        try await database.read { db in
            var sql = "SELECT * FROM lambdaAlias WHERE accountID = ? AND region = ? AND functionName = ?"
            var arguments: StatementArguments = [key.accountID, key.region, key.name]
            if let version {
                sql += " AND (functionVersion = ? OR additionalVersion = ?)"
                arguments += [version, version]
            }
            if let marker {
                sql += " AND name > ?"
                arguments += [marker]
            }
            sql += " ORDER BY name LIMIT ?"
            arguments += [limit]
            return try AliasRecord.fetchAll(db, sql: sql, arguments: arguments)
        }
    }

    /// The names of the aliases that route any invocation to `version`, in name order.
    static func names(_ db: Database, routingTo version: String, of key: FunctionKey) throws -> [String] {
        try String.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT name FROM lambdaAlias WHERE accountID = ? AND region = ? AND functionName = ?
                        AND (functionVersion = ? OR additionalVersion = ?) ORDER BY name
                    """),
            arguments: [key.accountID, key.region, key.name, version, version]
        )
    }

    private static func functionExists(_ db: Database, _ key: FunctionKey) throws -> Bool {
        try Int.fetchOne(
            db.cachedStatement(sql: "SELECT COUNT(*) FROM lambdaFunction WHERE accountID = ? AND region = ? AND name = ?"),
            arguments: [key.accountID, key.region, key.name]
        ) ?? 0 > 0
    }

    private static func checkVersions(_ db: Database, _ alias: AliasRecord) throws {
        for version in [alias.functionVersion] + (alias.routing.map { [$0.additionalVersion] } ?? []) {
            guard try FunctionRepository.version(db, alias.key, version) != nil else { throw AliasStoreError.versionNotFound(version) }
        }
    }
}
