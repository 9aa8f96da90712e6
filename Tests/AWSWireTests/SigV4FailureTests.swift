import AWSWire
import BulwarkCore
import Testing

@Suite("SigV4 failures as AWS errors, per wire-protocol family")
struct SigV4FailureTests {
    static let mismatch =
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."

    @Test(
        "rest-json and json services (Lambda): ...Exception codes",
        arguments: [
            (SigV4Failure.missingAuthentication, "MissingAuthenticationTokenException", 403, "Missing Authentication Token"),
            (
                .incompleteSignature("Authorization header requires 'Signature' parameter. Authorization=AWS4-HMAC-SHA256"),
                "IncompleteSignatureException", 400, "Authorization header requires 'Signature' parameter. Authorization=AWS4-HMAC-SHA256"
            ),
            (.unknownAccessKey, "UnrecognizedClientException", 403, "The security token included in the request is invalid."),
            (.inactiveAccessKey, "UnrecognizedClientException", 403, "The security token included in the request is invalid."),
            (.invalidSessionToken, "UnrecognizedClientException", 403, "The security token included in the request is invalid"),
            (.expiredSessionToken, "ExpiredTokenException", 403, "The security token included in the request is expired"),
            (.signatureMismatch, "InvalidSignatureException", 403, mismatch),
            (.payloadHashMismatch, "InvalidSignatureException", 403, mismatch),
            (.missingSignedHeader("content-type"), "InvalidSignatureException", 403, mismatch),
            (
                .requestExpired("Signature expired: 20150830T123600Z is now earlier than 20150830T124100Z (20150830T124600Z - 5 min.)"),
                "InvalidSignatureException", 403,
                "Signature expired: 20150830T123600Z is now earlier than 20150830T124100Z (20150830T124600Z - 5 min.)"
            ),
            (
                .credentialScopeMismatch("Credential should be scoped to a valid region, not 'mars-1'. "),
                "InvalidSignatureException", 403, "Credential should be scoped to a valid region, not 'mars-1'. "
            ),
            (.hostNotSigned, "InvalidSignatureException", 403, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."),
            (
                .ambiguousAuthentication, "InvalidSignatureException", 403,
                "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified"
            ),
            (.malformedQueryString("Incomplete trailing escape % sequence"), "MalformedQueryString", 400, "Incomplete trailing escape % sequence"),
            (.invalidURIPath("Path is not absolute: x"), "InvalidURIPath", 400, "Path is not absolute: x"),
        ] as [(SigV4Failure, String, Int, String)]
    )
    func jsonFamily(failure: SigV4Failure, code: String, status: Int, message: String) {
        let error = failure.awsError(for: .json)
        #expect(error.code == code)
        #expect(error.status == status)
        #expect(error.message == message)
        #expect(error.fault == .sender)
    }

    @Test(
        "query services (IAM, STS): codes without the suffix",
        arguments: [
            (SigV4Failure.missingAuthentication, "MissingAuthenticationToken", 403, "Request is missing Authentication Token"),
            (
                .incompleteSignature("Date must be in ISO-8601 'basic format'. Got 'x'. See http://en.wikipedia.org/wiki/ISO_8601"),
                "IncompleteSignature", 400, "Date must be in ISO-8601 'basic format'. Got 'x'. See http://en.wikipedia.org/wiki/ISO_8601"
            ),
            (.unknownAccessKey, "InvalidClientTokenId", 403, "The security token included in the request is invalid."),
            (.inactiveAccessKey, "InvalidClientTokenId", 403, "The security token included in the request is invalid."),
            (.invalidSessionToken, "InvalidClientTokenId", 403, "The security token included in the request is invalid"),
            (.expiredSessionToken, "ExpiredToken", 403, "The security token included in the request is expired"),
            (.signatureMismatch, "SignatureDoesNotMatch", 403, mismatch),
            (
                .requestExpired("Signature expired: 20160609T184512Z is now earlier than 20160610T013008Z (20160610T014508Z - 15 min.)"),
                "SignatureDoesNotMatch", 403, "Signature expired: 20160609T184512Z is now earlier than 20160610T013008Z (20160610T014508Z - 15 min.)"
            ),
            (
                .credentialScopeMismatch("Credential should be scoped to a valid region, not 'us-east-2'. "),
                "SignatureDoesNotMatch", 403, "Credential should be scoped to a valid region, not 'us-east-2'. "
            ),
            (.hostNotSigned, "SignatureDoesNotMatch", 403, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."),
            (
                .ambiguousAuthentication, "SignatureDoesNotMatch", 403,
                "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified"
            ),
        ] as [(SigV4Failure, String, Int, String)]
    )
    func queryFamily(failure: SigV4Failure, code: String, status: Int, message: String) {
        let error = failure.awsError(for: .query)
        #expect(error.code == code)
        #expect(error.status == status)
        #expect(error.message == message)
    }

    @Test("credentials never show their secret or token")
    func redactedCredentials() {
        let credentials = SigV4Credentials(accessKeyID: "ASIDEXAMPLE", secretAccessKey: "very-secret", sessionToken: "token-value")
        #expect(!"\(credentials)".contains("very-secret"))
        #expect(!"\(credentials)".contains("token-value"))
        #expect("\(credentials)".contains("ASIDEXAMPLE"))
    }
}
