import BulwarkCore
import Foundation
import GRDB
import Store

/// KMS keys, their wrapped material and their aliases.
public struct KMSRepository: Sendable {
    let database: BulwarkDatabase

    /// Stores a new key with its first material and its tags; first purges the keys whose deletion
    /// date passed.
    public func create(_ key: KMSKeyRecord, material: KMSKeyMaterialRecord, tags: [String: String], now: Date) async throws {
        try await database.write { db in
            if !tags.isEmpty { try TagRepository.replace(db, resource: key.arn, tags: tags) }
            try Self.purgeDeleted(db, now: now)
            try Self.insert(db, key, material: material)
        }
    }

    /// Inserts a key and its first material within a transaction of the caller's.
    static func insert(_ db: Database, _ key: KMSKeyRecord, material: KMSKeyMaterialRecord) throws {
        try db.execute(
            sql: """
                INSERT INTO kmsKey (id, accountID, region, description, keyUsage, keySpec, origin, keyManager, state, createdAt,
                    deletionDate, pendingWindowInDays, policy, policyPrincipals, currentVersion, rotationEnabled, rotationPeriodInDays,
                    nextRotationDate, onDemandRotations)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                key.id, key.accountID, key.region, key.description, key.keyUsage, key.keySpec, key.origin, key.keyManager,
                key.state.rawValue, key.createdAt.timeIntervalSince1970, key.deletionDate?.timeIntervalSince1970,
                key.pendingWindowInDays, key.policy, Self.encode(key.policyPrincipals), key.currentVersion, key.rotationEnabled,
                key.rotationPeriodInDays, key.nextRotationDate?.timeIntervalSince1970, key.onDemandRotations,
            ])
        try insert(db, material)
    }

    private static func insert(_ db: Database, _ material: KMSKeyMaterialRecord) throws {
        try db.execute(
            sql: "INSERT INTO kmsKeyMaterial (keyID, version, materialID, wrapped, createdAt, rotationType, publicKey) VALUES (?, ?, ?, ?, ?, ?, ?)",
            arguments: [
                material.keyID, material.version, material.materialID, material.wrapped, material.createdAt.timeIntervalSince1970,
                material.rotationType, material.publicKey,
            ])
    }

    /// Changes a key's state, deletion schedule or policy in one transaction; answers the key as
    /// changed. `change` sees the key as stored now (not as resolved) and may refuse the change.
    ///
    /// - Throws: ``StoreError/notFound`` when the key no longer exists.
    @discardableResult
    public func update(_ id: String, now: Date, _ change: @escaping @Sendable (inout KMSKeyRecord) throws -> Void) async throws -> KMSKeyRecord {
        try await database.write { db in
            guard var key = try Self.key(db, id: id), !key.isDeleted(at: now) else { throw StoreError.notFound }
            try change(&key)
            try db.execute(
                sql: """
                    UPDATE kmsKey SET description = ?, state = ?, deletionDate = ?, pendingWindowInDays = ?, policy = ?, policyPrincipals = ?,
                        rotationEnabled = ?, rotationPeriodInDays = ?, nextRotationDate = ?
                    WHERE id = ?
                    """,
                arguments: [
                    key.description, key.state.rawValue, key.deletionDate?.timeIntervalSince1970, key.pendingWindowInDays, key.policy,
                    Self.encode(key.policyPrincipals), key.rotationEnabled, key.rotationPeriodInDays,
                    key.nextRotationDate?.timeIntervalSince1970, id,
                ])
            return key
        }
    }

    /// Rotates a key on demand: its next material version, made by `material` for that version,
    /// becomes current, and the key's count of on-demand rotations grows; `check` sees the key as
    /// stored now and may refuse. Answers the key as rotated.
    ///
    /// - Throws: ``StoreError/notFound`` when the key no longer exists.
    public func rotateOnDemand(
        _ id: String, now: Date, check: @escaping @Sendable (KMSKeyRecord) throws -> Void,
        material: @escaping @Sendable (_ version: Int) throws -> KMSKeyMaterialRecord
    ) async throws -> KMSKeyRecord {
        try await database.write { db in
            guard var key = try Self.key(db, id: id), !key.isDeleted(at: now) else { throw StoreError.notFound }
            try check(key)
            key.currentVersion += 1
            key.onDemandRotations += 1
            var made = try material(key.currentVersion)
            made.rotationType = "ON_DEMAND"
            try Self.insert(db, made)
            try db.execute(
                sql: "UPDATE kmsKey SET currentVersion = ?, onDemandRotations = ? WHERE id = ?",
                arguments: [key.currentVersion, key.onDemandRotations, id])
            return key
        }
    }

    /// Makes the automatic rotations that are due at `now` — of the keys `ids`, or of every key when
    /// nil: one new material version per key (however many periods passed), its next rotation one
    /// period after the last date that passed. Answers the ids of the keys rotated.
    @discardableResult
    public func rotateDue(
        ids: [String]? = nil, now: Date, material: @escaping @Sendable (_ keyID: String, _ version: Int) throws -> KMSKeyMaterialRecord
    ) async throws -> [String] {
        try await database.write { db in
            let due = try KMSKeyRecord.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM kmsKey WHERE rotationEnabled = 1 AND nextRotationDate <= ?"),
                arguments: [now.timeIntervalSince1970]
            )
            .filter { key in key.rotationIsDue(at: now) && (ids.map { $0.contains(key.id) } ?? true) }
            for var key in due {
                guard let days = key.rotationPeriodInDays, var next = key.nextRotationDate else { continue }
                while next <= now { next = next.addingTimeInterval(Double(days) * 86_400) }
                key.currentVersion += 1
                var made = try material(key.id, key.currentVersion)
                made.rotationType = "AUTOMATIC"
                try Self.insert(db, made)
                try db.execute(
                    sql: "UPDATE kmsKey SET currentVersion = ?, nextRotationDate = ? WHERE id = ?",
                    arguments: [key.currentVersion, next.timeIntervalSince1970, key.id])
            }
            return due.map(\.id)
        }
    }

    /// The material versions a rotation made (all versions when `includingFirst`), oldest first,
    /// from version `after` + 1, at most `limit`.
    public func rotations(keyID: String, includingFirst: Bool, after version: Int, limit: Int) async throws -> [KMSKeyMaterialRecord] {
        try await database.read { db in
            try KMSKeyMaterialRecord.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT * FROM kmsKeyMaterial WHERE keyID = ? AND version > ? AND (? OR rotationType IS NOT NULL)
                        ORDER BY version LIMIT ?
                        """),
                arguments: [keyID, version, includingFirst, limit])
        }
    }

    /// The account's keys in the region, by id, after `marker`, leaving out deleted ones.
    public func keys(accountID: String, region: String, after marker: String?, limit: Int, now: Date) async throws -> [KMSKeyRecord] {
        try await database.read { db in
            try KMSKeyRecord.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT * FROM kmsKey WHERE accountID = ? AND region = ? AND id > ?
                            AND NOT (state = 'PendingDeletion' AND deletionDate <= ?) ORDER BY id LIMIT ?
                        """),
                arguments: [accountID, region, marker ?? "", now.timeIntervalSince1970, limit])
        }
    }

    /// The customer managed keys of every account and region that are not deleted, by account,
    /// region and id (for `bulwark audit`).
    public func customerKeys(now: Date) async throws -> [KMSKeyRecord] {
        try await database.read { db in
            try KMSKeyRecord.fetchAll(db.cachedStatement(sql: "SELECT * FROM kmsKey WHERE keyManager = 'CUSTOMER' ORDER BY accountID, region, id"))
                .filter { !$0.isDeleted(at: now) }
        }
    }

    /// Creates an alias. - Throws: ``StoreError/conflict`` when the name is taken.
    public func createAlias(_ alias: KMSAliasRecord, now: Date) async throws {
        try await database.write { db in
            try Self.purgeDeleted(db, now: now)
            guard try Self.alias(db, accountID: alias.accountID, region: alias.region, name: alias.name) == nil else { throw StoreError.conflict }
            try db.execute(
                sql: "INSERT INTO kmsAlias (accountID, region, name, keyID, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [
                    alias.accountID, alias.region, alias.name, alias.keyID, alias.createdAt.timeIntervalSince1970,
                    alias.updatedAt.timeIntervalSince1970,
                ])
        }
    }

    /// Points an alias at another key. - Throws: ``StoreError/notFound`` when it no longer exists.
    public func retarget(_ alias: KMSAliasRecord, to keyID: String, now: Date) async throws {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE kmsAlias SET keyID = ?, updatedAt = ? WHERE accountID = ? AND region = ? AND name = ?",
                arguments: [keyID, now.timeIntervalSince1970, alias.accountID, alias.region, alias.name])
            guard db.changesCount == 1 else { throw StoreError.notFound }
        }
    }

    public func deleteAlias(_ alias: KMSAliasRecord) async throws {
        try await database.write { db in
            try db.execute(
                sql: "DELETE FROM kmsAlias WHERE accountID = ? AND region = ? AND name = ?",
                arguments: [alias.accountID, alias.region, alias.name])
            guard db.changesCount == 1 else { throw StoreError.notFound }
        }
    }

    /// The account's aliases in the region by name, after `marker`, of one key when `keyID` is set;
    /// aliases of deleted keys are gone with them.
    public func aliases(
        accountID: String, region: String, keyID: String?, after marker: String?, limit: Int, now: Date
    ) async throws
        -> [KMSAliasRecord]
    {
        try await database.read { db in
            try KMSAliasRecord.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT kmsAlias.* FROM kmsAlias JOIN kmsKey ON kmsKey.id = kmsAlias.keyID
                        WHERE kmsAlias.accountID = ? AND kmsAlias.region = ? AND (? IS NULL OR kmsAlias.keyID = ?) AND kmsAlias.name > ?
                            AND NOT (kmsKey.state = 'PendingDeletion' AND kmsKey.deletionDate <= ?)
                        ORDER BY kmsAlias.name LIMIT ?
                        """),
                arguments: [accountID, region, keyID, keyID, marker ?? "", now.timeIntervalSince1970, limit])
        }
    }

    static func key(_ db: Database, id: String) throws -> KMSKeyRecord? {
        try KMSKeyRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM kmsKey WHERE id = ?"), arguments: [id])
    }

    static func material(_ db: Database, keyID: String, version: Int) throws -> KMSKeyMaterialRecord? {
        try KMSKeyMaterialRecord.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM kmsKeyMaterial WHERE keyID = ? AND version = ?"), arguments: [keyID, version])
    }

    static func alias(_ db: Database, accountID: String, region: String, name: String) throws -> KMSAliasRecord? {
        try KMSAliasRecord.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM kmsAlias WHERE accountID = ? AND region = ? AND name = ?"), arguments: [accountID, region, name])
    }

    /// Deletes the keys whose waiting period is over, with their material and aliases: AWS deletes a
    /// key at its deletion date; Bulwark treats it as deleted from then on and purges it at the next write.
    static func purgeDeleted(_ db: Database, now: Date) throws {
        let expired = "SELECT id FROM kmsKey WHERE state = 'PendingDeletion' AND deletionDate <= ?"
        try db.execute(sql: "DELETE FROM kmsAlias WHERE keyID IN (\(expired))", arguments: [now.timeIntervalSince1970])
        try db.execute(sql: "DELETE FROM kmsKeyMaterial WHERE keyID IN (\(expired))", arguments: [now.timeIntervalSince1970])
        try db.execute(sql: "DELETE FROM kmsKey WHERE id IN (\(expired))", arguments: [now.timeIntervalSince1970])
    }

    private static func encode(_ principals: [String: String]?) -> String? {
        principals.map { String(decoding: JSONValue.object($0.mapValues(JSONValue.string)).serialized(), as: UTF8.self) }
    }
}

extension BulwarkDatabase {
    /// KMS keys and aliases.
    public var kms: KMSRepository { KMSRepository(database: self) }
}
