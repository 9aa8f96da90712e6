import GRDB

/// Tags of resources, keyed by resource ARN.
public struct TagRepository: Sendable {
    let database: BulwarkDatabase

    public func tags(of resource: String) async throws -> [String: String] {
        try await database.read { db in try Self.tags(db, of: resource) }
    }

    /// ``tags(of:)`` within a read of the caller's.
    public static func tags(_ db: Database, of resource: String) throws -> [String: String] {
        let rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT key, value FROM resourceTag WHERE resourceARN = ?"), arguments: [resource])
        return Dictionary(rows.map { ($0["key"], $0["value"]) }, uniquingKeysWith: { _, last in last })
    }

    /// Adds or overwrites tags, refusing (by throwing what `check` throws) when the result breaks a limit.
    public func merge(
        _ tags: [String: String], into resource: String, check: @escaping @Sendable ([String: String]) throws -> Void
    ) async throws {
        try await database.write { db in
            let rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT key, value FROM resourceTag WHERE resourceARN = ?"), arguments: [resource])
            var merged: [String: String] = Dictionary(rows.map { ($0["key"], $0["value"]) }, uniquingKeysWith: { _, last in last })
            merged.merge(tags) { _, new in new }
            try check(merged)
            try Self.replace(db, resource: resource, tags: merged)
        }
    }

    public func remove(_ keys: [String], from resource: String) async throws {
        try await database.write { db in
            for key in keys {
                try db.execute(sql: "DELETE FROM resourceTag WHERE resourceARN = ? AND key = ?", arguments: [resource, key])
            }
        }
    }

    /// Replaces the tags of `resource` within a transaction of the caller's (creating or deleting the resource).
    public static func replace(_ db: Database, resource: String, tags: [String: String]) throws {
        try db.execute(sql: "DELETE FROM resourceTag WHERE resourceARN = ?", arguments: [resource])
        for (key, value) in tags {
            try db.execute(sql: "INSERT INTO resourceTag (resourceARN, key, value) VALUES (?, ?, ?)", arguments: [resource, key, value])
        }
    }
}
