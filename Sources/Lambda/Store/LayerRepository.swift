import Foundation
import GRDB
import Store

/// Identifies a layer within an account and region.
public struct LayerKey: Sendable, Hashable {
    public var accountID: String
    public var region: String
    public var name: String

    public init(accountID: String, region: String, name: String) {
        self.accountID = accountID
        self.region = region
        self.name = name
    }
}

/// One published version of a layer as the store keeps it.
public struct LayerVersionRecord: Sendable, Equatable {
    public var key: LayerKey
    public var version: Int64
    public var description: String
    public var licenseInfo: String?
    public var compatibleRuntimes: [String]
    public var compatibleArchitectures: [String]
    /// Hex SHA-256 of the layer's archive in the code store.
    public var codeSHA256: String
    public var codeSize: Int64
    /// The sum of the archive's entries, unpacked (counted in a function's 250 MB).
    public var unzippedSize: Int64
    public var createdAt: Date
    /// The revision of the version's policy; nil before its first statement.
    public var policyRevision: String?

    /// Base64 SHA-256 of the archive, Lambda's `CodeSha256`.
    public var codeSha256: String {
        var bytes: [UInt8] = []
        var high: UInt8?
        for character in codeSHA256.utf8 {
            guard let nibble = character.hexValue else { return "" }
            if let first = high {
                bytes.append(first << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return Data(bytes).base64EncodedString()
    }
}

extension UInt8 {
    /// The value of an ASCII hex digit.
    fileprivate var hexValue: UInt8? {
        switch self {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): self - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): self - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}

extension LayerVersionRecord: FetchableRecord {
    public init(row: Row) throws {
        self.init(
            key: LayerKey(accountID: row["accountID"], region: row["region"], name: row["layerName"]),
            version: row["version"],
            description: row["description"],
            licenseInfo: row["licenseInfo"],
            compatibleRuntimes: Self.list(row["compatibleRuntimes"]),
            compatibleArchitectures: Self.list(row["compatibleArchitectures"]),
            codeSHA256: row["codeSHA256"],
            codeSize: row["codeSize"],
            unzippedSize: row["unzippedSize"],
            createdAt: row["createdAt"],
            policyRevision: row["policyRevision"]
        )
    }

    // Runtime and architecture identifiers hold no spaces: a space-separated list.
    private static func list(_ text: String) -> [String] { text.split(separator: " ").map(String.init) }
    static func text(_ list: [String]) -> String { list.joined(separator: " ") }
}

/// One statement of a layer version's policy (AddLayerVersionPermission).
public struct LayerStatementRecord: Sendable, Equatable {
    public var statementID: String
    public var action: String
    public var principal: String
    public var organizationID: String?
}

/// Failures of layer writes.
public enum LayerStoreError: Error, Sendable, Equatable {
    /// The layer version does not exist.
    case versionNotFound
    /// The caller's expected policy revision is not the current one.
    case revisionMismatch
}

/// Layers, their versions and the versions' policies. A layer's row is kept after its last version is
/// deleted, so that a version number is never given twice.
public struct LayerRepository: Sendable {
    let database: BulwarkDatabase

    /// Publishes the layer's next version, creating the layer on its first.
    ///
    /// - Parameter make: the new version's record for the number it takes.
    public func publish(_ key: LayerKey, _ make: @escaping @Sendable (_ number: Int64) -> LayerVersionRecord) async throws -> LayerVersionRecord {
        try await database.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO lambdaLayer (accountID, region, name, lastVersion) VALUES (?, ?, ?, 0)",
                arguments: [key.accountID, key.region, key.name])
            let last =
                try Int64.fetchOne(
                    db.cachedStatement(sql: "SELECT lastVersion FROM lambdaLayer WHERE accountID = ? AND region = ? AND name = ?"),
                    arguments: [key.accountID, key.region, key.name]) ?? 0
            let record = make(last + 1)
            try db.execute(
                sql: """
                    INSERT INTO lambdaLayerVersion
                        (accountID, region, layerName, version, description, licenseInfo, compatibleRuntimes, compatibleArchitectures,
                         codeSHA256, codeSize, unzippedSize, createdAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    key.accountID, key.region, key.name, record.version, record.description, record.licenseInfo,
                    LayerVersionRecord.text(record.compatibleRuntimes), LayerVersionRecord.text(record.compatibleArchitectures),
                    record.codeSHA256, record.codeSize, record.unzippedSize, record.createdAt,
                ])
            try db.execute(
                sql: "UPDATE lambdaLayer SET lastVersion = ? WHERE accountID = ? AND region = ? AND name = ?",
                arguments: [record.version, key.accountID, key.region, key.name])
            return record
        }
    }

    /// A version with its policy's statements, within a read of the caller's; nil when it does not exist.
    static func version(_ db: Database, _ key: LayerKey, _ version: Int64) throws -> (LayerVersionRecord, [LayerStatementRecord])? {
        guard
            let record = try LayerVersionRecord.fetchOne(
                db.cachedStatement(
                    sql: "SELECT * FROM lambdaLayerVersion WHERE accountID = ? AND region = ? AND layerName = ? AND version = ?"),
                arguments: [key.accountID, key.region, key.name, version])
        else { return nil }
        let statements = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT * FROM lambdaLayerStatement WHERE accountID = ? AND region = ? AND layerName = ? AND version = ?
                    ORDER BY position
                    """),
            arguments: [key.accountID, key.region, key.name, version]
        ).map {
            LayerStatementRecord(
                statementID: $0["statementID"], action: $0["action"], principal: $0["principal"], organizationID: $0["organizationID"])
        }
        return (record, statements)
    }

    /// The versions of the layers of an account region, by layer name and then newest first; of one
    /// layer when `name` is given.
    public func versions(accountID: String, region: String, name: String? = nil) async throws -> [LayerVersionRecord] {
        try await database.read { db in
            var sql = "SELECT * FROM lambdaLayerVersion WHERE accountID = ? AND region = ?"
            var arguments: StatementArguments = [accountID, region]
            if let name {
                sql += " AND layerName = ?"
                arguments += [name]
            }
            sql += " ORDER BY layerName, version DESC"
            return try LayerVersionRecord.fetchAll(db, sql: sql, arguments: arguments)
        }
    }

    /// ListLayers' page: of each layer of an account region whose name sorts after `marker`, by
    /// name, its newest version compatible with `runtime` and `architecture` (when given); layers
    /// without one are left out. At most `limit` rows, one a layer: each layer's versions are sought
    /// newest first through the primary key, never read all.
    public func latestVersions(
        accountID: String, region: String, runtime: String?, architecture: String?, after marker: String?, limit: Int
    ) async throws -> [LayerVersionRecord] {
        try await database.read { db in
            // The lists are space-separated identifiers: a member is a space-delimited word.
            try LayerVersionRecord.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT version.* FROM lambdaLayer AS layer
                        JOIN lambdaLayerVersion AS version ON version.accountID = layer.accountID AND version.region = layer.region
                            AND version.layerName = layer.name
                            AND version.version = (
                                SELECT MAX(candidate.version) FROM lambdaLayerVersion AS candidate
                                WHERE candidate.accountID = layer.accountID AND candidate.region = layer.region
                                    AND candidate.layerName = layer.name
                                    AND (?1 IS NULL OR instr(' ' || candidate.compatibleRuntimes || ' ', ' ' || ?1 || ' ') > 0)
                                    AND (?2 IS NULL OR instr(' ' || candidate.compatibleArchitectures || ' ', ' ' || ?2 || ' ') > 0))
                        WHERE layer.accountID = ?3 AND layer.region = ?4 AND (?5 IS NULL OR layer.name > ?5)
                        ORDER BY layer.name LIMIT ?6
                        """),
                arguments: [runtime, architecture, accountID, region, marker, limit])
        }
    }

    /// The statements of versions of one layer, by version (for listing another account's layer).
    public func statements(of key: LayerKey) async throws -> [Int64: [LayerStatementRecord]] {
        try await database.read { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT * FROM lambdaLayerStatement WHERE accountID = ? AND region = ? AND layerName = ? ORDER BY position"),
                arguments: [key.accountID, key.region, key.name])
            return Dictionary(grouping: rows) { row -> Int64 in row["version"] }.mapValues { rows in
                rows.map {
                    LayerStatementRecord(
                        statementID: $0["statementID"], action: $0["action"], principal: $0["principal"], organizationID: $0["organizationID"])
                }
            }
        }
    }

    /// Deletes a version and its policy; its number stays spent. Deleting a version that does not
    /// exist does nothing, as in AWS.
    public func delete(_ key: LayerKey, _ version: Int64) async throws {
        try await database.write { db in
            try db.execute(
                sql: "DELETE FROM lambdaLayerVersion WHERE accountID = ? AND region = ? AND layerName = ? AND version = ?",
                arguments: [key.accountID, key.region, key.name, version])
        }
    }

    /// Adds a statement to a version's policy.
    ///
    /// - Throws: ``LayerStoreError/versionNotFound``, ``LayerStoreError/revisionMismatch``,
    ///   ``StoreError/conflict`` for a statement id in use.
    public func add(
        _ statement: LayerStatementRecord, to key: LayerKey, _ version: Int64, expectedRevision: String?, newRevision: String
    ) async throws {
        try await database.write { db in
            try Self.checkRevision(db, key, version, expectedRevision)
            let exists =
                try Int.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT COUNT(*) FROM lambdaLayerStatement
                            WHERE accountID = ? AND region = ? AND layerName = ? AND version = ? AND statementID = ?
                            """),
                    arguments: [key.accountID, key.region, key.name, version, statement.statementID]) ?? 0
            guard exists == 0 else { throw StoreError.conflict }
            let position = try Int.fetchOne(db.cachedStatement(sql: "SELECT COALESCE(MAX(position), 0) + 1 FROM lambdaLayerStatement")) ?? 1
            try db.execute(
                sql: """
                    INSERT INTO lambdaLayerStatement (accountID, region, layerName, version, statementID, action, principal, organizationID, position)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    key.accountID, key.region, key.name, version, statement.statementID, statement.action, statement.principal,
                    statement.organizationID, position,
                ])
            try Self.setRevision(db, key, version, newRevision)
        }
    }

    /// Removes a statement from a version's policy.
    ///
    /// - Throws: ``LayerStoreError/versionNotFound``, ``LayerStoreError/revisionMismatch``,
    ///   ``StoreError/notFound`` for a statement the policy does not hold.
    public func remove(statementID: String, from key: LayerKey, _ version: Int64, expectedRevision: String?, newRevision: String) async throws {
        try await database.write { db in
            try Self.checkRevision(db, key, version, expectedRevision)
            try db.execute(
                sql: """
                    DELETE FROM lambdaLayerStatement WHERE accountID = ? AND region = ? AND layerName = ? AND version = ? AND statementID = ?
                    """,
                arguments: [key.accountID, key.region, key.name, version, statementID])
            guard db.changesCount > 0 else { throw StoreError.notFound }
            try Self.setRevision(db, key, version, newRevision)
        }
    }

    private static func checkRevision(_ db: Database, _ key: LayerKey, _ version: Int64, _ expected: String?) throws {
        guard let (record, _) = try Self.version(db, key, version) else { throw LayerStoreError.versionNotFound }
        if let expected, expected != record.policyRevision { throw LayerStoreError.revisionMismatch }
    }

    private static func setRevision(_ db: Database, _ key: LayerKey, _ version: Int64, _ revision: String) throws {
        try db.execute(
            sql: "UPDATE lambdaLayerVersion SET policyRevision = ? WHERE accountID = ? AND region = ? AND layerName = ? AND version = ?",
            arguments: [revision, key.accountID, key.region, key.name, version])
    }
}
