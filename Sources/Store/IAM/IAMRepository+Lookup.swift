import Foundation
import GRDB

extension IAMRepository {
    /// The path of a user, group or role, read synchronously.
    ///
    /// Authorization names resources before a handler runs and cannot suspend; IAM's resource ARNs
    /// carry the entity's path (`user/division/name`), so the path is read here, in one short query.
    public func pathNow(_ kind: IAMPrincipalKind, accountID: String, name: String) throws -> String? {
        try StoreError.wrapNow {
            try pool.read { db in
                try String.fetchOne(
                    db, sql: "SELECT path FROM iamPrincipal WHERE accountID = ? AND kind = ? AND name = ?",
                    arguments: [accountID, kind.rawValue, name]
                )
            }
        }
    }

    /// The permissions boundary a user or role has now, read synchronously (see
    /// ``pathNow(_:accountID:name:)``): it is the `iam:PermissionsBoundary` of the calls that change
    /// the entity's permissions.
    public func permissionsBoundaryNow(_ kind: IAMPrincipalKind, accountID: String, name: String) throws -> String? {
        try StoreError.wrapNow {
            try pool.read { db in
                try String.fetchOne(
                    db, sql: "SELECT permissionsBoundary FROM iamPrincipal WHERE accountID = ? AND kind = ? AND name = ?",
                    arguments: [accountID, kind.rawValue, name]
                )
            }
        }
    }

    /// The user owning a long-term access key, read synchronously (see ``pathNow(_:accountID:name:)``).
    ///
    /// - Returns: nil for an unknown key; `.some(nil)` for a key of the account root.
    public func accessKeyOwnerNow(_ accessKeyID: String) throws -> (accountID: String, userName: String?)? {
        try StoreError.wrapNow {
            try pool.read { db in
                try Row.fetchOne(db, sql: "SELECT accountID, userName FROM accessKey WHERE accessKeyID = ?", arguments: [accessKeyID])
                    .map { ($0["accountID"], $0["userName"]) }
            }
        }
    }

    /// Renames a user or changes its path, carrying along everything that refers to it by name
    /// (group membership, inline policies, attachments, access keys, MFA devices), in one transaction.
    ///
    /// - Throws: ``StoreError/notFound``, or ``StoreError/conflict`` when the new name is taken.
    @discardableResult
    public func renameUser(accountID: String, name: String, newName: String, newPath: String?) async throws -> IAMPrincipalRecord {
        try await StoreError.wrap {
            try await pool.write { db in
                guard
                    var record = try IAMPrincipalRecord.fetchOne(
                        db, sql: "SELECT * FROM iamPrincipal WHERE accountID = ? AND kind = 'user' AND name = ?", arguments: [accountID, name]
                    )
                else { throw StoreError.notFound }
                try db.execute(
                    sql: "UPDATE iamPrincipal SET name = ?, path = ? WHERE accountID = ? AND kind = 'user' AND name = ?",
                    arguments: [newName, newPath ?? record.path, accountID, name]
                )
                try db.execute(
                    sql: "UPDATE iamGroupMember SET userName = ? WHERE accountID = ? AND userName = ?", arguments: [newName, accountID, name])
                for table in ["iamInlinePolicy", "iamAttachment"] {
                    try db.execute(
                        sql: "UPDATE \(table) SET principalName = ? WHERE accountID = ? AND principalKind = 'user' AND principalName = ?",
                        arguments: [newName, accountID, name]
                    )
                }
                for table in ["accessKey", "iamMFADevice"] {
                    try db.execute(
                        sql: "UPDATE \(table) SET userName = ? WHERE accountID = ? AND userName = ?", arguments: [newName, accountID, name])
                }
                record.name = newName
                if let newPath { record.path = newPath }
                return record
            }
        }
    }
}

extension StoreError {
    /// ``wrap(_:)`` for synchronous reads.
    static func wrapNow<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw StoreError.unavailable(error.description)
        }
    }
}
