import Foundation

/// The timestamp formats that AWS APIs use on the wire.
///
/// Formatting and parsing are plain arithmetic on the proleptic Gregorian calendar in UTC: no
/// `DateFormatter` (building one costs ICU set-up on every call, and Foundation's formatter on Linux
/// traps on some non-ASCII input), so a timestamp costs well under a microsecond.
public enum AWSTimestamp {
    /// `2015-08-30T12:36:00Z`, as in CloudTrail's `eventTime` and the query protocol.
    public static func iso8601(_ date: Date) -> String {
        let time = CivilTime(date)
        return "\(time.date)T\(time.clock)Z"
    }

    /// `2019-09-24T21:01:36.234+0000`, as in Lambda's `LastModified`.
    public static func lambda(_ date: Date) -> String {
        let time = CivilTime(date)
        return "\(time.date)T\(time.clock).\(pad(time.millisecond, 3))+0000"
    }

    /// `2026-11-25T15:39:23.123Z`, as in the Lambda JSON log records and CloudWatch.
    public static func iso8601Milliseconds(_ date: Date) -> String {
        let time = CivilTime(date)
        return "\(time.date)T\(time.clock).\(pad(time.millisecond, 3))Z"
    }

    /// `20150830T123600Z`, as in SigV4's `X-Amz-Date`.
    public static func basic(_ date: Date) -> String {
        let time = CivilTime(date)
        return "\(pad(time.year, 4))\(pad(time.month, 2))\(pad(time.day, 2))T\(pad(time.hour, 2))\(pad(time.minute, 2))\(pad(time.second, 2))Z"
    }

    /// `Sun, 30 Aug 2015 12:36:00 GMT`, as in HTTP `Date` headers.
    public static func rfc7231(_ date: Date) -> String {
        let time = CivilTime(date)
        let weekday = weekdayNames[time.weekday]
        return "\(weekday), \(pad(time.day, 2)) \(monthNames[time.month - 1]) \(pad(time.year, 4)) \(time.clock) GMT"
    }

    /// Parses `yyyy-MM-ddTHH:mm:ss[.fraction](Z|±HH:mm|±HHmm)`, the fraction of 1 to 9 digits.
    public static func parseISO8601(_ text: String) -> Date? {
        var scanner = TimestampScanner(text)
        guard let year = scanner.number(4), scanner.skip("-"), let month = scanner.number(2), scanner.skip("-"),
            let day = scanner.number(2), scanner.skip("T"), let hour = scanner.number(2), scanner.skip(":"),
            let minute = scanner.number(2), scanner.skip(":"), let second = scanner.number(2)
        else { return nil }
        let fraction = scanner.skip(".") ? scanner.fraction() : (digits: 0, value: 0)
        guard let fraction, let offset = scanner.zoneOffset(), scanner.atEnd else { return nil }
        return date(year, month, day, hour, minute, second, fraction: fraction, offsetSeconds: offset)
    }

    /// Parses an HTTP date, `Sun, 30 Aug 2015 12:36:00 GMT`.
    public static func parseHTTPDate(_ text: String) -> Date? {
        var scanner = TimestampScanner(text)
        guard let weekday = scanner.word(3), weekdayNames.contains(weekday), scanner.skip(", "),
            let day = scanner.number(2), scanner.skip(" "), let monthName = scanner.word(3),
            let monthIndex = monthNames.firstIndex(of: monthName), scanner.skip(" "), let year = scanner.number(4),
            scanner.skip(" "), let hour = scanner.number(2), scanner.skip(":"), let minute = scanner.number(2),
            scanner.skip(":"), let second = scanner.number(2), scanner.skip(" "), let zone = scanner.word(3),
            zone == "GMT" || zone == "UTC", scanner.atEnd
        else { return nil }
        return date(year, monthIndex + 1, day, hour, minute, second, fraction: (0, 0), offsetSeconds: 0)
    }

    /// Parses `20150830T123600Z`.
    public static func parseBasic(_ text: String) -> Date? {
        var scanner = TimestampScanner(text)
        guard let year = scanner.number(4), let month = scanner.number(2), let day = scanner.number(2),
            scanner.skip("T"), let hour = scanner.number(2), let minute = scanner.number(2),
            let second = scanner.number(2), scanner.skip("Z"), scanner.atEnd
        else { return nil }
        return date(year, month, day, hour, minute, second, fraction: (0, 0), offsetSeconds: 0)
    }

