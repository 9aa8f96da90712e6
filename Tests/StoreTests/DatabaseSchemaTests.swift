import Foundation
import GRDB
import Store
import Testing

/// Each module's schema migrates under its own namespace, after the released baseline, once.
@Suite("The schema registry")
struct DatabaseSchemaTests {
    static let notes = DatabaseSchema(
        namespace: "notes",
        migrations: [
            .init("v1-table") { db in try db.execute(sql: "CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT NOT NULL)") },
            .init("v2-column") { db in try db.execute(sql: "ALTER TABLE note ADD COLUMN author TEXT") },
        ]
    )

    @Test func aModuleSchemaMigratesUnderItsNamespaceAfterTheBaselineAndOnlyOnce() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-schema-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try BulwarkDatabase(directory: directory, schemas: [Self.notes])
        let applied = try await database.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
        #expect(applied == ["v1-accounts-and-lambda", "v2-invocation", "v3-iam", "notes.v1-table", "notes.v2-column"])
        try await database.write { db in try db.execute(sql: "INSERT INTO note (text, author) VALUES ('a', 'b')") }

        // Reopening runs nothing again: the note and the migrations table are as they were.
        let reopened = try BulwarkDatabase(directory: directory, schemas: [Self.notes])
        #expect(try await reopened.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM note") } == 1)
        #expect(try await reopened.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM grdb_migrations") } == 5)
    }

    @Test func readTransactionsAreCounted() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-schema-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try BulwarkDatabase(directory: directory, schemas: [])
        let before = database.readTransactionCount
        _ = try await database.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
        _ = try await database.tags.tags(of: "arn:aws:lambda:us-east-1:123456789012:function:f")
        #expect(database.readTransactionCount - before == 2)
    }
}
