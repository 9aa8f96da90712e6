import BulwarkCore
import Foundation
import GRDB
import Store

extension KMSRepository {
    /// A key and the wrapped material a service's encryption uses: the key `id` (or, for an alias,
    /// the key it points at) as stored, and its current material or the `version` asked for.
    public struct KeyInUse: Sendable {
        public let key: KMSKeyRecord
        public let material: KMSKeyMaterialRecord?
    }

    /// The key an alias of the account and region points at, with its current material; nil when
    /// there is no such alias or its key is deleted.
    public func keyInUse(accountID: String, region: String, alias: String, now: Date) async throws -> KeyInUse? {
        try await database.read { db in
            guard let found = try Self.alias(db, accountID: accountID, region: region, name: alias) else { return nil }
            return try Self.keyInUse(db, id: found.keyID, accountID: accountID, region: region, version: nil, now: now)
        }
    }

    /// The key `id` of the account and region with the material `version` (its current one when
    /// nil); nil when there is no such key or it is deleted.
    public func keyInUse(id: String, accountID: String, region: String, version: Int?, now: Date) async throws -> KeyInUse? {
        try await database.read { db in try Self.keyInUse(db, id: id, accountID: accountID, region: region, version: version, now: now) }
    }

    /// Creates an AWS managed key with its alias, unless the alias exists already (another request
    /// created it first); answers the key the alias points at.
    public func createManagedKey(_ key: KMSKeyRecord, material: KMSKeyMaterialRecord, alias: String, now: Date) async throws -> KeyInUse? {
        try await database.write { db in
            if let existing = try Self.alias(db, accountID: key.accountID, region: key.region, name: alias) {
                return try Self.keyInUse(db, id: existing.keyID, accountID: key.accountID, region: key.region, version: nil, now: now)
            }
            try Self.purgeDeleted(db, now: now)
            try Self.insert(db, key, material: material)
            try db.execute(
                sql: "INSERT INTO kmsAlias (accountID, region, name, keyID, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [key.accountID, key.region, alias, key.id, now.timeIntervalSince1970, now.timeIntervalSince1970])
            return KeyInUse(key: key, material: material)
        }
    }

    private static func keyInUse(_ db: Database, id: String, accountID: String, region: String, version: Int?, now: Date) throws -> KeyInUse? {
        guard let key = try Self.key(db, id: id), key.accountID == accountID, key.region == region, !key.isDeleted(at: now) else { return nil }
        return KeyInUse(key: key, material: try Self.material(db, keyID: key.id, version: version ?? key.currentVersion))
    }
}
