import Foundation
import GRDB
import Store

/// Signing certificates of users and of the account root.
public struct SigningCertificateRepository: Sendable {
    let database: BulwarkDatabase

    /// - Throws: ``IAMStoreError/duplicate`` when the account has the certificate already (for any
    ///   owner), ``IAMStoreError/limitExceeded`` when the owner has `limit`.
    public func create(_ record: SigningCertificateRecord, limit: Int) async throws {
        try await database.write { db in
            guard
                try Bool.fetchOne(
                    db.cachedStatement(sql: "SELECT 1 FROM iamSigningCertificate WHERE accountID = ? AND digest = ?"),
                    arguments: [record.accountID, record.digest])
                    != true
            else { throw IAMStoreError.duplicate }
            guard try Self.certificates(db, accountID: record.accountID, ownerID: record.ownerID).count < limit else {
                throw IAMStoreError.limitExceeded
            }
            try db.execute(
                sql: """
                    INSERT INTO iamSigningCertificate (certificateID, accountID, ownerID, body, digest, status, uploadedAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    record.certificateID, record.accountID, record.ownerID, record.body, record.digest, record.status, record.uploadedAt,
                ])
        }
    }

    /// The certificate of that id in the account, within a read of the caller's.
    static func certificate(_ db: Database, id: String, accountID: String) throws -> SigningCertificateRecord? {
        try SigningCertificateRecord.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM iamSigningCertificate WHERE certificateID = ? AND accountID = ?"), arguments: [id, accountID])
    }

    /// An owner's certificates, oldest first.
    public func certificates(accountID: String, ownerID: String) async throws -> [SigningCertificateRecord] {
        try await database.read { db in try Self.certificates(db, accountID: accountID, ownerID: ownerID) }
    }

    private static func certificates(_ db: Database, accountID: String, ownerID: String) throws -> [SigningCertificateRecord] {
        try SigningCertificateRecord.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM iamSigningCertificate WHERE accountID = ? AND ownerID = ? ORDER BY uploadedAt, certificateID"),
            arguments: [accountID, ownerID])
    }

    /// - Throws: ``StoreError/notFound``.
    public func setStatus(_ status: String, id: String, accountID: String) async throws {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE iamSigningCertificate SET status = ? WHERE certificateID = ? AND accountID = ?", arguments: [status, id, accountID])
            guard db.changesCount > 0 else { throw StoreError.notFound }
        }
    }

    /// - Throws: ``StoreError/notFound``.
    public func delete(id: String, accountID: String) async throws {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM iamSigningCertificate WHERE certificateID = ? AND accountID = ?", arguments: [id, accountID])
            guard db.changesCount > 0 else { throw StoreError.notFound }
        }
    }
}
