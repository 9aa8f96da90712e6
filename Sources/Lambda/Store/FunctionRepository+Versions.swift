import Foundation
import GRDB
import Store

/// Failures of version writes.
public enum FunctionVersionStoreError: Error, Sendable, Equatable {
    /// The version cannot be deleted while these aliases route to it.
    case referencedByAliases([String])
}

extension FunctionRepository {
    /// Publishes `$LATEST` as the function's next version number, in one transaction.
    ///
    /// `snapshot` sees `$LATEST`, the most recent published version still kept and the number the
    /// new version would take; it returns the new version's record, or nil when nothing changed
    /// since that version — which is then the answer, and no number is spent.
    ///
    /// - Returns: the version and whether it is new.
    /// - Throws: ``StoreError/notFound``, ``FunctionStoreError/revisionMismatch(current:)``, or what
    ///   `snapshot` throws.
    public func publish(
        _ key: FunctionKey, expectedRevision: String?,
        _ snapshot:
            @escaping @Sendable (_ latest: FunctionVersionRecord, _ lastPublished: FunctionVersionRecord?, _ number: String) throws ->
            FunctionVersionRecord?
    ) async throws -> (record: FunctionVersionRecord, isNew: Bool) {
        try await database.write { db in
            guard let latest = try Self.version(db, key, "$LATEST"),
                let lastNumber = try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT lastVersion FROM lambdaFunction WHERE accountID = ? AND region = ? AND name = ?"),
                    arguments: [key.accountID, key.region, key.name])
            else { throw StoreError.notFound }
            if let expectedRevision, expectedRevision != latest.revisionID {
                throw FunctionStoreError.revisionMismatch(current: latest.revisionID)
            }
            let lastPublished = try FunctionVersionRecord.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT * FROM lambdaFunctionVersion WHERE accountID = ? AND region = ? AND functionName = ? AND version != '$LATEST'
                        ORDER BY CAST(version AS INTEGER) DESC LIMIT 1
                        """),
                arguments: [key.accountID, key.region, key.name]
            )
            let number = lastNumber + 1
            guard let record = try snapshot(latest, lastPublished, String(number)) else {
                guard let lastPublished else { throw StoreError.notFound }
                return (lastPublished, false)
            }
            try record.insert(db)
            try db.execute(
                sql: "UPDATE lambdaFunction SET lastVersion = ? WHERE accountID = ? AND region = ? AND name = ?",
                arguments: [number, key.accountID, key.region, key.name]
            )
            return (record, true)
        }
    }

    /// A function's versions, `$LATEST` first and then by number, after `marker` (a version of the
    /// previous page), at most `limit`.
    public func versions(of key: FunctionKey, after marker: String?, limit: Int) async throws -> [FunctionVersionRecord] {
        let rank = "CASE WHEN version = '$LATEST' THEN 0 ELSE CAST(version AS INTEGER) END"
        return try await database.read { db in
            var sql = "SELECT * FROM lambdaFunctionVersion WHERE accountID = ? AND region = ? AND functionName = ?"
            var arguments: StatementArguments = [key.accountID, key.region, key.name]
            if let marker {
                sql += " AND \(rank) > ?"
                arguments += [marker == "$LATEST" ? 0 : Int(marker) ?? Int.max]
            }
            sql += " ORDER BY \(rank) LIMIT ?"
            arguments += [limit]
            return try FunctionVersionRecord.fetchAll(db, sql: sql, arguments: arguments)
        }
    }

    /// Deletes one published version with the policy and asynchronous settings kept under its number.
    ///
    /// - Throws: ``StoreError/notFound``, ``FunctionVersionStoreError/referencedByAliases(_:)``.
    public func deleteVersion(_ key: FunctionKey, _ version: String) async throws {
        try await database.write { db in
            guard try Self.version(db, key, version) != nil else { throw StoreError.notFound }
            let aliases = try AliasRepository.names(db, routingTo: version, of: key)
            guard aliases.isEmpty else { throw FunctionVersionStoreError.referencedByAliases(aliases) }
            try db.execute(
                sql: "DELETE FROM lambdaFunctionVersion WHERE accountID = ? AND region = ? AND functionName = ? AND version = ?",
                arguments: [key.accountID, key.region, key.name, version]
            )
            try Self.deleteQualified(db, key, qualifier: version)
        }
    }

    /// Deletes what is kept under a qualifier of a function that is going away: its policy
    /// statements and asynchronous settings.
    static func deleteQualified(_ db: Database, _ key: FunctionKey, qualifier: String) throws {
        for table in ["lambdaPolicyStatement", "lambdaEventInvokeConfig"] {
            try db.execute(
                sql: "DELETE FROM \(table) WHERE accountID = ? AND region = ? AND functionName = ? AND qualifier = ?",
                arguments: [key.accountID, key.region, key.name, qualifier]
            )
        }
    }
}
