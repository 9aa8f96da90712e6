import AWSWire
import BulwarkCore
import Foundation
import Store
import Testing

@testable import Logs

/// GetLogEvents and FilterLogEvents read at most what they answer (decision 0035, "Review fixes"):
/// rows are read one at a time up to a byte budget, not 10 000 rows of up to 256 KB each and then
/// trimmed to the 1 MB answer.
@Suite("Logs reads, bounded in bytes")
struct LogsReadBoundTests {
    static let account = "123456789012"
    let database: BulwarkDatabase
    let service: LogsService
    let now = Int64(Date().timeIntervalSince1970 * 1000)
    /// 200 000 bytes: five events and their overhead fit in 1 MB, six do not.
    static let big = String(repeating: "x", count: 200_000)

    init() throws {
        database = try BulwarkDatabase(
            directory: FileManager.default.temporaryDirectory.appendingPathComponent("logs-\(UUID().uuidString)"), schemas: [.logs])
        service = LogsService(database: database)
    }

    /// Stores `count` events of `message` (with their index first) in stream `s` of group `g`.
    private func store(_ count: Int, _ message: String) async throws -> (group: LogGroupRecord, stream: LogStreamRecord) {
        let events = (0..<count).map { FunctionLogEvent(timestamp: now - 60_000 + Int64($0), message: "\($0) \(message)") }
        try await database.logs.ingest(
            [FunctionLogBatch(accountID: Self.account, region: "us-east-1", group: "g", stream: "s", events: events)], ingestionTime: now)
        return try await database.read { db in
            let group = try #require(try LogsRepository.group(db, accountID: Self.account, region: "us-east-1", name: "g"))
            return (group, try #require(try LogsRepository.stream(db, groupID: group.id, name: "s")))
        }
    }

    private func call(_ name: String, _ input: JSONValue) async throws -> JSONValue {
        var context = CallContext(
            requestID: "test",
            principal: Principal(kind: .root, accountID: Self.account, arn: "arn:aws:iam::\(Self.account):root", principalID: Self.account),
            accessKeyID: "AKIATEST", region: "us-east-1", sourceIP: "192.0.2.1", userAgent: "tests", isSecureTransport: true,
            receivedAt: Date(), presigner: URLPresigner { path, _, _ in path })
        let operation = try #require(service.operations.first { $0.name == name })
        let prepared = try operation.prepare(input, context: context)
        context.resolution = try await ResourceResolver(authorities: service.authorities).resolve(prepared.references, context: context)
        return try await prepared.execute(context)
    }

    @Test func streamReadsStopAtTheByteBudget() async throws {
        let (_, stream) = try await store(12, Self.big)
        let forward = try await database.logs.events(
            streamID: stream.id, start: nil, end: nil, after: nil, before: nil, fromHead: true, oldest: nil, limit: 10_000,
            maxBytes: LogsService.maxBatchBytes, overhead: LogsService.eventOverhead)
        #expect(forward.map { $0.message.prefix(2) } == ["0 ", "1 ", "2 ", "3 ", "4 "])
        let backward = try await database.logs.events(
            streamID: stream.id, start: nil, end: nil, after: nil, before: nil, fromHead: false, oldest: nil, limit: 10_000,
            maxBytes: LogsService.maxBatchBytes, overhead: LogsService.eventOverhead)
        #expect(backward.map { $0.message.prefix(3) } == ["7 x", "8 x", "9 x", "10 ", "11 "])
        // The count limit still applies below the budget.
        let two = try await database.logs.events(
            streamID: stream.id, start: nil, end: nil, after: nil, before: nil, fromHead: true, oldest: nil, limit: 2,
            maxBytes: LogsService.maxBatchBytes, overhead: LogsService.eventOverhead)
        #expect(two.count == 2)
    }

    @Test func groupReadsStopOnceTheBudgetIsReached() async throws {
        let (group, _) = try await store(12, Self.big)
        let (events, exhausted) = try await database.logs.groupEvents(
            groupID: group.id, streamNames: nil, prefix: nil, start: nil, end: nil, after: nil, oldest: nil, limit: 1000,
            maxBytes: 1 << 20, overhead: 26)
        // Five events are under 1 MiB; the sixth reaches it and is the last read.
        #expect(events.count == 6 && !exhausted)
        let (rest, done) = try await database.logs.groupEvents(
            groupID: group.id, streamNames: nil, prefix: nil, start: nil, end: nil, after: events.last?.position, oldest: nil,
            limit: 1000, maxBytes: 64 << 20, overhead: 26)
        #expect(rest.count == 6 && done)
    }

    @Test func getLogEventsAnswersAtMostOneMegabyte() async throws {
        _ = try await store(12, Self.big)
        let answer = try await call("GetLogEvents", ["logGroupName": "g", "logStreamName": "s", "startFromHead": true])
        guard case .array(let events)? = answer["events"] else { Issue.record("no events in \(answer)"); return }
        #expect(events.count == 5)
    }

    @Test func filterLogEventsBoundsTheBytesItScansAndAnswersAToken() async throws {
        // 48 events of 200 KB (9.6 MB) that the pattern does not match, then one that it does.
        _ = try await store(48, Self.big)
        try await database.logs.ingest(
            [
                FunctionLogBatch(
                    accountID: Self.account, region: "us-east-1", group: "g", stream: "s", events: [.init(timestamp: now, message: "needle")])
            ],
            ingestionTime: now)
        var input: JSONValue = ["logGroupName": "g", "filterPattern": "needle"]
        var pages: [[JSONValue]] = []
        while true {
            let answer = try await call("FilterLogEvents", input)
            guard case .array(let events)? = answer["events"] else { Issue.record("no events in \(answer)"); return }
            pages.append(events)
            guard case .string(let token)? = answer["nextToken"] else { break }
            input = ["logGroupName": "g", "filterPattern": "needle", "nextToken": .string(token)]
            if pages.count > 5 { break }
        }
        // The first call scans 8 MiB (42 events) and answers no event but a token; the next finds the needle.
        #expect(pages.count == 2)
        #expect(pages.first?.isEmpty == true)
        #expect(pages.last?.count == 1)
    }
}
