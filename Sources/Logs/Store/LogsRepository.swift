import BulwarkCore
import Foundation
import GRDB
import Store

/// Log groups, streams and their events (decision 0035).
public struct LogsRepository: Sendable {
    let database: BulwarkDatabase

    // MARK: Groups

    static func group(_ db: Database, accountID: String, region: String, name: String) throws -> LogGroupRecord? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM logsGroup WHERE accountID = ? AND region = ? AND name = ?"),
            arguments: [accountID, region, name]
        ).map(LogGroupRecord.init(row:))
    }

    /// Stores a new group with its tags. - Throws: ``StoreError/conflict`` when the name is taken.
    func createGroup(accountID: String, region: String, name: String, tags: [String: String], now: Int64) async throws {
        try await database.write { db in
            guard try Self.group(db, accountID: accountID, region: region, name: name) == nil else { throw StoreError.conflict }
            try Self.insertGroup(db, accountID: accountID, region: region, name: name, now: now)
            if !tags.isEmpty {
                try TagRepository.replace(db, resource: LogGroupRecord.arn(accountID: accountID, region: region, name: name), tags: tags)
            }
        }
    }

    /// Stores a new group with no tags: whatever tags its ARN held before (a tag write that raced
    /// the deletion of an earlier group of that name) go with it.
    @discardableResult
    private static func insertGroup(_ db: Database, accountID: String, region: String, name: String, now: Int64) throws -> Int64 {
        try db.execute(
            sql: "INSERT INTO logsGroup (accountID, region, name, createdAt) VALUES (?, ?, ?, ?)", arguments: [accountID, region, name, now])
        let id = db.lastInsertedRowID
        try TagRepository.replace(db, resource: LogGroupRecord.arn(accountID: accountID, region: region, name: name), tags: [:])
        return id
    }

    /// Adds `tags` to the group's, when the result passes `check`, in a transaction that finds the
    /// group still there (the one resolved, not a group created since under its name), so that tags
    /// never outlive their group. - Throws: ``StoreError/notFound`` when it is gone.
    func mergeTags(
        _ tags: [String: String], into group: LogGroupRecord, check: @escaping @Sendable ([String: String]) throws -> Void
    ) async throws {
        try await database.write { db in
            try Self.requireGroup(db, group)
            var merged = try TagRepository.tags(db, of: group.arn)
            merged.merge(tags) { _, new in new }
            try check(merged)
            try TagRepository.replace(db, resource: group.arn, tags: merged)
        }
    }

    /// Removes the tags of `keys` from the group's, when it is still there.
    /// - Throws: ``StoreError/notFound`` when it is gone.
    func removeTags(_ keys: [String], from group: LogGroupRecord) async throws {
        try await database.write { db in
            try Self.requireGroup(db, group)
            var tags = try TagRepository.tags(db, of: group.arn)
            for key in keys { tags[key] = nil }
            try TagRepository.replace(db, resource: group.arn, tags: tags)
        }
    }

    private static func requireGroup(_ db: Database, _ group: LogGroupRecord) throws {
        guard try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM logsGroup WHERE id = ?"), arguments: [group.id]) != nil else {
            throw StoreError.notFound
        }
    }

    /// Deletes a group, its streams, events and tags. - Throws: ``StoreError/notFound`` when it is gone.
    func deleteGroup(_ group: LogGroupRecord) async throws {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM logsGroup WHERE id = ?", arguments: [group.id])
            guard db.changesCount > 0 else { throw StoreError.notFound }
            try TagRepository.replace(db, resource: group.arn, tags: [:])
        }
    }

    /// The account's groups in the region, by name, after `afterName`, at most `limit` + 1 (the
    /// extra one tells whether there are more).
    func groups(
        accountID: String, region: String, prefix: String?, pattern: String?, afterName: String?, limit: Int
    ) async throws
        -> [(LogGroupRecord, Int64)]
    {
        try await database.read { db in
            var sql = """
                SELECT g.*, (SELECT COALESCE(SUM(s.storedBytes), 0) FROM logsStream s WHERE s.groupID = g.id) AS storedBytes
                FROM logsGroup g WHERE g.accountID = ? AND g.region = ?
                """
            var arguments: StatementArguments = [accountID, region]
            if let afterName {
                sql += " AND g.name > ?"
                arguments += [afterName]
            }
            // Prefix and substring matches are case-sensitive, as AWS's are (instr, not LIKE).
            if let prefix { Self.requirePrefix(prefix, of: "g.name", &sql, &arguments) }
            if let pattern, !pattern.isEmpty {
                sql += " AND instr(g.name, ?) > 0"
                arguments += [pattern]
            }
            sql += " ORDER BY g.name LIMIT ?"
            arguments += [limit + 1]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { (LogGroupRecord(row: $0), $0["storedBytes"] as Int64) }
        }
    }

    /// Sets or removes the retention, and applies it at once.
    func setRetention(_ group: LogGroupRecord, days: Int?, now: Int64) async throws {
        try await database.write { db in
            try db.execute(sql: "UPDATE logsGroup SET retentionInDays = ? WHERE id = ?", arguments: [days, group.id])
            guard db.changesCount > 0 else { throw StoreError.notFound }
            if let days { try Self.purge(db, groupID: group.id, before: now - Int64(days) * 86_400_000) }
        }
    }

    /// Deletes the events every group's retention has expired at `now`; answers how many went.
    @discardableResult
    public func purgeExpired(now: Int64) async throws -> Int {
        try await database.write { db in
            let groups = try Row.fetchAll(db, sql: "SELECT id, retentionInDays FROM logsGroup WHERE retentionInDays IS NOT NULL")
            var removed = 0
            for group in groups {
                let days: Int64 = group["retentionInDays"]
                removed += try Self.purge(db, groupID: group["id"], before: now - days * 86_400_000)
            }
            return removed
        }
    }

    /// Deletes a group's events older than `before` and recounts the streams that lost some.
    @discardableResult
    private static func purge(_ db: Database, groupID: Int64, before: Int64) throws -> Int {
        let streams = try Int64.fetchAll(
            db, sql: "SELECT DISTINCT e.streamID FROM logsEvent e JOIN logsStream s ON s.id = e.streamID WHERE s.groupID = ? AND e.timestamp < ?",
            arguments: [groupID, before])
        guard !streams.isEmpty else { return 0 }
        var removed = 0
        for stream in streams {
            try db.execute(sql: "DELETE FROM logsEvent WHERE streamID = ? AND timestamp < ?", arguments: [stream, before])
            removed += db.changesCount
            try db.execute(
                sql: """
                    UPDATE logsStream SET
                        firstEventAt = (SELECT MIN(timestamp) FROM logsEvent WHERE streamID = ?1),
                        lastEventAt = (SELECT MAX(timestamp) FROM logsEvent WHERE streamID = ?1),
                        storedBytes = (SELECT COALESCE(SUM(length(CAST(message AS BLOB))), 0) FROM logsEvent WHERE streamID = ?1)
                    WHERE id = ?1
                    """, arguments: [stream])
        }
        return removed
    }

    // MARK: Streams

    static func stream(_ db: Database, groupID: Int64, name: String) throws -> LogStreamRecord? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM logsStream WHERE groupID = ? AND name = ?"), arguments: [groupID, name])
            .map(LogStreamRecord.init(row:))
    }

    /// - Throws: ``StoreError/conflict`` when the name is taken, ``StoreError/notFound`` when the group is gone.
    func createStream(groupID: Int64, name: String, now: Int64) async throws {
        try await database.write { db in
            guard try Int64.fetchOne(db, sql: "SELECT id FROM logsGroup WHERE id = ?", arguments: [groupID]) != nil else {
                throw StoreError.notFound
            }
            guard try Self.stream(db, groupID: groupID, name: name) == nil else { throw StoreError.conflict }
            try Self.insertStream(db, groupID: groupID, name: name, now: now)
        }
    }

    @discardableResult
    private static func insertStream(_ db: Database, groupID: Int64, name: String, now: Int64) throws -> Int64 {
        try db.execute(sql: "INSERT INTO logsStream (groupID, name, createdAt) VALUES (?, ?, ?)", arguments: [groupID, name, now])
        return db.lastInsertedRowID
    }

    func deleteStream(_ stream: LogStreamRecord) async throws {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM logsStream WHERE id = ?", arguments: [stream.id])
            guard db.changesCount > 0 else { throw StoreError.notFound }
        }
    }

    /// A group's streams in the order asked, from `offset`, at most `limit` + 1.
    func streams(
        groupID: Int64, prefix: String?, byLastEvent: Bool, descending: Bool, offset: Int, limit: Int
    ) async throws
        -> [LogStreamRecord]
    {
        try await database.read { db in
            var sql = "SELECT * FROM logsStream WHERE groupID = ?"
            var arguments: StatementArguments = [groupID]
            if let prefix { Self.requirePrefix(prefix, of: "name", &sql, &arguments) }
            let direction = descending ? "DESC" : "ASC"
            sql += byLastEvent ? " ORDER BY COALESCE(lastEventAt, 0) \(direction), name \(direction)" : " ORDER BY name \(direction)"
            sql += " LIMIT ? OFFSET ?"
            arguments += [limit + 1, offset]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(LogStreamRecord.init(row:))
        }
    }

    // MARK: Events

    /// Appends events to a stream (in the order given) and maintains its figures.
    func append(streamID: Int64, events: [FunctionLogEvent], ingestionTime: Int64) async throws {
        try await database.write { db in
            guard try Int64.fetchOne(db, sql: "SELECT id FROM logsStream WHERE id = ?", arguments: [streamID]) != nil else {
                throw StoreError.notFound
            }
            try Self.insert(db, streamID: streamID, events: events, ingestionTime: ingestionTime)
        }
    }

    private static func insert(_ db: Database, streamID: Int64, events: [FunctionLogEvent], ingestionTime: Int64) throws {
        guard !events.isEmpty else { return }
        let statement = try db.cachedStatement(sql: "INSERT INTO logsEvent (streamID, timestamp, ingestionTime, message) VALUES (?, ?, ?, ?)")
        var bytes: Int64 = 0
        var first = Int64.max
        var last = Int64.min
        for event in events {
            try statement.execute(arguments: [streamID, event.timestamp, ingestionTime, event.message])
            bytes += Int64(event.message.utf8.count)
            first = min(first, event.timestamp)
            last = max(last, event.timestamp)
        }
        try db.execute(
            sql: """
                UPDATE logsStream SET
                    firstEventAt = MIN(COALESCE(firstEventAt, ?1), ?1), lastEventAt = MAX(COALESCE(lastEventAt, ?2), ?2),
                    lastIngestionAt = ?3, storedBytes = storedBytes + ?4
                WHERE id = ?5
                """, arguments: [first, last, ingestionTime, bytes, streamID])
    }

    /// Stores what functions wrote: each batch's group and stream are created when missing, as
    /// Lambda's platform creates them; a batch whose role may not create its missing group is
    /// dropped, as Lambda's platform does not deliver it.
    public func ingest(_ batches: [FunctionLogBatch], ingestionTime: Int64) async throws {
        try await database.write { db in
            var groups: [String: Int64] = [:]
            var streams: [String: Int64] = [:]
            for batch in batches {
                let groupKey = "\(batch.accountID)\u{0}\(batch.region)\u{0}\(batch.group)"
                let groupID: Int64
                if let known = groups[groupKey] {
                    groupID = known
                } else if let found = try Self.group(db, accountID: batch.accountID, region: batch.region, name: batch.group) {
                    groupID = found.id
                } else if !batch.createsGroup {
                    continue
                } else {
                    groupID = try Self.insertGroup(db, accountID: batch.accountID, region: batch.region, name: batch.group, now: ingestionTime)
                }
                groups[groupKey] = groupID
                let streamKey = "\(groupID)\u{0}\(batch.stream)"
                let streamID: Int64
                if let known = streams[streamKey] {
                    streamID = known
                } else if let found = try Self.stream(db, groupID: groupID, name: batch.stream) {
                    streamID = found.id
                } else {
                    streamID = try Self.insertStream(db, groupID: groupID, name: batch.stream, now: ingestionTime)
                }
                streams[streamKey] = streamID
                try Self.insert(db, streamID: streamID, events: batch.events, ingestionTime: ingestionTime)
            }
        }
    }

    /// Restricts `column` to names starting with `prefix` (case-sensitive, as AWS's matches are; an
    /// empty prefix restricts nothing). SQLite's `substr` counts characters, not bytes.
    private static func requirePrefix(_ prefix: String, of column: String, _ sql: inout String, _ arguments: inout StatementArguments) {
        guard !prefix.isEmpty else { return }
        sql += " AND substr(\(column), 1, ?) = ?"
        arguments += [prefix.unicodeScalars.count, prefix]
    }

    /// Restricts events (`e`) to `[max(start, oldest), end)` and to those strictly after `after`.
    private static func requireWindow(
        start: Int64?, end: Int64?, oldest: Int64?, after: LogPosition?, _ sql: inout String, _ arguments: inout StatementArguments
    ) {
        if let lower = [start, oldest].compactMap({ $0 }).max() {
            sql += " AND e.timestamp >= ?"
            arguments += [lower]
        }
        if let end {
            sql += " AND e.timestamp < ?"
            arguments += [end]
        }
        if let after {
            sql += " AND (e.timestamp > ? OR (e.timestamp = ? AND e.id > ?))"
            arguments += [after.timestamp, after.timestamp, after.eventID]
        }
    }

    /// A stream's events in `[start, end)` strictly after `after` (ascending, the first `limit`) or
    /// strictly before `before` (the last `limit`, answered ascending); events older than `oldest`
    /// are expired and not answered. At most `maxBytes` of events (each its message's UTF-8 bytes
    /// plus `overhead`): the rows are read one at a time and the read stops there, each row's size
    /// judged before its message is copied out, so no more than the answer is ever loaded.
    func events(
        streamID: Int64, start: Int64?, end: Int64?, after: LogPosition?, before: LogPosition?, fromHead: Bool, oldest: Int64?, limit: Int,
        maxBytes: Int, overhead: Int
    ) async throws -> [LogEventRecord] {
        try await database.read { db in
            var sql = "SELECT e.*, '' AS streamName, length(CAST(e.message AS BLOB)) AS messageBytes FROM logsEvent e WHERE e.streamID = ?"
            var arguments: StatementArguments = [streamID]
            Self.requireWindow(start: start, end: end, oldest: oldest, after: after, &sql, &arguments)
            if let before {
                sql += " AND (e.timestamp < ? OR (e.timestamp = ? AND e.id < ?))"
                arguments += [before.timestamp, before.timestamp, before.eventID]
            }
            let ascending = fromHead && before == nil
            sql += ascending ? " ORDER BY e.timestamp, e.id LIMIT ?" : " ORDER BY e.timestamp DESC, e.id DESC LIMIT ?"
            arguments += [limit]
            var rows: [LogEventRecord] = []
            var size = 0
            let cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try cursor.next() {
                size += (row["messageBytes"] as Int) + overhead
                if size > maxBytes { break }
                rows.append(LogEventRecord(row: row))
            }
            return ascending ? rows : rows.reversed()
        }
    }

    /// A group's events in `[start, end)` after `after`, ascending, from the streams named (all
    /// when nil) or starting with `prefix`; events older than `oldest` are expired. The read stops
    /// after `limit` events or once the events read reach `maxBytes` (each its message's UTF-8 bytes
    /// plus `overhead`; the event that reaches it is answered, so that a scan always moves on), rows
    /// being read one at a time. `exhausted`: no event is left after those answered.
    func groupEvents(
        groupID: Int64, streamNames: [String]?, prefix: String?, start: Int64?, end: Int64?, after: LogPosition?, oldest: Int64?, limit: Int,
        maxBytes: Int, overhead: Int
    ) async throws -> (events: [LogEventRecord], exhausted: Bool) {
        try await database.read { db in
            var sql = "SELECT e.*, s.name AS streamName FROM logsEvent e JOIN logsStream s ON s.id = e.streamID WHERE s.groupID = ?"
            var arguments: StatementArguments = [groupID]
            if let streamNames {
                sql += " AND s.name IN (\(streamNames.map { _ in "?" }.joined(separator: ", ")))"
                arguments += StatementArguments(streamNames)
            }
            if let prefix { Self.requirePrefix(prefix, of: "s.name", &sql, &arguments) }
            Self.requireWindow(start: start, end: end, oldest: oldest, after: after, &sql, &arguments)
            sql += " ORDER BY e.timestamp, e.id LIMIT ?"
            // One more than asked: whether it exists tells whether the scan is over.
            arguments += [limit + 1]
            var events: [LogEventRecord] = []
            var size = 0
            let cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while events.count < limit, size < maxBytes, let row = try cursor.next() {
                let event = LogEventRecord(row: row)
                size += event.message.utf8.count + overhead
                events.append(event)
            }
            return (events, try cursor.next() == nil)
        }
    }
}

/// Lines of one function stream, handed to ``LogsRepository/ingest(_:ingestionTime:)``.
public struct FunctionLogBatch: Sendable, Equatable {
    public var accountID: String
    public var region: String
    public var group: String
    public var stream: String
    public var events: [FunctionLogEvent]
    /// Whether the group is created when missing; when not, the lines are not stored.
    public var createsGroup: Bool

    public init(
        accountID: String, region: String, group: String, stream: String, events: [FunctionLogEvent], createsGroup: Bool = true
    ) {
        self.accountID = accountID
        self.region = region
        self.group = group
        self.stream = stream
        self.events = events
        self.createsGroup = createsGroup
    }
}

extension BulwarkDatabase {
    /// CloudWatch Logs' groups, streams and events.
    public var logs: LogsRepository { LogsRepository(database: self) }
}
