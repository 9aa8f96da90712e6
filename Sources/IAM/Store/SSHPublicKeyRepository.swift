import Foundation
import GRDB
import Store

/// Users' SSH public keys.
public struct SSHPublicKeyRepository: Sendable {
    let database: BulwarkDatabase

    /// - Throws: ``IAMStoreError/duplicate`` when the user has a key of that fingerprint,
    ///   ``IAMStoreError/limitExceeded`` when the user already has `limit` keys.
    public func create(_ record: SSHPublicKeyRecord, limit: Int) async throws {
        try await database.write { db in
            let keys = try Self.keys(db, accountID: record.accountID, userID: record.userID)
            guard !keys.contains(where: { $0.fingerprint == record.fingerprint }) else { throw IAMStoreError.duplicate }
            guard keys.count < limit else { throw IAMStoreError.limitExceeded }
            try Self.save(record, db)
        }
    }

    /// The key of that id in the account, within a read of the caller's.
    static func key(_ db: Database, id: String, accountID: String) throws -> SSHPublicKeyRecord? {
        try SSHPublicKeyRecord.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM iamSSHPublicKey WHERE keyID = ? AND accountID = ?"), arguments: [id, accountID])
    }

    /// A user's keys (by unique id), oldest first.
    public func keys(accountID: String, userID: String) async throws -> [SSHPublicKeyRecord] {
        try await database.read { db in try Self.keys(db, accountID: accountID, userID: userID) }
    }

    private static func keys(_ db: Database, accountID: String, userID: String) throws -> [SSHPublicKeyRecord] {
        try SSHPublicKeyRecord.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM iamSSHPublicKey WHERE accountID = ? AND userID = ? ORDER BY uploadedAt, keyID"),
            arguments: [accountID, userID])
    }

    /// - Throws: ``StoreError/notFound``.
    public func setStatus(_ status: String, id: String, accountID: String) async throws {
        try await database.write { db in
            try db.execute(sql: "UPDATE iamSSHPublicKey SET status = ? WHERE keyID = ? AND accountID = ?", arguments: [status, id, accountID])
            guard db.changesCount > 0 else { throw StoreError.notFound }
        }
    }

    /// - Throws: ``StoreError/notFound``.
    public func delete(id: String, accountID: String) async throws {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM iamSSHPublicKey WHERE keyID = ? AND accountID = ?", arguments: [id, accountID])
            guard db.changesCount > 0 else { throw StoreError.notFound }
        }
    }

    private static func save(_ record: SSHPublicKeyRecord, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO iamSSHPublicKey (keyID, accountID, userID, body, fingerprint, status, uploadedAt)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [record.keyID, record.accountID, record.userID, record.body, record.fingerprint, record.status, record.uploadedAt])
    }
}
