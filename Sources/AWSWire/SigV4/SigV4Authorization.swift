import HTTPTypes

/// The authentication parameters of a request as sent, before any of them is checked: steps 5–7 of
/// AWS's error ordering.
///
/// The router may read ``credential`` to learn the service a request was signed for before it is
/// authenticated; nothing here is trustworthy until ``SigV4Verifier`` has accepted the request.
public struct SigV4Authorization: Sendable, Hashable {
    public enum Location: Sendable, Hashable {
        case authorizationHeader
        case queryString
    }

    public var location: Location
    /// `AKID/20150830/us-east-1/service/aws4_request`, unparsed.
    public var credential: String
    /// The names in `SignedHeaders`, in the order sent.
    public var signedHeaders: [String]
    public var signature: String
    /// `X-Amz-Date` (header or query), or the `Date` header when a header-signed request has no
    /// `X-Amz-Date`.
    public var date: String
    /// Whether ``date`` came from the `Date` header.
    public var dateIsHTTPDate: Bool
    /// `X-Amz-Security-Token` from the header, or from the query when presigned.
    public var sessionToken: String?
    /// `X-Amz-Expires`, unparsed; presigned only.
    public var expires: String?
    /// `x-amz-content-sha256` (header, or `X-Amz-Content-Sha256` query parameter when presigned).
    public var contentSHA256: String?

    /// Reads the parameters of `request` (whose query must be well formed).
    public init(request: WireRequest) throws(SigV4Failure) {
        try self.init(request: request, queryParameters: SigV4Canonicalization.queryParameters(request.rawQuery))
    }

    init(request: WireRequest, queryParameters: [SigV4Canonicalization.QueryParameter]) throws(SigV4Failure) {
        let header = request.headers[values: .authorization].first
        // Step 7c: the first of repeated query parameters counts.
        func query(_ name: String) -> String? { queryParameters.first { $0.name == name }?.value }
        switch (header, query("X-Amz-Algorithm")) {
        case (nil, nil): throw .missingAuthentication
        case (.some, .some): throw .ambiguousAuthentication
        case (.some(let header), nil): try self.init(authorizationHeader: header, headers: request.headers)
        case (nil, .some(let algorithm)): try self.init(algorithm: algorithm, query: query, headers: request.headers)
        }
    }

    /// Steps 6a–6d.
    private init(authorizationHeader rawHeader: String, headers: HTTPFields) throws(SigV4Failure) {
        let header = SigV4Canonicalization.trimAll(rawHeader)
        let algorithm = header.prefix { $0 != " " }
        guard algorithm == SigV4Crypto.algorithm else {
            throw .incompleteSignature("Unsupported AWS 'algorithm': '\(algorithm)'.")
        }
        // AWS separates the parameters by commas and by spaces alike: "Credential= AKID/..." is
        // answered with "'AKID/...' not a valid key=value pair".
        var parameters: [Substring: Substring] = [:]
        for piece in header.dropFirst(algorithm.count).split(whereSeparator: { $0 == "," || $0 == " " }) {
            guard let equals = piece.firstIndex(of: "=") else {
                throw .incompleteSignature(
                    "'\(piece)' not a valid key=value pair (missing equal-sign) in Authorization header: '\(header)'"
                )
            }
            // Step 6c: the last of repeated parameters counts.
            parameters[piece[..<equals]] = piece[piece.index(after: equals)...]
        }
        let amzDate = headers[values: Self.field("x-amz-date")].first
        let httpDate = headers[values: .date].first
        var missing: [String] = []
        if parameters["Credential"] == nil { missing.append("Authorization header requires 'Credential' parameter.") }
        if parameters["Signature"] == nil { missing.append("Authorization header requires 'Signature' parameter.") }
        if parameters["SignedHeaders"] == nil {
            missing.append("Authorization header requires 'SignedHeaders' parameter.")
        }
        if amzDate == nil && httpDate == nil {
            missing.append("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
        }
        guard missing.isEmpty, let credential = parameters["Credential"], let signature = parameters["Signature"],
            let signedHeaders = parameters["SignedHeaders"], let date = amzDate ?? httpDate
        else {
            throw .incompleteSignature("\(missing.joined(separator: " ")) Authorization=\(header)")
        }
        self.location = .authorizationHeader
        self.credential = String(credential)
        self.signature = String(signature)
        self.signedHeaders = signedHeaders.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        self.date = date
        self.dateIsHTTPDate = amzDate == nil
        self.sessionToken = headers[values: Self.field("x-amz-security-token")].first
        self.expires = nil
        self.contentSHA256 = headers[values: Self.field("x-amz-content-sha256")].first
    }

    /// Steps 7a–7d.
    private init(algorithm: String, query: (String) -> String?, headers: HTTPFields) throws(SigV4Failure) {
        // Step 7a: another algorithm is answered as if there were no authentication at all.
        guard algorithm == SigV4Crypto.algorithm else { throw .missingAuthentication }
        let credential = query("X-Amz-Credential")
        let signature = query("X-Amz-Signature")
        let signedHeaders = query("X-Amz-SignedHeaders")
        let date = query("X-Amz-Date")
        var missing: [String] = []
        if credential == nil { missing.append("AWS query-string parameters must include 'X-Amz-Credential'.") }
        if signature == nil { missing.append("AWS query-string parameters must include 'X-Amz-Signature'.") }
        if signedHeaders == nil { missing.append("AWS query-string parameters must include 'X-Amz-SignedHeaders'.") }
        if date == nil { missing.append("AWS query-string parameters must include 'X-Amz-Date'.") }
        guard missing.isEmpty, let credential, let signature, let signedHeaders, let date else {
            throw .incompleteSignature("\(missing.joined(separator: " ")) Re-examine the query-string parameters.")
        }
        self.location = .queryString
        self.credential = credential
        self.signature = signature
        self.signedHeaders = signedHeaders.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        self.date = date
        self.dateIsHTTPDate = false
        self.sessionToken = query("X-Amz-Security-Token")
        self.expires = query("X-Amz-Expires")
        self.contentSHA256 = headers[values: Self.field("x-amz-content-sha256")].first ?? query("X-Amz-Content-Sha256")
    }

    private static func field(_ name: String) -> HTTPField.Name {
        // The names used here are valid tokens, so this never fails.
        HTTPField.Name(name)!
    }
}
