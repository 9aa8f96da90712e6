import BulwarkCore
import Foundation
import Store
import Synchronization
import Testing
import Trail

@testable import CloudTrail

/// The event index follows the trail's hour files (decision 0040): only new complete lines are read,
/// late appends to a past hour are found while it is open, and unauthenticated calls belong to no account.
@Suite struct EventIndexerTests {
    static let start = Date(timeIntervalSince1970: 1_796_000_400)  // an hour's start
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trail-index-\(UUID().uuidString)")
    /// The clock the indexer reads, which a test moves.
    final class TestClock: Sendable {
        let now = Mutex(EventIndexerTests.start)
    }

    let clock = TestClock()
    let database: BulwarkDatabase
    let writer: TrailWriter

    init() throws {
        database = try BulwarkDatabase(directory: directory, schemas: [.cloudTrail])
        writer = try TrailWriter(directory: directory.appendingPathComponent("trail"))
    }

    var indexer: EventIndexer {
        let clock = self.clock
        return EventIndexer(database: database, trail: writer, clock: WallClock { clock.now.withLock { $0 } })
    }

    func event(_ name: String, account: String? = "123456789012", at date: Date) -> AuditEvent {
        AuditEvent(
            userIdentity: .init(type: "IAMUser", arn: "arn:aws:iam::123456789012:user/alice", accessKeyId: "AKIA1", userName: "alice"),
            eventTime: date, eventSource: "iam.amazonaws.com", eventName: name, awsRegion: "us-east-1", sourceIPAddress: "192.0.2.1",
            userAgent: "tests", requestParameters: nil, responseElements: nil, errorCode: nil, errorMessage: nil, requestID: UUID().uuidString,
            eventID: UUID().uuidString.lowercased(), readOnly: false, managementEvent: true, recipientAccountId: account, tlsDetails: nil)
    }

    func names(_ account: String = "123456789012") async throws -> [String] {
        try await database.cloudTrailEvents.events(
            .init(accountID: account, start: 0, end: .max, attribute: nil, managementOnly: true, after: nil, limit: 50)
        ).map(\.event.eventName)
    }

    @Test func indexesOnlyNewLinesNewestFirst() async throws {
        try writer.append(event("CreateUser", at: Self.start), at: Self.start)
        try writer.append(event("NoAccount", account: nil, at: Self.start), at: Self.start)
        #expect(try await indexer.catchUp() == 1)
        #expect(try await indexer.catchUp() == 0)
        let later = Self.start.addingTimeInterval(10)
        try writer.append(event("DeleteUser", at: later), at: later)
        #expect(try await indexer.catchUp() == 1)
        #expect(try await names() == ["DeleteUser", "CreateUser"])
        #expect(try await names("111122223333") == [])
    }

    @Test func findsLateAppendsToAPastHourWhileItIsOpen() async throws {
        let nextHour = Self.start.addingTimeInterval(3600 + 5)
        clock.now.withLock { $0 = nextHour }
        try writer.append(event("InNextHour", at: nextHour), at: nextHour)
        #expect(try await indexer.catchUp() == 1)
        // A long call received in the past hour is audited after the next hour began.
        let received = Self.start.addingTimeInterval(3500)
        try writer.append(event("LongCall", at: received), at: received)
        #expect(try await indexer.catchUp() == 1)
        #expect(try await names() == ["InNextHour", "LongCall"])
    }

    @Test func ignoresAPartialLastLine() async throws {
        try writer.append(event("Whole", at: Self.start), at: Self.start)
        let url = writer.url(forHour: TrailWriter.hourStamp(Self.start))
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"eventVersion\":".utf8))
        try handle.close()
        #expect(try await indexer.catchUp() == 1)
        #expect(try await names() == ["Whole"])
    }

    @Test func passesOverALineLongerThanTheBudget() async throws {
        try writer.append(event("Before", at: Self.start), at: Self.start)
        let url = writer.url(forHour: TrailWriter.hourStamp(Self.start))
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(repeating: 0x61, count: EventIndexer.byteBudget + 10) + Data([0x0A]))
        try handle.close()
        try writer.append(event("After", at: Self.start), at: Self.start)
        // The first catch-up reads up to the long line; the next passes over it; the one after reads on.
        for _ in 0..<3 { try await indexer.catchUp() }
        #expect(try await names() == ["After", "Before"])
    }

    @Test func passesOverALongLineWhileAnOlderHourStillTakesBudget() async throws {
        let nextHour = Self.start.addingTimeInterval(3600 + 5)
        clock.now.withLock { $0 = nextHour }
        let url = writer.url(forHour: TrailWriter.hourStamp(nextHour))
        try writer.append(event("Before", at: nextHour), at: nextHour)
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(repeating: 0x61, count: EventIndexer.byteBudget + 10) + Data([0x0A]))
        try handle.close()
        try writer.append(event("After", at: nextHour), at: nextHour)
        // Late appends to the past hour, read first, leave the next hour less than the whole budget.
        for index in 0..<3 {
            try writer.append(event("Late\(index)", at: Self.start), at: Self.start)
            try await indexer.catchUp()
        }
        #expect(try await names() == ["After", "Before", "Late2", "Late1", "Late0"])
    }

    @Test func concurrentCallersShareCatchUpsAndSeeWhatCameBefore() async throws {
        let indexer = self.indexer
        try writer.append(event("First", at: Self.start), at: Self.start)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 { group.addTask { try await indexer.catchUp(coveringCallsBefore: .now) } }
            try await group.waitForAll()
        }
        #expect(try await names() == ["First"])
        // At most the one running when the first asked, and one after it for everyone else.
        #expect(indexer.turns.state.withLock { $0.runs } <= 2)
        let runs = indexer.turns.state.withLock { $0.runs }
        // A caller asking after an append is never answered by a catch-up that began before it.
        try writer.append(event("Second", at: Self.start), at: Self.start)
        try await indexer.catchUp(coveringCallsBefore: .now)
        #expect(try await names() == ["Second", "First"])
        #expect(indexer.turns.state.withLock { $0.runs } == runs + 1)
    }

    @Test func dropsEventsOlderThanNinetyDays() async throws {
        try writer.append(event("Old", at: Self.start), at: Self.start)
        #expect(try await indexer.catchUp() == 1)
        clock.now.withLock { $0 = Self.start.addingTimeInterval(91 * 86_400) }
        try await indexer.catchUp()
        #expect(try await names() == [])
    }
}
