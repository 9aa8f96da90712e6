import BulwarkCore

extension SigV4Failure {
    /// The wire-protocol families, which name the same authentication errors differently.
    public enum ProtocolFamily: Sendable, Hashable {
        /// `rest-json` and `json` services (Lambda, KMS, Secrets Manager, ...): `...Exception` codes.
        case json
        /// `query` services answering XML (IAM, STS, CloudWatch): codes without the suffix.
        case query
        /// S3 (`rest-xml`), whose authentication errors have codes and messages of their own.
        case s3
    }

    /// The error AWS answers for this failure in services of `family`.
    ///
    /// Sources, because AWS documents codes but rarely messages:
    /// - Codes and statuses: the "Common Errors" pages of the AWS API references (`IncompleteSignature`
    ///   400, `InvalidClientTokenId` 403, `MissingAuthenticationToken` 403, `ExpiredTokenException` 403)
    ///   and moto's `moto/core/exceptions.py` (`SignatureDoesNotMatch` 403, `InvalidClientTokenId` 403).
    /// - Lambda's answers as clients report them: `MissingAuthenticationTokenException` 403
    ///   "Missing Authentication Token" (brefphp/bref#1250), `InvalidSignatureException` 403 for signature
    ///   mismatches and "Signature expired: ... (... - 5 min.)" (serverless/serverless#27, aws/aws-cli#4600),
    ///   `IncompleteSignatureException` (awslabs/fhir-works-on-aws-deployment#379), `ExpiredTokenException`
    ///   403 "The security token included in the request is expired" (cloudquery/cq-provider-aws#1171).
    /// - Messages of the query protocol and which error wins: `dacut/scratchstack-aws-signature`,
    ///   `docs/AWS Auth Error Ordering.pdf` (observed on IAM/STS), e.g. the token message without a final
    ///   period for a bad session token and with one for an unknown key. Bulwark uses the same
    ///   messages in both families.
    /// - Both an `Authorization` header and `X-Amz-Algorithm`: IAM and STS answer the signature error
    ///   with no message at all; Bulwark says why, in the words S3 uses for it ("Only one auth
    ///   mechanism allowed; ...").
    /// - `InvalidURIPath` and `MalformedQueryString` (400) as scratchstack-aws-signature answers them;
    ///   AWS closes such connections before any service sees them.
    public func awsError(for family: ProtocolFamily) -> AWSError {
        if family == .s3 { return s3Error }
        switch self {
        case .invalidURIPath(let message):
            return AWSError(code: "InvalidURIPath", message: message, status: 400)
        case .malformedQueryString(let message):
            return AWSError(code: "MalformedQueryString", message: message, status: 400)
        case .missingAuthentication:
            return family == .json
                ? AWSError(code: "MissingAuthenticationTokenException", message: "Missing Authentication Token", status: 403)
                : AWSError(code: "MissingAuthenticationToken", message: "Request is missing Authentication Token", status: 403)
        case .incompleteSignature(let message), .invalidExpires(let message):
            return AWSError(code: family == .json ? "IncompleteSignatureException" : "IncompleteSignature", message: message, status: 400)
        case .ambiguousAuthentication:
            return Self.signatureError(family, message: Self.ambiguousMessage)
        case .hostNotSigned:
            return Self.signatureError(family, message: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
        case .requestExpired(let message), .credentialScopeMismatch(let message):
            return Self.signatureError(family, message: message)
        case .presignedURLExpired:
            return Self.signatureError(family, message: "Request has expired")
        case .missingSignedHeader, .headersNotSigned, .payloadHashMismatch, .signatureMismatch:
            return Self.signatureError(family, message: Self.mismatchMessage)
        case .invalidSessionToken:
            return Self.tokenError(family, message: "The security token included in the request is invalid")
        case .unknownAccessKey, .inactiveAccessKey:
            return Self.tokenError(family, message: "The security token included in the request is invalid.")
        case .expiredSessionToken:
            return AWSError(
                code: family == .json ? "ExpiredTokenException" : "ExpiredToken",
                message: "The security token included in the request is expired",
                status: 403
            )
        }
    }

    /// S3's answers (`rest-xml`): codes from the S3 API reference's error list; messages as S3 sends
    /// them (presigned URLs: `AuthorizationQueryParametersError` "X-Amz-Expires must be less than a
    /// week (in seconds) that is 604800" and `AccessDenied` "Request has expired").
    private var s3Error: AWSError {
        switch self {
        case .invalidURIPath(let message):
            return AWSError(code: "InvalidURI", message: message, status: 400)
        case .malformedQueryString(let message):
            return AWSError(code: "InvalidArgument", message: message, status: 400)
        case .missingAuthentication:
            return AWSError(code: "AccessDenied", message: "Access Denied", status: 403)
        case .ambiguousAuthentication:
            return AWSError(code: "InvalidArgument", message: Self.ambiguousMessage, status: 400)
        case .incompleteSignature(let message), .credentialScopeMismatch(let message):
            return AWSError(code: "AuthorizationHeaderMalformed", message: message, status: 400)
        case .invalidExpires(let message):
            return AWSError(code: "AuthorizationQueryParametersError", message: message, status: 400)
        case .presignedURLExpired:
            return AWSError(code: "AccessDenied", message: "Request has expired", status: 403)
        case .requestExpired:
            return AWSError(
                code: "RequestTimeTooSkewed", message: "The difference between the request time and the current time is too large.", status: 403)
        case .hostNotSigned, .missingSignedHeader, .signatureMismatch:
            return AWSError(code: "SignatureDoesNotMatch", message: Self.s3MismatchMessage, status: 403)
        case .headersNotSigned(let names):
            // S3 lists the names, comma-separated, in an element of its own.
            return AWSError(
                code: "AccessDenied", message: "There were headers present in the request which were not signed", status: 403,
                fields: ["HeadersNotSigned": names.joined(separator: ", ")])
        case .payloadHashMismatch:
            return AWSError(
                code: "XAmzContentSHA256Mismatch", message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
                status: 400)
        case .invalidSessionToken:
            return AWSError(code: "InvalidToken", message: "The provided token is malformed or otherwise invalid.", status: 400)
        case .expiredSessionToken:
            return AWSError(code: "ExpiredToken", message: "The provided token has expired.", status: 400)
        case .unknownAccessKey, .inactiveAccessKey:
            return AWSError(code: "InvalidAccessKeyId", message: "The AWS Access Key Id you provided does not exist in our records.", status: 403)
        }
    }

    /// S3's answer to a wrong signature (of the request, a chunk or a trailer).
    public static let s3MismatchMessage =
        "The request signature we calculated does not match the signature you provided. Check your key and signing method."

    /// Why a request with two authentication mechanisms is refused, as S3 words it.
    public static let ambiguousMessage =
        "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified"

    /// AWS's answer to a wrong signature, word for word.
    public static let mismatchMessage =
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."

    private static func signatureError(_ family: ProtocolFamily, message: String) -> AWSError {
        AWSError(code: family == .json ? "InvalidSignatureException" : "SignatureDoesNotMatch", message: message, status: 403)
    }

    private static func tokenError(_ family: ProtocolFamily, message: String) -> AWSError {
        AWSError(code: family == .json ? "UnrecognizedClientException" : "InvalidClientTokenId", message: message, status: 403)
    }
}
