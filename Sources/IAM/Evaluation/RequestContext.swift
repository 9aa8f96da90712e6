import Foundation

/// The request's context keys (`aws:SourceIp`, `aws:SecureTransport`, `aws:CurrentTime`,
/// `lambda:FunctionArn`, `iam:PassedToService`, …). Keys are case-insensitive.
///
/// Keys about the principal (`aws:PrincipalArn`, `aws:userid`, `aws:PrincipalTag/*`, …) come from
/// ``RequestPrincipal`` and are ignored here, so a request cannot claim another identity — except in
/// a policy simulation, whose context entries stand for any key (``suppliesPrincipalKeys``).
public struct RequestContext: Sendable, Hashable {
    /// A key as it was set, and its value.
    struct Entry: Sendable, Hashable {
        var name: String
        var value: ContextValue
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
        values["aws:currenttime"] = Entry(name: "aws:CurrentTime", value: .date(date))
        values["aws:epochtime"] = Entry(name: "aws:EpochTime", value: .single(String(Int64(date.timeIntervalSince1970.rounded(.down)))))
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
        context.setTime(time)
        context["aws:SecureTransport"] = .bool(secureTransport)
        if let sourceIP { context["aws:SourceIp"] = .single(sourceIP) }
        if let requestedRegion { context["aws:RequestedRegion"] = .single(requestedRegion) }
        if let userAgent { context["aws:UserAgent"] = .single(userAgent) }
        return context
    }

    /// The value under an already lowercased key, on the evaluation path.
    func value(lowercasedKey key: String) -> ContextValue? {
        values[key]?.value
    }
}
