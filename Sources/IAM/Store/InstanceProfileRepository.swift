import Foundation
import GRDB
import Store

/// Instance profiles and the role each holds.
public struct InstanceProfileRepository: Sendable {
    let database: BulwarkDatabase

    /// - Throws: ``StoreError/conflict`` when one of that name (case-insensitive) exists.
    public func create(_ record: InstanceProfileRecord) async throws {
        try await database.write { db in
            if try Self.profile(db, accountID: record.accountID, name: record.name) != nil { throw StoreError.conflict }
            try db.execute(
                sql: """
                    INSERT INTO iamInstanceProfile (accountID, name, uniqueID, path, createdAt, roleID, tags)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    record.accountID, record.name, record.uniqueID, record.path, record.createdAt, record.roleID,
                    IAMTagCoding.encode(record.tags),
                ]
            )
        }
    }

    /// The profile of that name, which IAM matches case-insensitively, within a read of the caller's.
    static func profile(_ db: Database, accountID: String, name: String) throws -> InstanceProfileRecord? {
        try InstanceProfileRecord.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM iamInstanceProfile WHERE accountID = ? AND name = ?"), arguments: [accountID, name])
    }

    /// The account's profiles under `pathPrefix`, in name order.
    public func profiles(accountID: String, pathPrefix: String, limit: Int) async throws -> [InstanceProfileRecord] {
        try await database.read { db in
            try InstanceProfileRecord.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT * FROM iamInstanceProfile WHERE accountID = ? AND path LIKE ? ESCAPE '\\'
                        ORDER BY name COLLATE NOCASE LIMIT ?
                        """),
                arguments: [accountID, IAMRepository.likePrefix(pathPrefix), limit]
            )
        }
    }

    /// The profiles that hold the role whose unique id is `roleID`.
    public func profiles(holdingRole roleID: String) async throws -> [InstanceProfileRecord] {
        try await database.read { db in
            try InstanceProfileRecord.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM iamInstanceProfile WHERE roleID = ? ORDER BY name COLLATE NOCASE"), arguments: [roleID])
        }
    }

    /// The role a profile holds, if any.
    public func role(of profile: InstanceProfileRecord) async throws -> IAMPrincipalRecord? {
        guard let roleID = profile.roleID else { return nil }
        return try await database.read { db in try IAMRepository.principal(db, .role, uniqueID: roleID) }
    }

    /// Changes a profile in one transaction; `change` may throw to abort.
    ///
    /// - Throws: ``StoreError/notFound``.
    public func update(
        accountID: String, name: String, _ change: @escaping @Sendable (inout InstanceProfileRecord) throws -> Void
    ) async throws {
        try await database.write { db in
            guard var record = try Self.profile(db, accountID: accountID, name: name) else { throw StoreError.notFound }
            try change(&record)
            try db.execute(
                sql: "UPDATE iamInstanceProfile SET roleID = ?, tags = ? WHERE accountID = ? AND uniqueID = ?",
                arguments: [record.roleID, IAMTagCoding.encode(record.tags), accountID, record.uniqueID]
            )
        }
    }

    /// Deletes a profile that holds no role.
    ///
    /// - Throws: ``StoreError/notFound``, or ``IAMStoreError/hasDependents(_:)`` while it holds a role.
    public func delete(accountID: String, name: String) async throws {
        try await database.write { db in
            guard let record = try Self.profile(db, accountID: accountID, name: name) else { throw StoreError.notFound }
            if record.roleID != nil { throw IAMStoreError.hasDependents("roles") }
            try db.execute(sql: "DELETE FROM iamInstanceProfile WHERE uniqueID = ?", arguments: [record.uniqueID])
        }
    }
}
