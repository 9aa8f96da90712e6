import Foundation
import GRDB
import Store

/// Service-linked roles: created with their service's policy attached, deleted with everything
/// attached to them, each deletion kept as a task the caller may ask about.
public struct ServiceLinkedRoleRepository: Sendable {
    let database: BulwarkDatabase

    /// A deletion task: `task/aws-service-role/<service principal>/<role>/<uuid>`.
    public struct DeletionTask: Sendable, Equatable, FetchableRecord {
        public var taskID: String
        public var accountID: String
        public var roleARN: String
        /// `SUCCEEDED`, `IN_PROGRESS`, `FAILED` or `NOT_STARTED`.
        public var status: String
        public var createdAt: Date

        public init(taskID: String, accountID: String, roleARN: String, status: String, createdAt: Date) {
            self.taskID = taskID
            self.accountID = accountID
            self.roleARN = roleARN
            self.status = status
            self.createdAt = createdAt
        }

        public init(row: Row) throws {
            self.init(
                taskID: row["taskID"], accountID: row["accountID"], roleARN: row["roleARN"], status: row["status"], createdAt: row["createdAt"])
        }
    }

    /// Creates the role and attaches its service's policy, in one transaction.
    ///
    /// - Throws: ``StoreError/conflict`` when a role of that name (case-insensitive) exists.
    public func create(_ role: IAMPrincipalRecord, policyARN: String) async throws {
        try await database.write { db in
            try IAMRepository.insert(role, db)
            try db.execute(
                sql: "INSERT INTO iamAttachment (accountID, principalKind, principalName, policyARN) VALUES (?, ?, ?, ?)",
                arguments: [role.accountID, IAMPrincipalKind.role.rawValue, role.name, policyARN])
        }
    }

    /// Deletes a service-linked role with its attachments and inline policies, and records the task.
    ///
    /// - Throws: ``StoreError/notFound`` when the role is gone.
    public func delete(_ role: IAMPrincipalRecord, task: DeletionTask) async throws {
        try await database.write { db in
            let arguments: StatementArguments = [role.accountID, IAMPrincipalKind.role.rawValue, role.name]
            try db.execute(
                sql: "DELETE FROM iamPrincipal WHERE accountID = ? AND kind = ? AND name = ? AND linkedService IS NOT NULL", arguments: arguments)
            guard db.changesCount > 0 else { throw StoreError.notFound }
            try db.execute(sql: "DELETE FROM iamAttachment WHERE accountID = ? AND principalKind = ? AND principalName = ?", arguments: arguments)
            try db.execute(
                sql: "DELETE FROM iamInlinePolicy WHERE accountID = ? AND principalKind = ? AND principalName = ?", arguments: arguments)
            try db.execute(
                sql: "INSERT INTO iamServiceLinkedRoleDeletion (taskID, accountID, roleARN, status, createdAt) VALUES (?, ?, ?, ?, ?)",
                arguments: [task.taskID, task.accountID, task.roleARN, task.status, task.createdAt])
        }
    }

    /// The deletion task of that id in the account.
    public func task(id: String, accountID: String) async throws -> DeletionTask? {
        try await database.read { db in
            try DeletionTask.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM iamServiceLinkedRoleDeletion WHERE taskID = ? AND accountID = ?"), arguments: [id, accountID])
        }
    }
}
