import Foundation
import GRDB
import IAM
import Store

/// The statements of functions' resource-based policies (AddPermission / RemovePermission).
public struct FunctionPolicyRepository: Sendable {
    let database: BulwarkDatabase

    /// Adds a statement; its Sid must be new for that function and qualifier.
    ///
    /// - Throws: ``StoreError/conflict`` for a Sid in use, ``StoreError/notFound`` for no function,
    ///   or ``FunctionStoreError/revisionMismatch(current:)``.
    /// - Parameter principals: the unique ids of the users and roles the statement names.
    public func add(
        sid: String, statement: String, principals: PrincipalBindings? = nil, to key: FunctionKey, qualifier: String, expectedRevision: String?,
        newRevision: String
    ) async throws {
        try await database.write { db in
            try Self.checkRevision(key, expectedRevision, db)
            let position = try Int.fetchOne(db.cachedStatement(sql: "SELECT COALESCE(MAX(position), 0) + 1 FROM lambdaPolicyStatement")) ?? 1
            try db.execute(
                sql: """
                    INSERT INTO lambdaPolicyStatement (accountID, region, functionName, qualifier, sid, statement, position, principals)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [key.accountID, key.region, key.name, qualifier, sid, statement, position, principals?.encoded]
            )
            try db.execute(
                sql: "UPDATE lambdaFunction SET policyRevision = ? WHERE accountID = ? AND region = ? AND name = ?",
                arguments: [newRevision, key.accountID, key.region, key.name]
            )
        }
    }

    /// - Throws: ``StoreError/notFound`` when there is no such statement.
    public func remove(sid: String, from key: FunctionKey, qualifier: String, expectedRevision: String?, newRevision: String) async throws {
        try await database.write { db in
            try Self.checkRevision(key, expectedRevision, db)
            try db.execute(
                sql: "DELETE FROM lambdaPolicyStatement WHERE accountID = ? AND region = ? AND functionName = ? AND qualifier = ? AND sid = ?",
                arguments: [key.accountID, key.region, key.name, qualifier, sid]
            )
            guard db.changesCount > 0 else { throw StoreError.notFound }
            try db.execute(
                sql: "UPDATE lambdaFunction SET policyRevision = ? WHERE accountID = ? AND region = ? AND name = ?",
                arguments: [newRevision, key.accountID, key.region, key.name]
            )
        }
    }

    /// A function's policy for a qualifier as Lambda returns it (`{"Version":…,"Id":"default",
    /// "Statement":[…]}`, statements in the order they were added) and its revision; nil when the
    /// function has no statements.
    public func policy(of key: FunctionKey, qualifier: String) async throws -> (document: String, revision: String?)? {
        try await database.read { db in try Self.policy(db, of: key, qualifier: qualifier).map { ($0.document, $0.revision) } }
    }

    /// ``policy(of:qualifier:)`` within a read of the caller's, with the unique ids its statements
    /// bound their users and roles to.
    static func policy(
        _ db: Database, of key: FunctionKey, qualifier: String
    ) throws -> (document: String, revision: String?, principals: PrincipalBindings)? {
        let (statements, revision) = try statements(db, of: key, qualifier: qualifier)
        guard !statements.isEmpty else { return nil }
        let document = #"{"Version":"2012-10-17","Id":"default","Statement":["# + statements.map(\.statement).joined(separator: ",") + "]}"
        let principals = statements.reduce(PrincipalBindings()) { bindings, statement in
            bindings.merging(PrincipalBindings(encoded: statement.principals) ?? PrincipalBindings())
        }
        return (document, revision, principals)
    }

    /// The statements (JSON) of a function's policy for a qualifier, in the order they were added, and
    /// the policy's revision.
    public func statements(of key: FunctionKey, qualifier: String) async throws -> (statements: [String], revision: String?) {
        try await database.read { db in
            let (statements, revision) = try Self.statements(db, of: key, qualifier: qualifier)
            return (statements.map(\.statement), revision)
        }
    }

    private static func statements(
        _ db: Database, of key: FunctionKey, qualifier: String
    ) throws -> (statements: [(statement: String, principals: String?)], revision: String?) {
        let statements = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT statement, principals FROM lambdaPolicyStatement
                    WHERE accountID = ? AND region = ? AND functionName = ? AND qualifier = ?
                    ORDER BY position
                    """),
            arguments: [key.accountID, key.region, key.name, qualifier]
        ).map { row -> (statement: String, principals: String?) in (row["statement"], row["principals"]) }
        let revision = try String.fetchOne(
            db.cachedStatement(sql: "SELECT policyRevision FROM lambdaFunction WHERE accountID = ? AND region = ? AND name = ?"),
            arguments: [key.accountID, key.region, key.name]
        )
        return (statements, revision)
    }

    private static func checkRevision(_ key: FunctionKey, _ expected: String?, _ db: Database) throws {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT policyRevision FROM lambdaFunction WHERE accountID = ? AND region = ? AND name = ?"),
                arguments: [key.accountID, key.region, key.name]
            )
        else { throw StoreError.notFound }
        let current: String? = row["policyRevision"]
        if let expected, expected != current { throw FunctionStoreError.revisionMismatch(current: current ?? "") }
    }
}
