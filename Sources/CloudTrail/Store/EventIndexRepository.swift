import BulwarkCore
import Foundation
import GRDB
import Store

/// The index of the audit trail's events (decision 0040): written by ``EventIndexer``, read by
/// LookupEvents and by delivery.
public struct EventIndexRepository: Sendable {
    let database: BulwarkDatabase

    /// What LookupEvents filters on: one lookup attribute, as AWS allows one per call.
    enum Attribute: Sendable, Equatable {
        case eventID(String)
        case eventName(String)
        case readOnly(Bool)
        case username(String)
        case resourceType(String)
        case resourceName(String)
        case eventSource(String)
        case accessKeyID(String)
    }

    /// A page of an account's events, newest first.
    struct Query: Sendable {
        var accountID: String
        /// Milliseconds since 1970, inclusive.
        var start: Int64
        var end: Int64
        var attribute: Attribute?
        var managementOnly: Bool
        /// The last event of the previous page (its time and row), when this is a later page.
        var after: (time: Int64, row: Int64)?
        var limit: Int
    }

    /// One indexed event as read back.
    struct Stored: Sendable {
        var row: Int64
        var event: IndexedEvent
    }

    static func insert(_ db: Database, _ event: IndexedEvent) throws {
        try db.execute(
            sql: """
                INSERT INTO cloudtrailEvent (accountID, region, eventTime, eventID, eventName, eventSource, readOnly, managementEvent,
                    username, accessKeyID, record)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                event.accountID, event.region, event.eventTime, event.eventID, event.eventName, event.eventSource, event.readOnly,
                event.managementEvent, event.username, event.accessKeyID, event.record,
            ])
        let row = db.lastInsertedRowID
        for resource in event.resources {
            try db.execute(
                sql: "INSERT INTO cloudtrailEventResource (eventRowID, type, name, arn) VALUES (?, ?, ?, ?)",
                arguments: [row, resource.type, resource.name, resource.arn])
        }
    }

    static func purge(_ db: Database, before time: Int64) throws {
        try db.execute(sql: "DELETE FROM cloudtrailEvent WHERE eventTime < ?", arguments: [time])
    }

    /// At most `limit` + 1 events of the query (the extra one tells whether there are more).
    func events(_ query: Query) async throws -> [Stored] {
        try await database.read { db in
            var sql = "SELECT e.* FROM cloudtrailEvent e WHERE e.accountID = ? AND e.eventTime >= ? AND e.eventTime <= ?"
            var arguments: StatementArguments = [query.accountID, query.start, query.end]
            if query.managementOnly { sql += " AND e.managementEvent = 1" }
            switch query.attribute {
            case nil: break
            case .eventID(let value): Self.require("e.eventID", value, &sql, &arguments)
            case .eventName(let value): Self.require("e.eventName", value, &sql, &arguments)
            case .readOnly(let value):
                sql += " AND e.readOnly = ?"
                arguments += [value]
            case .username(let value): Self.require("e.username", value, &sql, &arguments)
            case .eventSource(let value): Self.require("e.eventSource", value, &sql, &arguments)
            case .accessKeyID(let value): Self.require("e.accessKeyID", value, &sql, &arguments)
            case .resourceType(let value):
                sql += " AND EXISTS (SELECT 1 FROM cloudtrailEventResource r WHERE r.eventRowID = e.id AND r.type = ?)"
                arguments += [value]
            case .resourceName(let value):
                sql += " AND EXISTS (SELECT 1 FROM cloudtrailEventResource r WHERE r.eventRowID = e.id AND (r.name = ? OR r.arn = ?))"
                arguments += [value, value]
            }
            if let after = query.after {
                sql += " AND (e.eventTime < ? OR (e.eventTime = ? AND e.id < ?))"
                arguments += [after.time, after.time, after.row]
            }
            sql += " ORDER BY e.eventTime DESC, e.id DESC LIMIT ?"
            arguments += [query.limit + 1]
            let rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
            return try rows.map { row in Stored(row: row["id"], event: try Self.event(db, row)) }
        }
    }

    /// The events after row `after` (in index order) of accounts `accountID`, at most `limit`.
    func events(accountID: String, afterRow after: Int64, limit: Int) async throws -> [Stored] {
        try await database.read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM cloudtrailEvent WHERE accountID = ? AND id > ? ORDER BY id LIMIT ?",
                arguments: [accountID, after, limit])
            return try rows.map { row in Stored(row: row["id"], event: try Self.event(db, row)) }
        }
    }

    /// The newest row of the index (0 when empty): where a trail that starts logging now begins.
    /// How many of the account's events come after `row`.
    func count(accountID: String, afterRow row: Int64) async throws -> Int {
        try await database.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM cloudtrailEvent WHERE accountID = ? AND id > ?", arguments: [accountID, row]) ?? 0
        }
    }

    func lastRow() async throws -> Int64 {
        try await database.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM cloudtrailEvent") ?? 0 }
    }

    private static func require(_ column: String, _ value: String, _ sql: inout String, _ arguments: inout StatementArguments) {
        sql += " AND \(column) = ?"
        arguments += [value]
    }

    private static func event(_ db: Database, _ row: Row) throws -> IndexedEvent {
        let id: Int64 = row["id"]
        let resources = try Row.fetchAll(
            db, sql: "SELECT type, name, arn FROM cloudtrailEventResource WHERE eventRowID = ? ORDER BY rowid", arguments: [id]
        ).map { IndexedEvent.Resource(type: $0["type"], name: $0["name"], arn: $0["arn"]) }
        return IndexedEvent(
            accountID: row["accountID"], region: row["region"], eventTime: row["eventTime"], eventID: row["eventID"],
            eventName: row["eventName"], eventSource: row["eventSource"], readOnly: row["readOnly"], managementEvent: row["managementEvent"],
            username: row["username"], accessKeyID: row["accessKeyID"], resources: resources, record: row["record"])
    }
}

extension BulwarkDatabase {
    /// The index of the audit trail's events.
    public var cloudTrailEvents: EventIndexRepository { EventIndexRepository(database: self) }
}
