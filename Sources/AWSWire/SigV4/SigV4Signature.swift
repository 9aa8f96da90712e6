import HTTPTypes

/// The result of signing a request in its headers.
public struct SigV4Signature: Sendable, Hashable {
    public var canonicalRequest: SigV4CanonicalRequest
    public var stringToSign: String
    /// The signature, 64 lowercase hex digits.
    public var signature: String
    /// The headers to add to the request: `X-Amz-Date`, `X-Amz-Security-Token` when the credentials
    /// have a session token, `x-amz-content-sha256` when asked for, and `Authorization`.
    public var headers: HTTPFields

    public init(canonicalRequest: SigV4CanonicalRequest, stringToSign: String, signature: String, headers: HTTPFields) {
        self.canonicalRequest = canonicalRequest
        self.stringToSign = stringToSign
        self.signature = signature
        self.headers = headers
    }

    /// The `Authorization` header's value.
    public var authorization: String { headers[.authorization] ?? "" }
}

/// The result of presigning a request: the query string that authenticates it.
public struct SigV4Presignature: Sendable, Hashable {
    public var canonicalRequest: SigV4CanonicalRequest
    public var stringToSign: String
    public var signature: String
    /// The complete raw query: the request's own parameters followed by `X-Amz-Algorithm`,
    /// `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Expires`, `X-Amz-SignedHeaders`, optionally
    /// `X-Amz-Content-Sha256` and `X-Amz-Security-Token`, and last `X-Amz-Signature`.
    public var query: String

    public init(canonicalRequest: SigV4CanonicalRequest, stringToSign: String, signature: String, query: String) {
        self.canonicalRequest = canonicalRequest
        self.stringToSign = stringToSign
        self.signature = signature
        self.query = query
    }
}
