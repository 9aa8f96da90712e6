/// The canonical form of a request that SigV4 hashes and signs.
///
/// Signer and verifier build it with the same code (``SigV4Canonicalization``), so that what a client
/// signs and what the server checks cannot drift apart.
public struct SigV4CanonicalRequest: Sendable, Hashable {
    /// The HTTP method, as sent.
    public var method: String
    /// The path, normalized and percent-encoded once more (see ``SigV4Canonicalization/uri(rawPath:normalizing:)``).
    public var uri: String
    /// The query parameters, re-encoded and sorted, without `X-Amz-Signature`.
    public var query: String
    /// One `name:value\n` line per signed header, in `signedHeaders` order.
    public var headers: String
    /// The signed header names joined with `;`.
    public var signedHeaders: String
    /// The SHA-256 of the body as lowercase hex, or `UNSIGNED-PAYLOAD`.
    public var payloadHash: String

    public init(method: String, uri: String, query: String, headers: String, signedHeaders: String, payloadHash: String) {
        self.method = method
        self.uri = uri
        self.query = query
        self.headers = headers
        self.signedHeaders = signedHeaders
        self.payloadHash = payloadHash
    }

    /// The six lines that are hashed.
    public var text: String {
        "\(method)\n\(uri)\n\(query)\n\(headers)\n\(signedHeaders)\n\(payloadHash)"
    }

    /// `AWS4-HMAC-SHA256\n<amzDate>\n<scope>\n<hex(sha256(text))>`.
    public func stringToSign(amzDate: String, scope: SigV4CredentialScope) -> String {
        "\(SigV4Crypto.algorithm)\n\(amzDate)\n\(scope)\n\(SigV4Crypto.sha256Hex(text))"
    }
}
