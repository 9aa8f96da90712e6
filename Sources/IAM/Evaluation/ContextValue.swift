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

    /// A time as `aws:CurrentTime` holds it: ISO 8601 in UTC.
    public static func date(_ value: Date) -> ContextValue {
        .single(value.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false)))
    }
}
