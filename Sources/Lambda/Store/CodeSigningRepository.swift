import BulwarkCore
import Foundation
import GRDB
import Store

/// A code signing configuration as stored (decision 0038).
public struct CodeSigningConfigRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "lambdaCodeSigningConfig"

    public var accountID: String
    public var region: String
    /// `csc-` and 17 lowercase letters and digits.
    public var id: String
    public var description: String
    /// JSON list of signing profile version ARNs.
    public var allowedPublishers: String
    /// `Warn` or `Enforce`.
    public var untrustedArtifactOnDeployment: String
    public var lastModified: Date

    public var arn: String { Self.arn(accountID: accountID, region: region, id: id) }

    public static func arn(accountID: String, region: String, id: String) -> String {
        ARN(service: "lambda", region: region, accountID: accountID, resource: "code-signing-config:\(id)").description
    }

    var publishers: [String] { (try? JSONDecoder().decode([String].self, from: Data(allowedPublishers.utf8))) ?? [] }

    var enforces: Bool { untrustedArtifactOnDeployment == "Enforce" }
}

/// Code signing configurations and the functions that use them.
struct CodeSigningRepository: Sendable {
    let database: BulwarkDatabase

    /// Raised when a configuration to delete is still used by a function.
    struct InUse: Error {}

    static func config(_ db: Database, accountID: String, region: String, id: String) throws -> CodeSigningConfigRecord? {
        try CodeSigningConfigRecord.fetchOne(
            db, sql: "SELECT * FROM lambdaCodeSigningConfig WHERE accountID = ? AND region = ? AND id = ?", arguments: [accountID, region, id])
    }

    func insert(_ config: CodeSigningConfigRecord, tags: [String: String]) async throws {
        try await database.write { db in
            try config.insert(db)
            if !tags.isEmpty { try TagRepository.replace(db, resource: config.arn, tags: tags) }
        }
    }

    func save(_ config: CodeSigningConfigRecord) async throws {
        try await database.write { db in
            guard try Self.config(db, accountID: config.accountID, region: config.region, id: config.id) != nil else { throw StoreError.notFound }
            try config.update(db)
        }
    }

    /// Deletes the configuration unless a function uses it. - Throws: ``InUse``, ``StoreError/notFound``.
    func delete(_ config: CodeSigningConfigRecord) async throws {
        try await database.write { db in
            let users =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM lambdaFunctionCodeSigning WHERE accountID = ? AND region = ? AND configID = ?",
                    arguments: [config.accountID, config.region, config.id]) ?? 0
            guard users == 0 else { throw InUse() }
            guard try CodeSigningConfigRecord.deleteOne(db, key: ["accountID": config.accountID, "region": config.region, "id": config.id]) else {
                throw StoreError.notFound
            }
            try TagRepository.replace(db, resource: config.arn, tags: [:])
        }
    }

    func configs(accountID: String, region: String) async throws -> [CodeSigningConfigRecord] {
        try await database.read { db in
            try CodeSigningConfigRecord.fetchAll(
                db, sql: "SELECT * FROM lambdaCodeSigningConfig WHERE accountID = ? AND region = ? ORDER BY id", arguments: [accountID, region])
        }
    }

    /// The configuration function `key` uses, if any.
    func config(of key: FunctionKey) async throws -> CodeSigningConfigRecord? {
        try await database.read { db in
            try CodeSigningConfigRecord.fetchOne(
                db,
                sql: """
                    SELECT c.* FROM lambdaFunctionCodeSigning f JOIN lambdaCodeSigningConfig c
                    ON c.accountID = f.accountID AND c.region = f.region AND c.id = f.configID
                    WHERE f.accountID = ? AND f.region = ? AND f.functionName = ?
                    """, arguments: [key.accountID, key.region, key.name])
        }
    }

    /// Makes function `key` use configuration `id`. - Throws: ``StoreError/notFound`` when either is gone.
    func attach(_ key: FunctionKey, configID: String) async throws {
        try await database.write { db in try Self.attach(db, key, configID: configID) }
    }

    /// ``attach(_:configID:)`` within a write of the caller's (CreateFunction's, so that no function is
    /// created without the configuration it was checked under).
    static func attach(_ db: Database, _ key: FunctionKey, configID: String) throws {
        guard try config(db, accountID: key.accountID, region: key.region, id: configID) != nil else { throw StoreError.notFound }
        try db.execute(
            sql: """
                INSERT INTO lambdaFunctionCodeSigning (accountID, region, functionName, configID) VALUES (?, ?, ?, ?)
                ON CONFLICT (accountID, region, functionName) DO UPDATE SET configID = excluded.configID
                """, arguments: [key.accountID, key.region, key.name, configID])
    }

    /// Whether function `key` used a configuration, which it no longer does.
    func detach(_ key: FunctionKey) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                sql: "DELETE FROM lambdaFunctionCodeSigning WHERE accountID = ? AND region = ? AND functionName = ?",
                arguments: [key.accountID, key.region, key.name])
            return db.changesCount > 0
        }
    }

    func functions(using config: CodeSigningConfigRecord) async throws -> [String] {
        try await database.read { db in
            try String.fetchAll(
                db,
                sql: "SELECT functionName FROM lambdaFunctionCodeSigning WHERE accountID = ? AND region = ? AND configID = ? ORDER BY functionName",
                arguments: [config.accountID, config.region, config.id])
        }
    }

    /// Counts one more deployment of function `key` that its `Warn` policy let through; answers the new count.
    @discardableResult
    func countValidationError(_ key: FunctionKey) async throws -> Int {
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO lambdaSignatureValidationErrors (accountID, region, functionName, count) VALUES (?, ?, ?, 1)
                    ON CONFLICT (accountID, region, functionName) DO UPDATE SET count = count + 1
                    """, arguments: [key.accountID, key.region, key.name])
            return try Int.fetchOne(
                db, sql: "SELECT count FROM lambdaSignatureValidationErrors WHERE accountID = ? AND region = ? AND functionName = ?",
                arguments: [key.accountID, key.region, key.name]) ?? 0
        }
    }

    /// The deployments of function `key` that its `Warn` policy let through.
    func validationErrors(_ key: FunctionKey) async throws -> Int {
        try await database.read { db in
            try Int.fetchOne(
                db, sql: "SELECT count FROM lambdaSignatureValidationErrors WHERE accountID = ? AND region = ? AND functionName = ?",
                arguments: [key.accountID, key.region, key.name]) ?? 0
        }
    }
}

extension BulwarkDatabase {
    var codeSigning: CodeSigningRepository { CodeSigningRepository(database: self) }
}
