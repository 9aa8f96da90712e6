import BulwarkCore
import Foundation

/// A secret's `RotationRules`: every `AutomaticallyAfterDays` days, or a `ScheduleExpression` —
/// `rate(N days)`, `rate(N hours)` (at least 4, as AWS requires) or `cron(minutes hours day-of-month
/// month day-of-week year)` in UTC with numbers, `*`, `?`, ranges, lists and steps — and the
/// `Duration` of the rotation window (`Nh`).
struct RotationSchedule: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case days(Int)
        case hours(Int)
        case cron(CronExpression)
    }

    let kind: Kind
    let automaticallyAfterDays: Int?
    let scheduleExpression: String?
    let duration: String?

    init(_ rules: SecretsAPI.RotationRulesType) throws {
        automaticallyAfterDays = rules.automaticallyAfterDays.map(Int.init)
        scheduleExpression = rules.scheduleExpression
        duration = rules.duration
        switch (rules.automaticallyAfterDays, rules.scheduleExpression) {
        case (.some, .some):
            throw SecretsError.invalidParameter("You can't specify both AutomaticallyAfterDays and ScheduleExpression in RotationRules.")
        case (let days?, nil):
            guard (1...1000).contains(days) else { throw SecretsError.invalidParameter("AutomaticallyAfterDays must be between 1 and 1000.") }
            kind = .days(Int(days))
        case (nil, let expression?):
            kind = try Self.parse(expression)
        case (nil, nil):
            throw SecretsError.invalidParameter("RotationRules must specify AutomaticallyAfterDays or ScheduleExpression.")
        }
        if let duration {
            guard duration.hasSuffix("h"), let hours = Int(duration.dropLast()), (1...24).contains(hours) else {
                throw SecretsError.invalidParameter("The Duration must be between 1h and 24h.")
            }
            if case .days = kind, hours > 24 { throw SecretsError.invalidParameter("The Duration must be between 1h and 24h.") }
        }
    }

    /// The rules as stored and as DescribeSecret shows them.
    var rules: SecretsAPI.RotationRulesType {
        SecretsAPI.RotationRulesType(
            automaticallyAfterDays: automaticallyAfterDays.map(Int64.init), duration: duration, scheduleExpression: scheduleExpression)
    }

    var json: String {
        var object: [String: JSONValue] = [:]
        if let automaticallyAfterDays { object["AutomaticallyAfterDays"] = .int(Int64(automaticallyAfterDays)) }
        if let scheduleExpression { object["ScheduleExpression"] = .string(scheduleExpression) }
        if let duration { object["Duration"] = .string(duration) }
        return String(decoding: JSONValue.object(object).serialized(), as: UTF8.self)
    }

    /// The rules stored as ``json``; nil when they no longer parse.
    static func stored(_ json: String?) -> RotationSchedule? {
        guard let json, let object = try? JSONValue.parse(Data(json.utf8)).objectValue else { return nil }
        return try? RotationSchedule(
            SecretsAPI.RotationRulesType(
                automaticallyAfterDays: object["AutomaticallyAfterDays"]?.doubleValue.map { Int64($0) }, duration: object["Duration"]?.stringValue,
                scheduleExpression: object["ScheduleExpression"]?.stringValue))
    }

    /// When the rotation after one at `date` is due.
    func next(after date: Date) -> Date? {
        switch kind {
        case .days(let days): date.addingTimeInterval(Double(days) * 86_400)
        case .hours(let hours): date.addingTimeInterval(Double(hours) * 3_600)
        case .cron(let cron): cron.next(after: date)
        }
    }

    private static func parse(_ expression: String) throws -> Kind {
        let invalid = SecretsError.invalidParameter("The schedule expression \(expression) is not valid.")
        if expression.hasPrefix("rate("), expression.hasSuffix(")") {
            let parts = expression.dropFirst(5).dropLast().split(separator: " ")
            guard parts.count == 2, let count = Int(parts[0]), count > 0 else { throw invalid }
            switch parts[1] {
            case "day" where count == 1, "days" where count > 1:
                guard count <= 1000 else { throw invalid }
                return .days(count)
            case "hours" where count >= 4:
                return .hours(count)
            default:
                throw invalid
            }
        }
        if expression.hasPrefix("cron("), expression.hasSuffix(")"), let cron = CronExpression(String(expression.dropFirst(5).dropLast())) {
            return .cron(cron)
        }
        throw invalid
    }
}

