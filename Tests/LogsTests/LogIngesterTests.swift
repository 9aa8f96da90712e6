import BulwarkCore
import Foundation
import Store
import Testing

@testable import Logs

/// What functions write, through the ingester into the store: groups and streams created per
/// account and region, lines in order, bounded, and expired by retention.
@Suite("Log ingestion")
struct LogIngesterTests {
    let database: BulwarkDatabase
    let now: Int64 = 1_765_000_000_000

    init() throws {
        database = try BulwarkDatabase(
            directory: FileManager.default.temporaryDirectory.appendingPathComponent("logs-\(UUID().uuidString)"), schemas: [.logs])
    }

    private var clock: WallClock { .fixed(Date(timeIntervalSince1970: Double(now) / 1000)) }

    private func messages(_ account: String, _ group: String) async throws -> [String] {
        guard let record = try await database.read({ db in try LogsRepository.group(db, accountID: account, region: "us-east-1", name: group) })
        else { return [] }
        return try await database.logs.groupEvents(
            groupID: record.id, streamNames: nil, prefix: nil, start: nil, end: nil, after: nil, oldest: nil, limit: 100, maxBytes: 1 << 30,
            overhead: 0
        ).events.map { "\($0.streamName): \($0.message)" }
    }

    @Test func linesLandInTheirAccountsGroupAndStream() async throws {
        let ingester = LogIngester(database: database, clock: clock)
        ingester.append([.init(timestamp: now, message: "one")], group: "/aws/lambda/f", stream: "s1", accountID: "111111111111", region: "us-east-1")
        ingester.append(
            [.init(timestamp: now + 1, message: "two")], group: "/aws/lambda/f", stream: "s1", accountID: "111111111111", region: "us-east-1")
        ingester.append(
            [.init(timestamp: now, message: "other")], group: "/aws/lambda/f", stream: "s2", accountID: "222222222222", region: "us-east-1")
        #expect(try await messages("111111111111", "/aws/lambda/f").isEmpty)

        try await ingester.flush()
        #expect(try await messages("111111111111", "/aws/lambda/f") == ["s1: one", "s1: two"])
        #expect(try await messages("222222222222", "/aws/lambda/f") == ["s2: other"])

        // Later lines join the existing group and stream.
        ingester.append(
            [.init(timestamp: now + 2, message: "three")], group: "/aws/lambda/f", stream: "s1", accountID: "111111111111", region: "us-east-1")
        try await ingester.flush()
        #expect(try await messages("111111111111", "/aws/lambda/f") == ["s1: one", "s1: two", "s1: three"])
        try await ingester.flush()
        #expect(try await messages("111111111111", "/aws/lambda/f").count == 3)
    }

    @Test func linesWhoseRoleMayNotCreateTheirMissingGroupAreDropped() async throws {
        let ingester = LogIngester(database: database, clock: clock)
        ingester.append(
            [.init(timestamp: now, message: "lost")], group: "g", stream: "s", accountID: "111111111111", region: "us-east-1",
            createsGroup: false)
        try await ingester.flush()
        #expect(try await database.read { db in try LogsRepository.group(db, accountID: "111111111111", region: "us-east-1", name: "g") } == nil)

        // Once the group exists, the same lines are delivered (the stream is created).
        try await database.logs.createGroup(accountID: "111111111111", region: "us-east-1", name: "g", tags: [:], now: now)
        ingester.append(
            [.init(timestamp: now, message: "kept")], group: "g", stream: "s", accountID: "111111111111", region: "us-east-1",
            createsGroup: false)
        try await ingester.flush()
        #expect(try await messages("111111111111", "g") == ["s: kept"])
    }

    @Test func anOverlongLineIsTruncatedToTheLargestEvent() async throws {
        let ingester = LogIngester(database: database, clock: clock)
        let line = String(repeating: "é", count: 200_000)
        ingester.append([.init(timestamp: now, message: line)], group: "g", stream: "s", accountID: "111111111111", region: "us-east-1")
        try await ingester.flush()
        let stored = try #require(try await messages("111111111111", "g").first).dropFirst("s: ".count)
        #expect(stored.utf8.count <= LogIngester.maxMessageBytes && stored.utf8.count > LogIngester.maxMessageBytes - 4)
        #expect(line.hasPrefix(stored))
    }

    @Test func aFloodDropsTheOldestLinesBeyondTheBuffer() async throws {
        let ingester = LogIngester(database: database, clock: clock)
        let events = (0..<(LogIngester.bufferLimit + 10)).map { FunctionLogEvent(timestamp: now, message: "line \($0)") }
        ingester.append(events, group: "g", stream: "s", accountID: "111111111111", region: "us-east-1")
        #expect(ingester.droppedEvents == 10)
    }

    @Test func theBufferIsBoundedInBytesAndDropsTheOldest() async throws {
        let ingester = LogIngester(database: database, clock: clock, bufferByteLimit: 1000)
        // Each event counts 100 bytes and 26 of overhead: seven fit in 1000 bytes.
        let events = (0..<20).map { FunctionLogEvent(timestamp: now, message: String(format: "%03d", $0) + String(repeating: "x", count: 97)) }
        ingester.append(Array(events[0..<10]), group: "g", stream: "s", accountID: "111111111111", region: "us-east-1")
        ingester.append(Array(events[10...]), group: "g", stream: "s2", accountID: "111111111111", region: "us-east-1")
        #expect(ingester.droppedEvents == 13)
        try await ingester.flush()
        #expect(
            try await messages("111111111111", "g").map { $0.prefix(6) } == ["s2: 01", "s2: 01", "s2: 01", "s2: 01", "s2: 01", "s2: 01", "s2: 01"])
        #expect(try await messages("111111111111", "g").map { String($0.dropFirst(4).prefix(3)) } == (13..<20).map { String(format: "%03d", $0) })
    }

    @Test func retentionExpiresOldEventsAndRecountsTheStream() async throws {
        let ingester = LogIngester(database: database, clock: clock)
        let day: Int64 = 86_400_000
        ingester.append(
            [.init(timestamp: now - 3 * day, message: "old"), .init(timestamp: now - day / 2, message: "recent")], group: "g", stream: "s",
            accountID: "111111111111", region: "us-east-1")
        try await ingester.flush()
        let group = try #require(
            try await database.read { db in try LogsRepository.group(db, accountID: "111111111111", region: "us-east-1", name: "g") })
        try await database.logs.setRetention(group, days: 1, now: now)
        #expect(try await messages("111111111111", "g") == ["s: recent"])
        let stream = try #require(try await database.read { db in try LogsRepository.stream(db, groupID: group.id, name: "s") })
        #expect(stream.firstEventAt == now - day / 2 && stream.lastEventAt == now - day / 2 && stream.storedBytes == 6)

        // The periodic purge applies the same rule.
        ingester.append([.init(timestamp: now - 2 * day, message: "late")], group: "g", stream: "s", accountID: "111111111111", region: "us-east-1")
        try await ingester.flush()
        try await ingester.purgeExpired()
        #expect(try await messages("111111111111", "g") == ["s: recent"])
    }
}
