import Foundation
import HTTPTypes

/// An HTTP request as the pipeline sees it: independent of the HTTP server that received it.
public struct WireRequest: Sendable {
    public var method: HTTPRequest.Method
    /// The path exactly as received, still percent-encoded, without the query.
    public var rawPath: String
    /// The query string exactly as received, without the `?`; empty when there is none.
    public var rawQuery: String
    public var headers: HTTPFields
    public var body: Data
    /// The peer's IP address (`aws:SourceIp`).
    public var sourceIP: String
    /// Whether the request arrived over TLS (`aws:SecureTransport`).
    public var isSecureTransport: Bool
    /// The negotiated TLS version, for the audit trail.
    public var tlsVersion: String?
    /// Set when the request came from inside a function's sandbox, through its private endpoint
    /// (`lambda:SourceFunctionArn`); such requests have no source IP.
    public var sourceFunctionARN: String?

    public init(
        method: HTTPRequest.Method,
        rawPath: String,
        rawQuery: String = "",
        headers: HTTPFields = [:],
        body: Data = Data(),
        sourceIP: String = "127.0.0.1",
        isSecureTransport: Bool = false,
        tlsVersion: String? = nil
    ) {
        self.method = method
        self.rawPath = rawPath
        self.rawQuery = rawQuery
        self.headers = headers
        self.body = body
        self.sourceIP = sourceIP
        self.isSecureTransport = isSecureTransport
        self.tlsVersion = tlsVersion
    }

    /// Splits a request target (`/path?query`) into its raw path and raw query.
    public init(method: HTTPRequest.Method, target: String, headers: HTTPFields = [:], body: Data = Data()) {
        if let mark = target.firstIndex(of: "?") {
            self.init(
                method: method,
                rawPath: String(target[..<mark]),
                rawQuery: String(target[target.index(after: mark)...]),
                headers: headers,
                body: body
            )
        } else {
            self.init(method: method, rawPath: target, headers: headers, body: body)
        }
    }

    /// The query parameters, percent-decoded, in order; a key without `=` has an empty value.
    public var queryItems: [(name: String, value: String)] {
        QueryString.parse(rawQuery)
    }

    public func header(_ name: String) -> String? {
        guard let field = HTTPField.Name(name) else { return nil }
        return headers[field]
    }
}

/// An HTTP answer as the pipeline produces it.
public struct WireResponse: Sendable {
    public var status: Int
    public var headers: HTTPFields
    public var body: Data

    public init(status: Int, headers: HTTPFields = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        guard let field = HTTPField.Name(name) else { return nil }
        return headers[field]
    }

    public mutating func setHeader(_ name: String, _ value: String) {
        guard let field = HTTPField.Name(name) else { return }
        headers[field] = value
    }
}

extension HTTPField.Name {
    /// `Host`, which HTTPTypes otherwise keeps only as a request's authority; SigV4 signs it as a header.
    public static let hostHeader = HTTPField.Name("Host")!
}
