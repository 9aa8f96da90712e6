import Foundation
import GRDB
import Store

/// Users' service-specific credentials.
public struct ServiceSpecificCredentialRepository: Sendable {
    let database: BulwarkDatabase

    /// - Throws: ``IAMStoreError/limitExceeded`` when the user already has `limit` for the service.
    public func create(_ record: ServiceSpecificCredentialRecord, limit: Int) async throws {
        try await database.write { db in
            let count =
                try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT COUNT(*) FROM iamServiceSpecificCredential WHERE userID = ? AND serviceName = ?"),
                    arguments: [record.userID, record.serviceName]) ?? 0
            guard count < limit else { throw IAMStoreError.limitExceeded }
            try Self.save(record, db)
        }
    }

    /// The credential of that id in the account, within a read of the caller's.
    static func credential(_ db: Database, id: String, accountID: String) throws -> ServiceSpecificCredentialRecord? {
        try ServiceSpecificCredentialRecord.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM iamServiceSpecificCredential WHERE credentialID = ? AND accountID = ?"),
            arguments: [id, accountID])
    }

    /// The credentials of the account, of one user (by unique id) and one service when given, oldest first.
    public func credentials(accountID: String, userID: String?, serviceName: String?) async throws -> [ServiceSpecificCredentialRecord] {
        try await database.read { db in
            try ServiceSpecificCredentialRecord.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT * FROM iamServiceSpecificCredential
                        WHERE accountID = ? AND (? IS NULL OR userID = ?) AND (? IS NULL OR serviceName = ?)
                        ORDER BY createdAt, credentialID
                        """),
                arguments: [accountID, userID, userID, serviceName, serviceName])
        }
    }

    /// Changes a credential in one transaction.
    ///
    /// - Throws: ``StoreError/notFound``.
    @discardableResult
    public func update(
        id: String, accountID: String, _ change: @escaping @Sendable (inout ServiceSpecificCredentialRecord) throws -> Void
    ) async throws -> ServiceSpecificCredentialRecord {
        try await database.write { db in
            guard var record = try Self.credential(db, id: id, accountID: accountID) else { throw StoreError.notFound }
            try change(&record)
            try Self.save(record, db)
            return record
        }
    }

    /// - Throws: ``StoreError/notFound``.
    public func delete(id: String, accountID: String) async throws {
        try await database.write { db in
            try db.execute(
                sql: "DELETE FROM iamServiceSpecificCredential WHERE credentialID = ? AND accountID = ?", arguments: [id, accountID])
            guard db.changesCount > 0 else { throw StoreError.notFound }
        }
    }

    private static func save(_ record: ServiceSpecificCredentialRecord, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO iamServiceSpecificCredential
                    (credentialID, accountID, userID, serviceName, serviceUserName, secretHash, salt, status, createdAt, expiresAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                record.credentialID, record.accountID, record.userID, record.serviceName, record.serviceUserName, record.secretHash,
                record.salt, record.status, record.createdAt, record.expiresAt,
            ])
    }
}
