import Testing

@testable import Logs

struct LogEventTokenTests {
    @Test(arguments: [
        LogPosition(timestamp: 0, eventID: 0), LogPosition(timestamp: 1_765_000_000_123, eventID: 42),
        LogPosition(timestamp: Int64.max, eventID: Int64.max),
    ])
    func roundTrip(_ position: LogPosition) throws {
        let forward = LogEventToken.make(.forward, position)
        #expect(forward.hasPrefix("f/") && forward.count == 58)
        let (direction, parsed) = try #require(LogEventToken.parse(forward))
        #expect(direction == .forward && parsed == position)
        let backward = try #require(LogEventToken.parse(LogEventToken.make(.backward, position)))
        #expect(backward.0 == .backward && backward.1 == position)
        #expect(LogEventToken.filterPosition(LogEventToken.filterToken(after: position)) == position)
        #expect(LogEventToken.eventID(position).count == 56)
    }

    @Test(arguments: [
        "", "f/", "x/" + String(repeating: "0", count: 56), "f/" + String(repeating: "0", count: 55), "f/" + String(repeating: "9", count: 56),
        "f/" + String(repeating: "0", count: 55) + "a", "f-" + String(repeating: "0", count: 56), "n/" + String(repeating: "0", count: 56),
    ])
    func refused(_ token: String) {
        #expect(LogEventToken.parse(token) == nil)
    }

    @Test func filterTokensAreNotEventTokens() {
        let token = LogEventToken.filterToken(after: LogPosition(timestamp: 5, eventID: 6))
        #expect(LogEventToken.parse(token) == nil)
        #expect(LogEventToken.filterPosition(LogEventToken.make(.forward, LogPosition(timestamp: 5, eventID: 6))) == nil)
    }

    @Test func positionsOrderByTimeThenStorage() {
        #expect(LogPosition(timestamp: 1, eventID: 9) < LogPosition(timestamp: 2, eventID: 1))
        #expect(LogPosition(timestamp: 2, eventID: 1) < LogPosition(timestamp: 2, eventID: 2))
    }
}
