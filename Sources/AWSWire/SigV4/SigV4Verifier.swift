import BulwarkCore
import Foundation
import HTTPTypes

/// Verifies AWS Signature Version 4 on incoming requests, strictly and in AWS's order.
///
/// When several things are wrong, the error AWS reports is the first in this order (from
/// `dacut/scratchstack-aws-signature`, `docs/AWS Auth Error Ordering.pdf`, observed on IAM and STS):
///
/// - 1: the path: absolute, well-formed `%` escapes, not above the root;
/// - 4: the query string: well-formed `%` escapes;
/// - 5: an `Authorization` header or an `X-Amz-Algorithm` query parameter, not both;
/// - 6a–6d / 7a–7d: the algorithm, the `key=value` syntax and the presence of every parameter, plus a
///   valid `X-Amz-Expires` when presigned;
/// - 8: `host` among the signed headers (and every signed header present; for S3, every `x-amz-*`
///   header present among the signed headers);
/// - 9: the date in ISO 8601 basic format;
/// - 10, 11: the date within the clock skew of the server (a presigned URL: not expired, not future);
/// - 12: a credential of five `/`-separated parts;
/// - 13: the scope's region, service, terminator and day;
/// - 14, 15: the session token, then the access key (asked of the ``SigV4CredentialLookup``, which is
///   never consulted before);
/// - 16: the payload hash, then the signature, compared in constant time.
///
/// Steps 2 and 3 (method and content type) belong to the router and the decoder.
///
/// The request must carry `Host` as a header field: HTTPTypes moves it into `HTTPRequest.authority`,
/// so the edge puts it back when it builds the ``WireRequest``. The pipeline routes on the path as
/// ``RequestPath/normalized(_:)`` normalizes it (``WireRequest/normalizePath()``), since that is what was signed.
public struct SigV4Verifier: Sendable {
    public var clock: WallClock
    /// How far the request date may be from the server's clock; AWS allows 5 minutes for Lambda and
    /// 15 for IAM and STS. Reported in whole minutes.
    public var allowedClockSkew: TimeInterval
    /// Whether paths are normalized before canonicalization; `true` for every service except S3.
    public var normalizesURIPath: Bool
    /// Whether `x-amz-content-sha256: UNSIGNED-PAYLOAD` is accepted.
    public var acceptsUnsignedPayload: Bool
    /// Whether the aws-chunked payloads (`STREAMING-*`) are accepted, through
    /// ``SigV4PendingVerification/completeStreaming()``; only S3 takes them, every other service
    /// answers them as a payload hash that does not match.
    public var acceptsStreamingPayloads: Bool
    /// Whether a presigned URL without `X-Amz-Content-Sha256` signs `UNSIGNED-PAYLOAD` (S3: the body
    /// is not known when the URL is made) rather than the hash of the body.
    public var presignsUnsignedPayload: Bool
    /// Whether every `x-amz-*` header present must be signed (S3, which answers `AccessDenied`
    /// "There were headers present in the request which were not signed"): an unsigned one, added to
    /// a presigned URL or to a signed request by whoever holds it, would change what it does
    /// (`x-amz-copy-source`, `x-amz-meta-*`, `x-amz-acl`). A presigned URL may carry
    /// `x-amz-content-sha256` unsigned, as S3 allows.
    public var requiresSignedAmzHeaders: Bool

    /// The longest validity of a presigned URL in seconds: seven days, the life of a signing key.
    public static let maximumExpires = 7 * 24 * 60 * 60

    public init(
        clock: WallClock,
        allowedClockSkew: TimeInterval = 5 * 60,
        normalizesURIPath: Bool = true,
        acceptsUnsignedPayload: Bool = true,
        acceptsStreamingPayloads: Bool = false,
        presignsUnsignedPayload: Bool = false,
        requiresSignedAmzHeaders: Bool = false
    ) {
        self.clock = clock
        self.allowedClockSkew = allowedClockSkew
        self.normalizesURIPath = normalizesURIPath
        self.acceptsUnsignedPayload = acceptsUnsignedPayload
        self.acceptsStreamingPayloads = acceptsStreamingPayloads
        self.presignsUnsignedPayload = presignsUnsignedPayload
        self.requiresSignedAmzHeaders = requiresSignedAmzHeaders
    }

