import Foundation

/// The request's context keys (`aws:SourceIp`, `aws:SecureTransport`, `aws:CurrentTime`,
/// `lambda:FunctionArn`, `iam:PassedToService`, …). Keys are case-insensitive.
///
/// Keys about the principal (`aws:PrincipalArn`, `aws:userid`, `aws:PrincipalTag/*`, …) come from
/// ``RequestPrincipal`` and are ignored here, so a request cannot claim another identity — except in
/// a policy simulation, whose context entries stand for any key (``suppliesPrincipalKeys``).
///
/// Every request sets a handful of keys and most policies read none of them, so building a context
/// must cost next to nothing: times are kept as dates and written as text only when a condition
/// or a report reads them, and the keys the pipeline sets are spelt lowercased in advance.
public struct RequestContext: Sendable, Hashable {
    /// A key as it was set, and its value.
    struct Entry: Sendable, Hashable {
        var name: String
        var stored: Stored

        init(name: String, value: ContextValue) {
            self.name = name
            self.stored = .value(value)
        }

        init(name: String, stored: Stored) {
            self.name = name
            self.stored = stored
        }

        /// The value, times written as `aws:CurrentTime` and `aws:EpochTime` hold them.
        var value: ContextValue {
            switch stored {
            case .value(let value): value
            case .date(let date): .date(date)
            case .epochSeconds(let date): .single(String(Int64(date.timeIntervalSince1970.rounded(.down))))
            }
        }
    }

    /// A value as it is kept: the text, or a time to be written when read.
    enum Stored: Sendable, Hashable {
        case value(ContextValue)
        /// ISO 8601 in UTC, as ``ContextValue/date(_:)`` writes it.
        case date(Date)
        /// Whole seconds since 1970.
        case epochSeconds(Date)
    }

    /// Under lowercased keys; each entry keeps the key's spelling for reports of the context.
    private var values: [String: Entry]
    /// Whether this context's keys take precedence over those derived from the principal: only the
    /// policy simulator's context, which describes a hypothetical call rather than an authenticated one.
    var suppliesPrincipalKeys = false

    public init(_ values: [String: ContextValue] = [:]) {
        self.values = Dictionary(
            values.map { ($0.key.lowercased(), Entry(name: $0.key, value: $0.value)) }, uniquingKeysWith: { _, last in last }
        )
    }

    /// The key's value, looked up without regard to case.
    public subscript(key: String) -> ContextValue? {
        get { values[key.lowercased()]?.value }
        set { values[key.lowercased()] = newValue.map { Entry(name: key, value: $0) } }
    }

    /// Every key as it was set, with its value, ordered by key.
    public var entries: [(key: String, value: ContextValue)] {
        values.values.sorted { $0.name < $1.name }.map { ($0.name, $0.value) }
    }

    /// Sets `aws:CurrentTime` and `aws:EpochTime` to `date`.
    public mutating func setTime(_ date: Date) {
        values["aws:currenttime"] = Entry(name: "aws:CurrentTime", stored: .date(date))
        values["aws:epochtime"] = Entry(name: "aws:EpochTime", stored: .epochSeconds(date))
    }

    /// Sets a key whose lowercased spelling the caller already knows (`lowercasedKey` must be
    /// `name.lowercased()`), on the path of every request.
    mutating func set(lowercasedKey: String, name: String, _ stored: Stored) {
        values[lowercasedKey] = Entry(name: name, stored: stored)
    }

    /// The context keys of an ordinary API request.
    public static func request(
        time: Date,
        sourceIP: String? = nil,
        secureTransport: Bool,
        requestedRegion: String? = nil,
        userAgent: String? = nil
    ) -> RequestContext {
        var context = RequestContext()
        context.values.reserveCapacity(12)
        context.setTime(time)
        context.set(lowercasedKey: "aws:securetransport", name: "aws:SecureTransport", .value(.bool(secureTransport)))
        if let sourceIP { context.set(lowercasedKey: "aws:sourceip", name: "aws:SourceIp", .value(.single(sourceIP))) }
        if let requestedRegion {
            context.set(lowercasedKey: "aws:requestedregion", name: "aws:RequestedRegion", .value(.single(requestedRegion)))
        }
        if let userAgent { context.set(lowercasedKey: "aws:useragent", name: "aws:UserAgent", .value(.single(userAgent))) }
        return context
    }

    /// The value under an already lowercased key, on the evaluation path.
    func value(lowercasedKey key: String) -> ContextValue? {
        values[key]?.value
    }
}
