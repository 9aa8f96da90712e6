import Foundation
import Testing

@testable import Secrets

/// `RotationRules` (decision 0016): days, `rate()` and `cron()`, and what is refused.
@Suite("Rotation schedule")
struct RotationScheduleTests {
    let start = Date(timeIntervalSince1970: 1_767_225_600)  // Thursday 2026-01-01 00:00 UTC

    @Test("AutomaticallyAfterDays and rate() count from the last rotation")
    func rates() throws {
        #expect(try RotationSchedule(.init(automaticallyAfterDays: 30)).next(after: start) == start.addingTimeInterval(30 * 86_400))
        #expect(try RotationSchedule(.init(scheduleExpression: "rate(10 days)")).next(after: start) == start.addingTimeInterval(10 * 86_400))
        #expect(try RotationSchedule(.init(scheduleExpression: "rate(1 day)")).next(after: start) == start.addingTimeInterval(86_400))
        #expect(try RotationSchedule(.init(scheduleExpression: "rate(6 hours)")).next(after: start) == start.addingTimeInterval(6 * 3_600))
    }

    @Test("cron() finds the next matching minute in UTC")
    func cron() throws {
        // 04:30 on the first Sunday on or after the start: 2026-01-04.
        let sunday = try RotationSchedule(.init(scheduleExpression: "cron(30 4 ? * SUN *)")).next(after: start)
        #expect(sunday == start.addingTimeInterval(3 * 86_400 + 4 * 3_600 + 30 * 60))
        // 00:00 on the 15th of every second month from January.
        let monthly = try RotationSchedule(.init(scheduleExpression: "cron(0 0 15 1/2 ? *)")).next(after: start)
        #expect(monthly == start.addingTimeInterval(14 * 86_400))
        let hourly = try RotationSchedule(.init(scheduleExpression: "cron(0 8-10 * * ? 2026)")).next(after: start.addingTimeInterval(9 * 3_600))
        #expect(hourly == start.addingTimeInterval(10 * 3_600))
    }

    @Test(
        "Bad rules are refused",
        arguments: [
            SecretsAPI.RotationRulesType(automaticallyAfterDays: 0), .init(automaticallyAfterDays: 1001),
            .init(automaticallyAfterDays: 3, scheduleExpression: "rate(3 days)"), .init(scheduleExpression: "rate(2 hours)"),
            .init(scheduleExpression: "rate(3 weeks)"), .init(scheduleExpression: "cron(0 0 * * * *)"),
            .init(scheduleExpression: "cron(0 0 L * ? *)"),
            .init(scheduleExpression: "every day"), .init(automaticallyAfterDays: 1, duration: "25h"), .init(duration: "3h"),
        ])
    func refused(rules: SecretsAPI.RotationRulesType) {
        #expect(throws: (any Error).self) { try RotationSchedule(rules) }
    }

    @Test("Stored rules read back as given")
    func stored() throws {
        let schedule = try RotationSchedule(.init(duration: "3h", scheduleExpression: "cron(0 16 1,15 * ? *)"))
        #expect(RotationSchedule.stored(schedule.json) == schedule)
        #expect(schedule.rules == .init(duration: "3h", scheduleExpression: "cron(0 16 1,15 * ? *)"))
    }
}