    /// Verifies `request` (with its body) for `endpoint`, asking `lookup` for the secret.
    ///
    /// - Returns: the claims and what the lookup attached to the key.
    /// - Throws: a ``SigV4Failure``, or what `lookup` throws.
    public func verify<Lookup: SigV4CredentialLookup>(
        _ request: WireRequest,
        for endpoint: SigV4Endpoint,
        using lookup: Lookup
    ) async throws -> SigV4Verification<Lookup.Identity> {
        try await verifyHead(request, for: endpoint, using: lookup).complete(body: request.body)
    }

    /// Steps 1–15 on the request's head — everything but the payload: the claims, then the session
    /// token and the access key. A server calls this before it reads the body, so that nobody
    /// without a key makes it buffer one; ``SigV4PendingVerification/complete(body:)`` then checks
    /// the payload hash and the signature.
    ///
    /// - Throws: a ``SigV4Failure``, or what `lookup` throws.
    public func verifyHead<Lookup: SigV4CredentialLookup>(
        _ request: WireRequest,
        for endpoint: SigV4Endpoint,
        using lookup: Lookup
    ) async throws -> SigV4PendingVerification<Lookup.Identity> {
        let prepared = try prepare(request, for: endpoint)
        let claims = prepared.claims
        switch try await lookup.secret(forAccessKeyID: claims.accessKeyID, sessionToken: claims.sessionToken) {
        case .found(let secretAccessKey, let identity):
            var head = request
            head.body = Data()
            return SigV4PendingVerification(
                head: head, claims: claims, uri: prepared.uri, query: prepared.query, secretAccessKey: secretAccessKey, identity: identity,
                acceptsUnsignedPayload: acceptsUnsignedPayload, acceptsStreamingPayloads: acceptsStreamingPayloads,
                presignsUnsignedPayload: presignsUnsignedPayload
            )
        case .invalidSessionToken: throw SigV4Failure.invalidSessionToken
        case .expiredSessionToken: throw SigV4Failure.expiredSessionToken
        case .unknownAccessKey: throw SigV4Failure.unknownAccessKey
        case .inactiveAccessKey: throw SigV4Failure.inactiveAccessKey
        }
    }

    /// Steps 1–13: everything that can be judged without the secret.
    public func claims(of request: WireRequest, for endpoint: SigV4Endpoint) throws(SigV4Failure) -> SigV4Claims {
        try prepare(request, for: endpoint).claims
    }

    private struct Prepared {
        var claims: SigV4Claims
        var uri: String
        var query: [SigV4Canonicalization.QueryParameter]
    }

    private func prepare(_ request: WireRequest, for endpoint: SigV4Endpoint) throws(SigV4Failure) -> Prepared {
        let uri = try SigV4Canonicalization.uri(rawPath: request.rawPath, normalizing: normalizesURIPath)
        let query = try SigV4Canonicalization.queryParameters(request.rawQuery)
        let authorization = try SigV4Authorization(request: request, queryParameters: query)
        let expires = try authorization.expires.map(Self.expires)

        guard authorization.signedHeaders.contains("host") else { throw .hostNotSigned }
        for name in authorization.signedHeaders where !Self.isPresent(name, in: request.headers) {
            throw .missingSignedHeader(name)
        }
        if requiresSignedAmzHeaders {
            let unsigned = Self.unsignedAmzHeaders(
                of: request.headers, signed: authorization.signedHeaders, presigned: authorization.location == .queryString)
            if !unsigned.isEmpty { throw .headersNotSigned(unsigned) }
        }

        let parsedDate =
            authorization.dateIsHTTPDate
            ? SigV4Timestamp.parseHTTPDate(authorization.date) : SigV4Timestamp.parseBasic(authorization.date)
        guard let date = parsedDate else {
            throw .incompleteSignature(
                "Date must be in ISO-8601 'basic format'. Got '\(authorization.date)'. See http://en.wikipedia.org/wiki/ISO_8601"
            )
        }
        let amzDate = SigV4Timestamp.basic(date)
        try checkTime(of: amzDate, date, presigned: authorization.location == .queryString, expires: expires)

        let parts = authorization.credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5 else {
            throw .incompleteSignature(
                "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '\(authorization.credential)'"
            )
        }
        let scope = SigV4CredentialScope(date: parts[1], region: parts[2], service: parts[3])
        try Self.check(scope, terminator: parts[4], amzDate: amzDate, for: endpoint)

        let claims = SigV4Claims(
            location: authorization.location,
            accessKeyID: parts[0],
            scope: scope,
            signedHeaders: authorization.signedHeaders,
            signature: authorization.signature,
            amzDate: amzDate,
            date: date,
            sessionToken: authorization.sessionToken,
            expires: expires,
            contentSHA256: authorization.contentSHA256
        )
        return Prepared(claims: claims, uri: uri, query: query)
    }

