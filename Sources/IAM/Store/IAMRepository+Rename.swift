import Foundation
import GRDB
import Store

extension IAMRepository {
    /// Renames a user or changes its path, carrying along everything that refers to it by name
    /// (group membership, inline policies, attachments, access keys, MFA devices), in one transaction.
    ///
    /// - Throws: ``StoreError/notFound``, or ``StoreError/conflict`` when the new name is taken.
    @discardableResult
    public func renameUser(accountID: String, name: String, newName: String, newPath: String?) async throws -> IAMPrincipalRecord {
        try await database.write { db in
            guard
                var record = try IAMPrincipalRecord.fetchOne(
                    db.cachedStatement(sql: "SELECT * FROM iamPrincipal WHERE accountID = ? AND kind = 'user' AND name = ?"),
                    arguments: [accountID, name]
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
