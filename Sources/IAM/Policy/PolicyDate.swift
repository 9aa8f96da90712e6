/// Dates as the `Date*` condition operators read them: the W3C profile of ISO 8601
/// (`2024`, `2024-05`, `2024-05-01`, `2024-05-01T12:00Z`, `2024-05-01T12:00:00.5+02:00`) or a
/// number of seconds since 1970 (`1714564800`, as `aws:EpochTime` holds it).
enum PolicyDate {
    /// Seconds since 1970-01-01T00:00:00Z, or nil when `text` is not a date IAM accepts.
    static func seconds(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
        // IAM reads a value with neither a `T` nor a `-` as epoch seconds.
        if !bytes.contains(where: { $0 == UInt8(ascii: "T") || $0 == UInt8(ascii: "t") || $0 == UInt8(ascii: "-") }) {
            guard bytes.allSatisfy(isDigit), let value = Int64(text) else { return nil }
            return Double(value)
        }
        var reader = DateReader(bytes: bytes)
        return reader.read()
    }

    fileprivate static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// Days from 1970-01-01 to the given proleptic Gregorian date (valid for negative years too).
    static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let adjustedYear = month <= 2 ? year - 1 : year
        let era = (adjustedYear >= 0 ? adjustedYear : adjustedYear - 399) / 400
        let yearOfEra = adjustedYear - era * 400
        let shiftedMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

private struct DateReader {
    let bytes: [UInt8]
    var position = 0

    // The range IAM accepts for years.
    static let years: ClosedRange<Int64> = -292_275_054...292_278_993

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func read() -> Double? {
        var negativeYear = false
        if peek == UInt8(ascii: "-") {
            negativeYear = true
            position += 1
        }
        guard let yearDigits = digits(maximum: 10), var year = Int64(yearDigits) else { return nil }
        if negativeYear { year = -year }
        guard Self.years.contains(year) else { return nil }
        var month: Int64 = 1
        var day: Int64 = 1
        if peek == UInt8(ascii: "-") {
            position += 1
            guard let value = digits(maximum: 2).flatMap({ Int64($0) }), (1...12).contains(value) else { return nil }
            month = value
            if peek == UInt8(ascii: "-") {
                position += 1
                guard let value = digits(maximum: 2).flatMap({ Int64($0) }), (1...31).contains(value) else { return nil }
                day = value
            }
        }
        var seconds = Double(PolicyDate.daysSinceEpoch(year: year, month: month, day: day)) * 86_400
        guard let separator = peek else { return seconds }
        guard separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t") else { return nil }
        position += 1
        guard let time = readTime() else { return nil }
        seconds += time
        return position == bytes.count ? seconds : nil
    }

    /// `hh[:mm[:ss[.fraction]]]` followed by an optional zone; an empty time means midnight.
    mutating func readTime() -> Double? {
        guard peek != nil else { return 0 }
        guard let hours = digits(maximum: 2).flatMap({ Int64($0) }), (0...23).contains(hours) else {
            return isZoneStart(peek) ? readZone().map { -$0 } : nil
        }
        var total = Double(hours * 3600)
        if peek == UInt8(ascii: ":") {
            position += 1
            guard let minutes = digits(maximum: 2).flatMap({ Int64($0) }), (0...59).contains(minutes) else { return nil }
            total += Double(minutes * 60)
            if peek == UInt8(ascii: ":") {
                position += 1
                guard let secondsText = digits(maximum: 2), let seconds = Int64(secondsText), (0...59).contains(seconds) else {
                    return nil
                }
                total += Double(seconds)
                if peek == UInt8(ascii: ".") {
                    position += 1
                    guard let fraction = digits(maximum: 9), let value = Double("0." + fraction) else { return nil }
                    total += value
                }
            }
        }
        guard peek != nil else { return total }
        guard let offset = readZone() else { return nil }
        return total - offset
    }

    func isZoneStart(_ byte: UInt8?) -> Bool {
        byte == UInt8(ascii: "Z") || byte == UInt8(ascii: "z") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
    }

    /// `Z` or `+hh[:mm]`/`-hh[:mm]`; answers the offset from UTC in seconds.
    mutating func readZone() -> Double? {
        guard let sign = peek else { return nil }
        position += 1
        if sign == UInt8(ascii: "Z") || sign == UInt8(ascii: "z") { return 0 }
        guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return nil }
        guard let hoursText = digits(maximum: 2), hoursText.count == 2, let hours = Int64(hoursText), (0...23).contains(hours) else {
            return nil
        }
        var minutes: Int64 = 0
        if peek == UInt8(ascii: ":") {
            position += 1
            guard let text = digits(maximum: 2), text.count == 2, let value = Int64(text), (0...59).contains(value) else { return nil }
            minutes = value
        }
        let offset = Double(hours * 3600 + minutes * 60)
        return sign == UInt8(ascii: "-") ? -offset : offset
    }

    var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

    /// One to `maximum` digits; nil when there is none or more than `maximum`.
    mutating func digits(maximum: Int) -> String? {
        let start = position
        while position < bytes.count, PolicyDate.isDigit(bytes[position]) { position += 1 }
        let count = position - start
        guard count > 0, count <= maximum else {
            position = start
            return nil
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }
}