    /// Steps 10 and 11, with AWS's messages.
    private func checkTime(of amzDate: String, _ date: Date, presigned: Bool, expires: Int?) throws(SigV4Failure) {
        let now = clock.now()
        let nowText = SigV4Timestamp.basic(now)
        let minutes = Int(allowedClockSkew / 60)
        if presigned, let expires {
            // A presigned URL lives for X-Amz-Expires; the skew only guards against a future date.
            // "Request has expired" is S3's message for an expired presigned URL.
            if now > date.addingTimeInterval(TimeInterval(expires)) { throw .presignedURLExpired }
        } else if date < now.addingTimeInterval(-allowedClockSkew) {
            let limit = SigV4Timestamp.basic(now.addingTimeInterval(-allowedClockSkew))
            throw .requestExpired("Signature expired: \(amzDate) is now earlier than \(limit) (\(nowText) - \(minutes) min.)")
        }
        if date > now.addingTimeInterval(allowedClockSkew) {
            let limit = SigV4Timestamp.basic(now.addingTimeInterval(allowedClockSkew))
            throw .requestExpired("Signature not yet current: \(amzDate) is still later than \(limit) (\(nowText) + \(minutes) min.)")
        }
    }

    /// Step 13: every problem of the scope in one message, as AWS writes it.
    private static func check(
        _ scope: SigV4CredentialScope,
        terminator: String,
        amzDate: String,
        for endpoint: SigV4Endpoint
    ) throws(SigV4Failure) {
        var message = ""
        if !endpoint.regions.contains(scope.region) {
            message += "Credential should be scoped to a valid region, not '\(scope.region)'. "
        }
        if scope.service != endpoint.service {
            message += "Credential should be scoped to correct service: '\(endpoint.service)'. "
        }
        if terminator != SigV4CredentialScope.terminator {
            message += "Credential should be scoped with a valid terminator: '\(SigV4CredentialScope.terminator)', not '\(terminator)'. "
        }
        let day = String(amzDate.prefix(8))
        if scope.date != day {
            message +=
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '\(scope.date)' != '\(day)', from '\(amzDate)'."
        }
        guard message.isEmpty else { throw .credentialScopeMismatch(message) }
    }

    /// `X-Amz-Expires`: an integer of seconds from 1 to 604800. The first two messages are S3's; AWS
    /// has none for zero.
    private static func expires(_ text: String) throws(SigV4Failure) -> Int {
        guard !text.isEmpty, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "-") }),
            let value = Int(text)
        else { throw .invalidExpires("X-Amz-Expires should be a number") }
        guard value >= 0 else { throw .invalidExpires("X-Amz-Expires must be non-negative") }
        guard value > 0 else { throw .invalidExpires("X-Amz-Expires must be at least 1 second") }
        guard value <= maximumExpires else {
            throw .invalidExpires("X-Amz-Expires must be less than a week (in seconds) that is \(maximumExpires)")
        }
        return value
    }

    /// The `x-amz-*` headers of `headers` not in `signed`, lowercased, once each, in the order sent.
    private static func unsignedAmzHeaders(of headers: HTTPFields, signed: [String], presigned: Bool) -> [String] {
        let signed = Set(signed)
        var unsigned: [String] = []
        for field in headers {
            let name = field.name.canonicalName
            guard name.hasPrefix("x-amz-"), !signed.contains(name), !unsigned.contains(name) else { continue }
            if presigned, name == "x-amz-content-sha256" { continue }
            unsigned.append(name)
        }
        return unsigned
    }

    private static func isPresent(_ name: String, in headers: HTTPFields) -> Bool {
        guard let field = HTTPField.Name(name) else { return false }
        return headers.contains(field)
    }
}
