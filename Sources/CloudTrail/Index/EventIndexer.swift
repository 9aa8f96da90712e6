import BulwarkCore
import Foundation
import GRDB
import Store
import Synchronization
import Trail

/// Brings the event index up to date with the audit trail's hour files (decision 0040).
///
/// Each hour file has a cursor: the offset up to which its complete lines are indexed. An hour stays
/// open while calls received in it may still be appended (a call is audited when it ends, in the
/// file of the hour it was received, up to Lambda's 15 minutes later); after that, once read to its
/// end, it is closed and never read again. A catch-up reads only the open hours' new bytes, at most
/// ``byteBudget`` of them, inside one write transaction, so that catch-ups never index a line twice.
/// A line longer than the whole budget is passed over, never indexed, so that it cannot hold the
/// cursor back.
public struct EventIndexer: Sendable {
    let database: BulwarkDatabase
    let trail: TrailWriter
    let clock: WallClock
    let turns = Turns()

    /// LookupEvents answers the last 90 days; older events leave the index.
    static let retention: TimeInterval = 90 * 86_400
    /// How long after its end an hour file may still receive events.
    static let lateAppendWindow: TimeInterval = 20 * 60
    /// The most bytes one catch-up reads.
    static let byteBudget = 8 << 20

    public init(database: BulwarkDatabase, trail: TrailWriter, clock: WallClock = .system) {
        self.database = database
        self.trail = trail
        self.clock = clock
    }

    /// Catch-ups that callers share: one runs at a time, and ``catchUp(coveringCallsBefore:)`` waits
    /// for one that began after the moment it names.
    final class Turns: Sendable {
        struct State {
            var lastStart: ContinuousClock.Instant?
            var running: Task<Int, any Error>?
            var runs = 0
        }
        let state = Mutex(State())
    }

    /// Makes sure a catch-up that began at or after `moment` has ended, so that every line appended
    /// before it is indexed: joins the one that runs, or starts one, rather than each caller
    /// running its own (LookupEvents and StartLogging, decision 0040).
    public func catchUp(coveringCallsBefore moment: ContinuousClock.Instant) async throws {
        while true {
            let running: Task<Int, any Error>? = turns.state.withLock { state in
                if let last = state.lastStart, last >= moment { return nil }
                if let running = state.running { return running }
                let start = ContinuousClock.now
                let turns = self.turns
                let task = Task {
                    defer {
                        turns.state.withLock { state in
                            state.running = nil
                            state.runs += 1
                        }
                    }
                    let indexed = try await self.catchUp()
                    turns.state.withLock { $0.lastStart = start }
                    return indexed
                }
                state.running = task
                return task
            }
            guard let running else { return }
            _ = try await running.value
        }
    }

    /// Indexes the lines appended since the last catch-up, drops what is older than the retention,
    /// and answers how many events it indexed.
    @discardableResult
    public func catchUp() async throws -> Int {
        let now = clock.now()
        let trail = self.trail
        return try await database.write { db in
            let oldest = Self.hourStart(now.addingTimeInterval(-Self.retention))
            var hour = try Self.firstOpenHour(db) ?? oldest
            if hour < oldest { hour = oldest }
            var budget = Self.byteBudget
            var indexed = 0
            while hour <= now, budget > 0 {
                let stamp = TrailWriter.hourStamp(hour)
                let cursor = try Self.cursor(db, hour: stamp)
                if cursor?.closed != true {
                    let offset = cursor?.offset ?? 0
                    let url = trail.url(forHour: stamp)
                    let (chunk, reachedEnd) = try Self.completeLines(of: url, from: offset, maxBytes: budget)
                    var skipped: Int64 = 0
                    if chunk.isEmpty, !reachedEnd, let end = try Self.lineEnd(of: url, from: offset + Int64(budget)),
                        end - offset > Self.byteBudget
                    {
                        // A line longer than a whole catch-up's budget is passed over, never indexed, even
                        // when an older open hour took part of this catch-up's budget.
                        skipped = end - offset
                        budget = 0
                    }
                    for line in chunk.split(separator: 0x0A, omittingEmptySubsequences: true) {
                        guard let event = IndexedEvent(line: Data(line)) else { continue }
                        try EventIndexRepository.insert(db, event)
                        indexed += 1
                    }
                    budget -= chunk.count
                    let ended = hour.addingTimeInterval(3600 + Self.lateAppendWindow) < now
                    // Closed only when read to its end after no more appends can come.
                    let closed = ended && reachedEnd
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO cloudtrailIndexCursor (hour, offset, closed) VALUES (?, ?, ?)",
                        arguments: [stamp, offset + Int64(chunk.count) + skipped, closed])
                }
                hour = hour.addingTimeInterval(3600)
            }
            try EventIndexRepository.purge(db, before: Int64(now.addingTimeInterval(-Self.retention).timeIntervalSince1970 * 1000))
            try db.execute(sql: "DELETE FROM cloudtrailIndexCursor WHERE hour < ?", arguments: [TrailWriter.hourStamp(oldest)])
            return indexed
        }
    }

    private static func cursor(_ db: Database, hour: String) throws -> (offset: Int64, closed: Bool)? {
        try Row.fetchOne(db, sql: "SELECT offset, closed FROM cloudtrailIndexCursor WHERE hour = ?", arguments: [hour]).map {
            ($0["offset"], $0["closed"])
        }
    }

    /// The oldest hour still open, or the hour after the newest closed one.
    private static func firstOpenHour(_ db: Database) throws -> Date? {
        if let open = try String.fetchOne(db, sql: "SELECT MIN(hour) FROM cloudtrailIndexCursor WHERE closed = 0") {
            return AWSTimestamp.parseBasic(open + "0000Z")
        }
        if let closed = try String.fetchOne(db, sql: "SELECT MAX(hour) FROM cloudtrailIndexCursor") {
            return AWSTimestamp.parseBasic(closed + "0000Z")?.addingTimeInterval(3600)
        }
        return nil
    }

    static func hourStart(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 3600).rounded(.down) * 3600)
    }

    /// The bytes of `url` from `offset` up to its last complete line, at most `maxBytes` (whole lines
    /// only), and whether that read reached the file's end; empty when the file does not exist.
    static func completeLines(of url: URL, from offset: Int64, maxBytes: Int) throws -> (Data, reachedEnd: Bool) {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return (Data(), true) }
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(offset))
        let data = try handle.read(upToCount: maxBytes) ?? Data()
        let reachedEnd = data.count < maxBytes
        guard let last = data.lastIndex(of: 0x0A) else { return (Data(), reachedEnd) }
        return (Data(data[data.startIndex...last]), reachedEnd)
    }

    /// The offset just past the first newline of `url` at or after `offset`, read 1 MiB at a time;
    /// nil when the line has not ended yet.
    static func lineEnd(of url: URL, from offset: Int64) throws -> Int64? {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(offset))
        var position = offset
        while let data = try handle.read(upToCount: 1 << 20), !data.isEmpty {
            if let newline = data.firstIndex(of: 0x0A) { return position + Int64(newline - data.startIndex) + 1 }
            position += Int64(data.count)
        }
        return nil
    }
}
