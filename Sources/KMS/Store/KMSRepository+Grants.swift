import BulwarkCore
import Foundation
import GRDB
import Store

extension KMSRepository {
    /// AWS's quotas on grants (KMS's "Grants per KMS key" and "Grants for a given principal per KMS key").
    public enum GrantQuota {
        public static let perKey = 50_000
        public static let perGranteePerKey = 500
    }

    /// Why a grant was not created.
    public enum GrantRefusal: Error, Sendable, Equatable {
        /// The key has ``GrantQuota/perKey`` grants already.
        case tooManyForKey
        /// The grantee has ``GrantQuota/perGranteePerKey`` grants on the key already.
        case tooManyForGrantee
    }

    /// Stores a grant, or — when a grant of the key has the same name and parameters — answers
    /// that one instead (AWS's idempotent retry).
    ///
    /// - Throws: ``GrantRefusal`` beyond AWS's quotas; ``StoreError/notFound`` when the key is gone.
    public func createGrant(_ grant: KMSGrantRecord) async throws -> KMSGrantRecord {
        try await database.write { db in
            guard try Self.key(db, id: grant.keyID) != nil else { throw StoreError.notFound }
            if let name = grant.name {
                let named = try KMSGrantRecord.fetchAll(
                    db.cachedStatement(sql: "SELECT * FROM kmsGrant WHERE keyID = ? AND name = ? ORDER BY seq"), arguments: [grant.keyID, name])
                if let existing = named.first(where: { $0.isRetry(of: grant) }) { return existing }
            }
            let onKey = try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM kmsGrant WHERE keyID = ?"), arguments: [grant.keyID]) ?? 0
            guard onKey < GrantQuota.perKey else { throw GrantRefusal.tooManyForKey }
            let forGrantee =
                try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT COUNT(*) FROM kmsGrant WHERE keyID = ? AND granteePrincipal = ?"),
                    arguments: [grant.keyID, grant.granteePrincipal]) ?? 0
            guard forGrantee < GrantQuota.perGranteePerKey else { throw GrantRefusal.tooManyForGrantee }
            try db.execute(
                sql: """
                    INSERT INTO kmsGrant (id, keyID, name, granteePrincipal, retiringPrincipal, principalIDs, operations,
                        encryptionContextSubset, encryptionContextEquals, issuingAccount, createdAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    grant.id, grant.keyID, grant.name, grant.granteePrincipal, grant.retiringPrincipal,
                    KMSGrantRecord.encode(grant.principalIDs), grant.operations.joined(separator: ","),
                    KMSGrantRecord.encode(grant.encryptionContextSubset), KMSGrantRecord.encode(grant.encryptionContextEquals),
                    grant.issuingAccount, grant.createdAt.timeIntervalSince1970,
                ])
            return grant
        }
    }

    /// A page of a key's grants in creation order, after the grant `marker` names, filtered by
    /// grant id and grantee; nil when `marker` names no grant of the key.
    public func grants(
        keyID: String, grantID: String?, granteePrincipal: String?, after marker: String?, limit: Int
    ) async throws
        -> [KMSGrantRecord]?
    {
        try await database.read { db in
            var after = 0
            if let marker {
                guard
                    let seq = try Int.fetchOne(
                        db.cachedStatement(sql: "SELECT seq FROM kmsGrant WHERE id = ? AND keyID = ?"), arguments: [marker, keyID])
                else { return nil }
                after = seq
            }
            return try KMSGrantRecord.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT * FROM kmsGrant WHERE keyID = ? AND seq > ? AND (? IS NULL OR id = ?) AND (? IS NULL OR granteePrincipal = ?)
                        ORDER BY seq LIMIT ?
                        """),
                arguments: [keyID, after, grantID, grantID, granteePrincipal, granteePrincipal, limit])
        }
    }

    /// A page of the grants of the account's keys in the region whose retiring principal is
    /// `principal`, after the grant `marker` names; nil when `marker` names no such grant.
    public func retirableGrants(
        accountID: String, region: String, retiringPrincipal principal: String, after marker: String?, limit: Int, now: Date
    ) async throws -> [KMSGrantRecord]? {
        try await database.read { db in
            var after = 0
            if let marker {
                guard
                    let seq = try Int.fetchOne(
                        db.cachedStatement(sql: "SELECT seq FROM kmsGrant WHERE id = ? AND retiringPrincipal = ?"), arguments: [marker, principal])
                else { return nil }
                after = seq
            }
            return try KMSGrantRecord.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT kmsGrant.* FROM kmsGrant JOIN kmsKey ON kmsKey.id = kmsGrant.keyID
                        WHERE kmsKey.accountID = ? AND kmsKey.region = ? AND kmsGrant.retiringPrincipal = ? AND kmsGrant.seq > ?
                            AND NOT (kmsKey.state = 'PendingDeletion' AND kmsKey.deletionDate <= ?)
                        ORDER BY kmsGrant.seq LIMIT ?
                        """),
                arguments: [accountID, region, principal, after, now.timeIntervalSince1970, limit])
        }
    }

    /// Deletes (retires or revokes) a grant of a key. - Throws: ``StoreError/notFound`` when it is gone.
    public func deleteGrant(id: String, keyID: String) async throws {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM kmsGrant WHERE id = ? AND keyID = ?", arguments: [id, keyID])
            guard db.changesCount == 1 else { throw StoreError.notFound }
        }
    }

    /// A key's grants, in creation order, within a read of the caller's (the resolve stage).
    static func grants(_ db: Database, keyID: String) throws -> [KMSGrantRecord] {
        try KMSGrantRecord.fetchAll(db.cachedStatement(sql: "SELECT * FROM kmsGrant WHERE keyID = ? ORDER BY seq"), arguments: [keyID])
    }

    static func grant(_ db: Database, id: String) throws -> KMSGrantRecord? {
        try KMSGrantRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM kmsGrant WHERE id = ?"), arguments: [id])
    }
}
