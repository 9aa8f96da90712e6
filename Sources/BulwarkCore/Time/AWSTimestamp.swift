import Foundation

/// The timestamp formats that AWS APIs use on the wire.
public enum AWSTimestamp {
    /// `2015-08-30T12:36:00Z`, as in CloudTrail's `eventTime` and the query protocol.
    public static func iso8601(_ date: Date) -> String {
        format(date, "yyyy-MM-dd'T'HH:mm:ss'Z'")
    }

    /// `2019-09-24T21:01:36.234+0000`, as in Lambda's `LastModified`.
    public static func lambda(_ date: Date) -> String {
        format(date, "yyyy-MM-dd'T'HH:mm:ss.SSSZ")
    }

    /// `20150830T123600Z`, as in SigV4's `X-Amz-Date`.
    public static func basic(_ date: Date) -> String {
        format(date, "yyyyMMdd'T'HHmmss'Z'")
    }

    /// `Sun, 30 Aug 2015 12:36:00 GMT`, as in HTTP `Date` headers.
    public static func rfc7231(_ date: Date) -> String {
        format(date, "EEE, dd MMM yyyy HH:mm:ss 'GMT'")
    }

    /// Parses `yyyy-MM-ddTHH:mm:ss[.SSS]Z` or with a numeric zone.
    public static func parseISO8601(_ text: String) -> Date? {
        guard isParsable(text) else { return nil }
        for pattern in ["yyyy-MM-dd'T'HH:mm:ssXXXXX", "yyyy-MM-dd'T'HH:mm:ss.SSSXXXXX", "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXXXX"] {
            if let date = formatter(pattern).date(from: text) { return date }
        }
        return nil
    }

    /// Parses an HTTP date, `Sun, 30 Aug 2015 12:36:00 GMT`.
    public static func parseHTTPDate(_ text: String) -> Date? {
        guard isParsable(text) else { return nil }
        return formatter("EEE, dd MMM yyyy HH:mm:ss zzz").date(from: text)
    }

    /// Parses `20150830T123600Z`.
    public static func parseBasic(_ text: String) -> Date? {
        guard text.utf8.count == 16, isParsable(text) else { return nil }
        return formatter("yyyyMMdd'T'HHmmss'Z'").date(from: text)
    }

    /// Whether `text` may be handed to a `DateFormatter`: every format above is printable ASCII, and
    /// Foundation's formatter on Linux traps ("Incorrect range CFRange") on some other text, e.g. a
    /// combining mark after a digit (`2015-06-3\u{5AB}0T12:36:00Z`), which would let any request with a
    /// timestamp member stop the server. The length bound keeps the formatter's work small.
    private static func isParsable(_ text: String) -> Bool {
        text.utf8.count <= 64 && text.utf8.allSatisfy { (0x20...0x7E).contains($0) }
    }

    private static func format(_ date: Date, _ pattern: String) -> String {
        formatter(pattern).string(from: date)
    }

    private static func formatter(_ pattern: String) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.dateFormat = pattern
        return formatter
    }
}
