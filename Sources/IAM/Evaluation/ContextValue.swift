import BulwarkCore
import Foundation

/// The value of one context key: single-valued (`aws:SourceIp`) or multivalued (`aws:TagKeys`,
/// `aws:CalledVia`). A multivalued key needs `ForAllValues:`/`ForAnyValue:` to be compared.
public enum ContextValue: Sendable, Hashable {
    case single(String)
    case multiple([String])

    /// A Boolean key such as `aws:SecureTransport`.
    public static func bool(_ value: Bool) -> ContextValue { .single(value ? "true" : "false") }

    /// A numeric key such as `aws:MultiFactorAuthAge`.
    public static func number(_ value: Int) -> ContextValue { .single(String(value)) }

    /// A time as `aws:CurrentTime` holds it: ISO 8601 in UTC, to the second below.
    public static func date(_ value: Date) -> ContextValue {
        // Whole seconds of the years 1583 to 9999 are written by arithmetic, as Foundation's format
        // style writes them (it drops the fraction); other times by Foundation, whose calendar is
        // Julian before the Gregorian reform.
        let seconds = value.timeIntervalSince1970.rounded(.down)
        guard seconds >= -12_212_553_600, seconds <= 253_402_300_799 else {
            return .single(value.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false)))
        }
        return .single(AWSTimestamp.iso8601(Date(timeIntervalSince1970: seconds)))
    }
}
