import Foundation
import HTTPTypes

/// Signs requests with AWS Signature Version 4: in the `Authorization` header or in the query string of
/// a presigned URL.
///
/// Used by tests, by the server for the presigned download URLs it hands out, and by clients.
/// Every header of the request is signed except the hop-by-hop and proxy-altered ones botocore leaves
/// out (`user-agent`, `x-amzn-trace-id`, `connection`, `expect`, ...), so the request must already
/// carry `Host` and any header the signature must cover.
public struct SigV4Signer: Sendable {
    public var credentials: SigV4Credentials
    public var region: String
    /// The signing name of the service (`lambda`, `iam`, `sts`).
    public var service: String
    /// Whether the path is normalized before signing; `true` for every service except S3.
    public var normalizesURIPath: Bool

    public init(credentials: SigV4Credentials, region: String, service: String, normalizesURIPath: Bool = true) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.normalizesURIPath = normalizesURIPath
    }

    /// How much of the request a signature covers.
    public struct Options: Sendable, Hashable {
        /// The payload hash to sign; `nil` signs the SHA-256 of the request's body.
        public var payload: SigV4Payload?
        /// Whether a header signature sends (and signs) `x-amz-content-sha256`; always done when
        /// ``payload`` is not `nil` or `.body`, since the verifier could not know the hash otherwise.
        /// (A presigned URL carries such a hash as `X-Amz-Content-Sha256` in the query.)
        public var addsContentSHA256: Bool
        /// Whether the session token is signed (`true`, what botocore does) or only attached after
        /// signing (`false`, what some IoT clients do).
        public var signsSessionToken: Bool

        public init(payload: SigV4Payload? = nil, addsContentSHA256: Bool = false, signsSessionToken: Bool = true) {
            self.payload = payload
            self.addsContentSHA256 = addsContentSHA256
            self.signsSessionToken = signsSessionToken
        }
    }

    /// Signs `request` as made at `date`; returns the headers to add and the intermediate values.
    public func sign(_ request: WireRequest, at date: Date, options: Options = Options()) -> SigV4Signature {
        let amzDate = SigV4Timestamp.basic(date)
        let scope = SigV4CredentialScope(instant: date, region: region, service: service)
        let payloadHash = (options.payload ?? .body(request.body)).canonicalHash

        var added = HTTPFields()
        added[Self.field("X-Amz-Date")] = amzDate
        if let token = credentials.sessionToken {
            added[Self.field("X-Amz-Security-Token")] = token
        }
        if options.addsContentSHA256 || !Self.isBodyHash(options.payload) {
            added[Self.field("x-amz-content-sha256")] = payloadHash
        }
        var headers = request.headers
        headers[.authorization] = nil
        for field in added {
            headers[field.name] = field.value
        }
        var unsigned: Set<String> = Self.unsignedHeaders
        if !options.signsSessionToken { unsigned.insert("x-amz-security-token") }

        let canonical = canonicalRequest(
            request,
            headers: headers,
            query: request.rawQuery,
            excluding: unsigned,
            payloadHash: payloadHash
        )
        let stringToSign = canonical.stringToSign(amzDate: amzDate, scope: scope)
        let signature = SigV4Crypto.signature(stringToSign: stringToSign, secretAccessKey: credentials.secretAccessKey, scope: scope)
        let credential = "\(credentials.accessKeyID)/\(scope)"
        added[.authorization] =
            "\(SigV4Crypto.algorithm) Credential=\(credential), SignedHeaders=\(canonical.signedHeaders), Signature=\(signature)"
        return SigV4Signature(canonicalRequest: canonical, stringToSign: stringToSign, signature: signature, headers: added)
    }

    /// `request` with the signature's headers set (replacing any of the same name).
    public func signed(_ request: WireRequest, at date: Date, options: Options = Options()) -> WireRequest {
        var signed = request
        for field in sign(request, at: date, options: options).headers {
            signed.headers[field.name] = field.value
        }
        return signed
    }

    /// Presigns `request` as made at `date`, valid for `expires` seconds (AWS accepts 1...604800).
    /// Without `expires` the URL is valid only within the verifier's clock skew, as STS treats it.
    ///
    /// The payload is the SHA-256 of the body unless ``Options/payload`` says otherwise, in which case
    /// `X-Amz-Content-Sha256` joins the signed query so the verifier knows what was signed.
    public func presign(_ request: WireRequest, at date: Date, expires: Int?, options: Options = Options()) -> SigV4Presignature {
        let amzDate = SigV4Timestamp.basic(date)
        let scope = SigV4CredentialScope(instant: date, region: region, service: service)
        let payloadHash = (options.payload ?? .body(request.body)).canonicalHash
        let signedHeaders = Self.signedHeaderNames(request.headers, excluding: Self.unsignedHeaders)

        var authParameters = [
            ("X-Amz-Algorithm", SigV4Crypto.algorithm),
            ("X-Amz-Credential", "\(credentials.accessKeyID)/\(scope)"),
            ("X-Amz-Date", amzDate),
        ]
        if let expires { authParameters.append(("X-Amz-Expires", String(expires))) }
        authParameters.append(("X-Amz-SignedHeaders", signedHeaders.joined(separator: ";")))
        if !Self.isBodyHash(options.payload) {
            authParameters.append(("X-Amz-Content-Sha256", payloadHash))
        }
        if let token = credentials.sessionToken, options.signsSessionToken {
            authParameters.append(("X-Amz-Security-Token", token))
        }
        let signedQuery = Self.appending(authParameters, to: request.rawQuery)
        let canonical = canonicalRequest(
            request,
            headers: request.headers,
            query: signedQuery,
            excluding: Self.unsignedHeaders,
            payloadHash: payloadHash
        )
        let stringToSign = canonical.stringToSign(amzDate: amzDate, scope: scope)
        let signature = SigV4Crypto.signature(stringToSign: stringToSign, secretAccessKey: credentials.secretAccessKey, scope: scope)

        var finalParameters = [("X-Amz-Signature", signature)]
        if let token = credentials.sessionToken, !options.signsSessionToken {
            finalParameters.insert(("X-Amz-Security-Token", token), at: 0)
        }
        return SigV4Presignature(
            canonicalRequest: canonical,
            stringToSign: stringToSign,
            signature: signature,
            query: Self.appending(finalParameters, to: signedQuery)
        )
    }

    private func canonicalRequest(
        _ request: WireRequest,
        headers: HTTPFields,
        query: String,
        excluding unsigned: Set<String>,
        payloadHash: String
    ) -> SigV4CanonicalRequest {
        let names = Self.signedHeaderNames(headers, excluding: unsigned)
        // A signer signs what it is given: a path or query that the verifier would refuse is encoded as
        // it stands, so the refusal comes from the verifier and not from a crash here.
        let uri =
            (try? SigV4Canonicalization.uri(rawPath: request.rawPath, normalizing: normalizesURIPath))
            ?? SigV4Encoding.encode(request.rawPath.utf8, keepSlash: true)
        let canonicalQuery = (try? SigV4Canonicalization.query(rawQuery: query)) ?? query
        return SigV4CanonicalRequest(
            method: request.method.rawValue,
            uri: uri,
            query: canonicalQuery,
            headers: SigV4Canonicalization.headers(headers, names: names) ?? "",
            signedHeaders: names.joined(separator: ";"),
            payloadHash: payloadHash
        )
    }

    /// Headers that proxies add, drop or rewrite, so signing them would break honest requests
    /// (botocore's `SIGNED_HEADERS_BLACKLIST`), and the `Authorization` header itself.
    static let unsignedHeaders: Set<String> = [
        "authorization", "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
        "trailer", "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
    ]

    private static func signedHeaderNames(_ headers: HTTPFields, excluding unsigned: Set<String>) -> [String] {
        Set(headers.map(\.name.canonicalName)).subtracting(unsigned).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    private static func isBodyHash(_ payload: SigV4Payload?) -> Bool {
        switch payload {
        case nil, .body: true
        case .sha256, .unsigned, .streaming: false
        }
    }

    private static func appending(_ parameters: [(String, String)], to rawQuery: String) -> String {
        let encoded = parameters.map { "\($0)=\(SigV4Encoding.encode($1.utf8, keepSlash: false))" }.joined(separator: "&")
        return rawQuery.isEmpty ? encoded : "\(rawQuery)&\(encoded)"
    }

    private static func field(_ name: String) -> HTTPField.Name {
        // The names used here are valid tokens, so this never fails.
        HTTPField.Name(name)!
    }
}