/// EventBridge's six-field cron (minutes hours day-of-month month day-of-week year), evaluated in
/// UTC. Supported: numbers, `*`, `?`, `a-b`, lists and `/step`, month and day names. Day-of-week
/// counts 1 (SUN) to 7 (SAT). `L`, `W` and `#` are refused.
struct CronExpression: Sendable, Equatable {
    let minutes: Set<Int>
    let hours: Set<Int>
    let daysOfMonth: Set<Int>?
    let months: Set<Int>
    let daysOfWeek: Set<Int>?
    let years: Set<Int>?

    init?(_ text: String) {
        let fields = text.split(separator: " ").map(String.init)
        guard fields.count == 6 else { return nil }
        let monthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
        let dayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
        guard let minutes = Self.field(fields[0], 0...59), let hours = Self.field(fields[1], 0...23),
            let months = Self.field(fields[3], 1...12, names: monthNames)
        else { return nil }
        // One of day-of-month and day-of-week is `?`, as EventBridge requires.
        guard (fields[2] == "?") != (fields[4] == "?") else { return nil }
        let daysOfMonth = fields[2] == "?" ? nil : Self.field(fields[2], 1...31)
        let daysOfWeek = fields[4] == "?" ? nil : Self.field(fields[4], 1...7, names: dayNames)
        guard fields[2] == "?" || daysOfMonth != nil, fields[4] == "?" || daysOfWeek != nil else { return nil }
        let years = fields[5] == "*" ? nil : Self.field(fields[5], 1970...2199)
        guard fields[5] == "*" || years != nil else { return nil }
        self.minutes = minutes
        self.hours = hours
        self.daysOfMonth = daysOfMonth
        self.months = months
        self.daysOfWeek = daysOfWeek
        self.years = years
    }

    /// The first minute after `date` the expression matches, within ten years.
    func next(after date: Date) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let start = calendar.startOfDay(for: date)
        for dayOffset in 0..<(366 * 10) {
            guard let day = calendar.date(byAdding: .day, value: dayOffset, to: start) else { return nil }
            let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: day)
            guard let year = parts.year, let month = parts.month, let dayOfMonth = parts.day, let weekday = parts.weekday else { return nil }
            if let years, !years.contains(year) { continue }
            guard months.contains(month) else { continue }
            if let daysOfMonth, !daysOfMonth.contains(dayOfMonth) { continue }
            if let daysOfWeek, !daysOfWeek.contains(weekday) { continue }
            for hour in hours.sorted() {
                for minute in minutes.sorted() {
                    let candidate = day.addingTimeInterval(Double(hour * 3_600 + minute * 60))
                    if candidate > date { return candidate }
                }
            }
        }
        return nil
    }

    private static func field(_ text: String, _ range: ClosedRange<Int>, names: [String] = []) -> Set<Int>? {
        var values = Set<Int>()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2 else { return nil }
            let step = pieces.count == 2 ? Int(pieces[1]) : 1
            guard let step, step > 0 else { return nil }
            var bounds: ClosedRange<Int>
            if pieces[0] == "*" {
                bounds = range
            } else {
                let ends = pieces[0].split(separator: "-", omittingEmptySubsequences: false).map {
                    value(String($0), names: names, base: range.lowerBound)
                }
                guard ends.count <= 2, let low = ends.first ?? nil,
                    let high = ends.count == 2 ? ends[1] : (pieces.count == 2 ? range.upperBound : low),
                    range.contains(low), range.contains(high), low <= high
                else { return nil }
                bounds = low...high
            }
            values.formUnion(stride(from: bounds.lowerBound, through: bounds.upperBound, by: step))
        }
        return values.isEmpty ? nil : values
    }

    private static func value(_ text: String, names: [String], base: Int) -> Int? {
        if let number = Int(text) { return number }
        return names.firstIndex(of: text.uppercased()).map { $0 + base }
    }
}
