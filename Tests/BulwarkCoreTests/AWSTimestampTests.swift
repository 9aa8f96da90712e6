import Foundation
import Testing

@testable import BulwarkCore

/// The arithmetic formats and parsers agree with Foundation's formatters, which they replaced, over
/// random dates of two and a half centuries from 1970, leap days and the epoch included. (Before 1970
/// Foundation's milliseconds are sometimes one more than the value written, e.g. `….712` printed as
/// `.713`; no AWS timestamp lies there, so random dates do not either.)
@Suite("AWS timestamps") struct AWSTimestampTests {
    static let referenceDates: [Date] = {
        var generator = SeededGenerator(seed: 0x5EED)
        let fixed: [Double] = [0, -1, -0.5, 951_782_400, 951_868_799.999, 4_107_542_400, -2_208_988_800, 1_440_938_160.234]
        let random = (0..<2_000).map { _ in
            Double(Int64.random(in: 0...8_000_000_000_000, using: &generator)) / 1000
        }
        return (fixed + random).map { Date(timeIntervalSince1970: $0) }
    }()

    @Test func formatsAsFoundationDid() {
        for date in Self.referenceDates {
            #expect(AWSTimestamp.iso8601(date) == Self.foundation("yyyy-MM-dd'T'HH:mm:ss'Z'", date))
            #expect(AWSTimestamp.lambda(date) == Self.foundation("yyyy-MM-dd'T'HH:mm:ss.SSSZ", date))
            #expect(AWSTimestamp.basic(date) == Self.foundation("yyyyMMdd'T'HHmmss'Z'", date))
            #expect(AWSTimestamp.rfc7231(date) == Self.foundation("EEE, dd MMM yyyy HH:mm:ss 'GMT'", date))
            #expect(AWSTimestamp.iso8601Milliseconds(date) == Self.foundation("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", date))
        }
    }

    @Test("Instants beyond years 1–9999, or not finite, are written as the nearest end of that range, never trap")
    func instantsBeyondTheYearRange() {
        #expect(AWSTimestamp.iso8601(Date(timeIntervalSince1970: 1e300)) == "9999-12-31T23:59:59Z")
        #expect(AWSTimestamp.iso8601(Date(timeIntervalSince1970: .infinity)) == "9999-12-31T23:59:59Z")
        #expect(AWSTimestamp.iso8601Milliseconds(Date(timeIntervalSince1970: -1e300)) == "0001-01-01T00:00:00.000Z")
        #expect(AWSTimestamp.iso8601(Date(timeIntervalSince1970: .nan)) == "1970-01-01T00:00:00Z")
    }

    @Test func parsesWhatItFormats() {
        for date in Self.referenceDates where date.timeIntervalSince1970 >= -62_135_596_800 {
            let whole = Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
            #expect(AWSTimestamp.parseISO8601(AWSTimestamp.iso8601(date)) == whole)
            #expect(AWSTimestamp.parseBasic(AWSTimestamp.basic(date)) == whole)
            #expect(AWSTimestamp.parseHTTPDate(AWSTimestamp.rfc7231(date)) == whole)
        }
    }

    @Test func parsesZonesAndFractions() {
        let instant = Date(timeIntervalSince1970: 1_440_938_160)
        #expect(AWSTimestamp.parseISO8601("2015-08-30T14:36:00+02:00") == instant)
        #expect(AWSTimestamp.parseISO8601("2015-08-30T04:36:00-0800") == instant)
        #expect(AWSTimestamp.parseISO8601("2015-08-30T12:36:00.234+0000") == Date(timeIntervalSince1970: 1_440_938_160.234))
        #expect(AWSTimestamp.parseISO8601("2015-08-30T12:36:00.123456Z") == Date(timeIntervalSince1970: 1_440_938_160.123456))
    }

    @Test(arguments: [
        "2015-02-29T00:00:00Z", "2015-13-01T00:00:00Z", "2015-08-30T24:00:00Z", "2015-08-30T12:60:00Z",
        "2015-08-30T12:36:00", "2015-08-30T12:36:00.Z", "2015-08-30T12:36:00.1234567890Z", "2015-08-30 12:36:00Z",
        "", "2015-08-30T12:36:00+2400",
    ])
    func refusesWhatIsNoISO8601Timestamp(_ text: String) {
        #expect(AWSTimestamp.parseISO8601(text) == nil)
    }

    @Test(arguments: ["Fun, 30 Aug 2015 12:36:00 GMT", "Sun, 30 Agu 2015 12:36:00 GMT", "Sun, 30 Aug 2015 12:36:00 PST"])
    func refusesWhatIsNoHTTPDate(_ text: String) {
        #expect(AWSTimestamp.parseHTTPDate(text) == nil)
    }

    private static func foundation(_ pattern: String, _ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.dateFormat = pattern
        return formatter.string(from: date)
    }
}

/// A reproducible generator (SplitMix64), so a failure names dates that can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