    private static let weekdayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// A date from calendar fields, or nil when a field is out of its range (Feb 30, 24:00 …).
    private static func date(
        _ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int,
        fraction: (digits: Int, value: Int), offsetSeconds: Int
    ) -> Date? {
        guard (1...12).contains(month), (1...CivilTime.daysIn(month: month, year: year)).contains(day),
            hour < 24, minute < 60, second < 60
        else { return nil }
        let seconds = CivilTime.days(year: year, month: month, day: day) * 86_400 + hour * 3_600 + minute * 60 + second - offsetSeconds
        guard fraction.digits > 0 else { return Date(timeIntervalSince1970: Double(seconds)) }
        // One rounding of the exact value, so `…00.234` parses to the same `Date` as the literal.
        var scale = 1
        for _ in 0..<fraction.digits { scale *= 10 }
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: scale)
        if overflow { return Date(timeIntervalSince1970: Double(seconds) + Double(fraction.value) / Double(scale)) }
        return Date(timeIntervalSince1970: Double(scaled + fraction.value) / Double(scale))
    }

    private static func pad(_ value: Int, _ width: Int) -> String { CivilTime.pad(value, width) }
}

/// A `Date` broken down into UTC calendar fields (Howard Hinnant's `civil_from_days`).
struct CivilTime {
    let year: Int
    let month: Int
    let day: Int
    let hour: Int
    let minute: Int
    let second: Int
    let millisecond: Int
    /// 0 = Sunday.
    let weekday: Int

    init(_ date: Date) {
        // To the nearest microsecond first: `….288` is stored as `….28799…`, and is 288 ms. Instants
        // outside years 1–9999 (or not finite) are written as the nearest end of that range: no
        // date a request carries can trap the conversion to an integer.
        let seconds = date.timeIntervalSince1970
        let bounded = seconds.isNaN ? 0 : min(max(seconds, -62_135_596_800), 253_402_300_799.999)
        let microseconds = Int((bounded * 1_000_000).rounded())
        let milliseconds = Self.floorDivision(microseconds, 1000).quotient
        let (days, millisecondOfDay) = Self.floorDivision(milliseconds, 86_400_000)
        let secondOfDay = millisecondOfDay / 1000
        millisecond = millisecondOfDay % 1000
        hour = secondOfDay / 3_600
        minute = secondOfDay % 3_600 / 60
        second = secondOfDay % 60
        weekday = Self.floorDivision(days + 4, 7).remainder
        let shifted = days + 719_468
        let era = Self.floorDivision(shifted, 146_097).quotient
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// `yyyy-MM-dd`.
    var date: String { "\(Self.pad(year, 4))-\(Self.pad(month, 2))-\(Self.pad(day, 2))" }
    /// `HH:mm:ss`.
    var clock: String { "\(Self.pad(hour, 2)):\(Self.pad(minute, 2)):\(Self.pad(second, 2))" }

    /// Days since 1970-01-01 of a calendar date (`days_from_civil`).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = floorDivision(shiftedYear, 400).quotient
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func floorDivision(_ value: Int, _ divisor: Int) -> (quotient: Int, remainder: Int) {
        let quotient = value >= 0 ? value / divisor : (value - divisor + 1) / divisor
        return (quotient, value - quotient * divisor)
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

/// Reads the fixed-width ASCII fields of a timestamp; anything else (a non-ASCII scalar, a field too
/// short) fails the read.
private struct TimestampScanner {
    private let bytes: [UInt8]
    private var position = 0

    init(_ text: String) {
        // Every format is short printable ASCII; longer text is refused before it is scanned.
        bytes = text.utf8.count <= 64 ? Array(text.utf8) : []
    }

    var atEnd: Bool { position == bytes.count && !bytes.isEmpty }

    mutating func number(_ width: Int) -> Int? {
        guard position + width <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[position..<position + width] {
            guard (0x30...0x39).contains(byte) else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        position += width
        return value
    }

    mutating func word(_ width: Int) -> String? {
        guard position + width <= bytes.count else { return nil }
        let slice = bytes[position..<position + width]
        guard slice.allSatisfy({ (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }) else { return nil }
        position += width
        return String(decoding: slice, as: UTF8.self)
    }

    mutating func skip(_ literal: String) -> Bool {
        let expected = Array(literal.utf8)
        guard position + expected.count <= bytes.count, Array(bytes[position..<position + expected.count]) == expected else {
            return false
        }
        position += expected.count
        return true
    }

    /// 1 to 9 digits after the decimal point.
    mutating func fraction() -> (digits: Int, value: Int)? {
        var digits = 0
        var value = 0
        while position < bytes.count, (0x30...0x39).contains(bytes[position]) {
            guard digits < 9 else { return nil }
            value = value * 10 + Int(bytes[position] - 0x30)
            digits += 1
            position += 1
        }
        return digits == 0 ? nil : (digits, value)
    }

    /// `Z`, `±HH:mm` or `±HHmm`, as seconds east of UTC.
    mutating func zoneOffset() -> Int? {
        if skip("Z") { return 0 }
        let sign: Int
        if skip("+") { sign = 1 } else if skip("-") { sign = -1 } else { return nil }
        guard let hours = number(2), hours < 24 else { return nil }
        _ = skip(":")
        guard let minutes = number(2), minutes < 60 else { return nil }
        return sign * (hours * 3_600 + minutes * 60)
    }
}
