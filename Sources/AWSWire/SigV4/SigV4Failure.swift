/// Why a request failed Signature Version 4 authentication.
///
/// The cases follow the steps of AWS's authentication error ordering (see ``SigV4Verifier``); each keeps
/// what an audit record needs. ``awsError(for:)`` turns a failure into the error a client expects from the
/// service's wire-protocol family.
public enum SigV4Failure: Error, Sendable, Hashable {
    /// The path is not absolute, has a malformed `%` escape, or its `..` segments climb above the root
    /// (step 1).
    case invalidURIPath(String)
    /// The query string has a malformed `%` escape (step 4).
    case malformedQueryString(String)
    /// Neither an `Authorization` header nor an `X-Amz-Algorithm=AWS4-HMAC-SHA256` query parameter
    /// (steps 5 and 7a).
    case missingAuthentication
    /// Both an `Authorization` header and an `X-Amz-Algorithm` query parameter (step 5).
    case ambiguousAuthentication
    /// The authentication parameters are incomplete or malformed: another algorithm, a parameter that
    /// is not `key=value`, a missing parameter, a date not in ISO 8601 basic format, a credential
    /// without five parts, an invalid `X-Amz-Expires` (steps 6a–6d, 7d, 9 and 12). Carries AWS's message.
    case incompleteSignature(String)
    /// `host` is not among the signed headers (step 8).
    case hostNotSigned
    /// A header named in `SignedHeaders` is absent from the request.
    case missingSignedHeader(String)
    /// S3: `x-amz-*` headers present but not among the signed headers (lowercased, in the order sent),
    /// which could otherwise change what a signed or presigned request does (step 8).
    case headersNotSigned([String])
    /// `X-Amz-Expires` of a presigned URL is not an integer from 1 to 604800 (step 7d). Carries AWS's
    /// message.
    case invalidExpires(String)
    /// The request date is outside the allowed clock skew (steps 10 and 11). Carries AWS's message.
    case requestExpired(String)
    /// A presigned URL used after `X-Amz-Date` + `X-Amz-Expires` (step 11).
    case presignedURLExpired
    /// The credential scope names another region, service, terminator or day (step 13).
    /// Carries AWS's message.
    case credentialScopeMismatch(String)
    /// The session token is not one the server issued, or does not belong to the access key (step 14b).
    case invalidSessionToken
    /// The session token has expired (step 14c).
    case expiredSessionToken
    /// No access key has this id (step 15).
    case unknownAccessKey
    /// The access key exists but has been deactivated (answered like an unknown key, step 15).
    case inactiveAccessKey
    /// `x-amz-content-sha256` is neither `UNSIGNED-PAYLOAD` nor the SHA-256 of the body that arrived.
    case payloadHashMismatch
    /// The signature differs from the one computed with the secret key (step 16).
    case signatureMismatch
}
