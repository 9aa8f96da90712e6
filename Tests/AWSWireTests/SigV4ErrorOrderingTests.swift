import AWSWire
import BulwarkCore
import Foundation
import HTTPTypes
import Testing

/// A request with several faults and the one fault AWS reports.
struct OrderingCase: Sendable, CustomTestStringConvertible {
    var testDescription: String
    var request: WireRequest
    var expected: SigV4Failure
    /// Whether the credential lookup may be consulted (only from step 14 on).
    var reachesLookup = false
}

/// The ordering of `docs/AWS Auth Error Ordering.pdf` (dacut/scratchstack-aws-signature), step by step:
/// each row breaks its own step and every later one, and expects its own step's error.
enum OrderingTable {
    static let good = SigV4Sample.signed()
    static let authorization = good.header("Authorization")!

    static func with(_ request: WireRequest = good, _ change: (inout WireRequest) -> Void) -> WireRequest {
        var changed = request
        change(&changed)
        return changed
    }

    static func withAuthorization(_ value: String, _ request: WireRequest = good) -> WireRequest {
        with(request) { $0.headers[.authorization] = value }
    }

    static let expiredWithFourPartCredential = with {
        $0.headers[HTTPField.Name("X-Amz-Date")!] = "20150830T120000Z"
        $0.headers[.authorization] = authorization.replacingOccurrences(of: "/lambda/", with: "/")
    }

    static let cases: [OrderingCase] = [
        OrderingCase(
            testDescription: "1 before all: a malformed escape in the path",
            request: with(withAuthorization("Bearer token")) { $0.rawPath = "/2015-03-31/functions/%G0" },
            expected: .invalidURIPath("Malformed percent-encoding in path: /2015-03-31/functions/%G0")
        ),
        OrderingCase(
            testDescription: "1: a path climbing above the root",
            request: with { $0.rawPath = "/2015-03-31/../../etc" },
            expected: .invalidURIPath("Relative path entry '..' navigates above root: /2015-03-31/../../etc")
        ),
        OrderingCase(
            testDescription: "4 before 5: a malformed query and no authentication",
            request: with {
                $0.rawQuery = "Marker=%4"; $0.headers[.authorization] = nil
            },
            expected: .malformedQueryString("Incomplete trailing escape % sequence")
        ),
        OrderingCase(
            testDescription: "4: an illegal hex character",
            request: with { $0.rawQuery = "Marker=%zz1" },
            expected: .malformedQueryString("Illegal hex character in escape % pattern: %zz")
        ),
        OrderingCase(
            testDescription: "5: neither header nor query authentication",
            request: with { $0.headers[.authorization] = nil },
            expected: .missingAuthentication
        ),
        OrderingCase(
            testDescription: "5 before 6: both, even with a bad algorithm in the header",
            request: with(withAuthorization("AWS4-HMAC-SHA512 Credential=x")) { $0.rawQuery = "X-Amz-Algorithm=AWS4-HMAC-SHA256" },
            expected: .ambiguousAuthentication
        ),
        OrderingCase(
            testDescription: "6a before 6b and 6d: another algorithm",
            request: withAuthorization("AWS4-HMAC-SHA512 Credential"),
            expected: .incompleteSignature("Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'.")
        ),
        OrderingCase(
            testDescription: "6a: a SigV2 header",
            request: withAuthorization("AWS AKIDEXAMPLE:c2lnbmF0dXJl"),
            expected: .incompleteSignature("Unsupported AWS 'algorithm': 'AWS'.")
        ),
        OrderingCase(
            testDescription: "6b before 6d: a parameter that is not key=value (a space inside the credential)",
            request: withAuthorization("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE /20150830/us-east-1/lambda/aws4_request"),
            expected: .incompleteSignature(
                "'/20150830/us-east-1/lambda/aws4_request' not a valid key=value pair (missing equal-sign) in Authorization header: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE /20150830/us-east-1/lambda/aws4_request'"
            )
        ),
        OrderingCase(
            testDescription: "6d before 8: every missing parameter, in one message",
            request: with(withAuthorization("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/lambda/aws4_request")) {
                $0.headers[HTTPField.Name("X-Amz-Date")!] = nil
            },
            expected: .incompleteSignature(
                "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/lambda/aws4_request"
            )
        ),
        OrderingCase(
            testDescription: "7a: another query algorithm counts as no authentication",
            request: with {
                $0.headers[.authorization] = nil; $0.rawQuery = "X-Amz-Algorithm=AWS4-HMAC-SHA1&X-Amz-Credential=x"
            },
            expected: .missingAuthentication
        ),
        OrderingCase(
            testDescription: "7d before 8: every missing query parameter, in one message",
            request: with {
                $0.headers[.authorization] = nil; $0.rawQuery = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-SignedHeaders=content-type"
            },
            expected: .incompleteSignature(
                "AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string parameters must include 'X-Amz-Signature'. AWS query-string parameters must include 'X-Amz-Date'. Re-examine the query-string parameters."
            )
        ),
        OrderingCase(
            testDescription: "8 before 9–16: host not signed, with a bad date and a bad scope",
            request: with(
                withAuthorization(
                    authorization.replacingOccurrences(of: "content-type;host;", with: "content-type;").replacingOccurrences(
                        of: "us-east-1", with: "mars-1"))
            ) {
                $0.headers[HTTPField.Name("X-Amz-Date")!] = "yesterday"
            },
            expected: .hostNotSigned
        ),
        OrderingCase(
            testDescription: "8: a signed header that is absent, with a bad date",
            request: with {
                $0.headers[.contentType] = nil; $0.headers[HTTPField.Name("X-Amz-Date")!] = "yesterday"
            },
            expected: .missingSignedHeader("content-type")
        ),
        OrderingCase(
            testDescription: "9 before 10–16: a date not in basic format, with a four-part credential",
            request: with(withAuthorization(authorization.replacingOccurrences(of: "/lambda/", with: "/"))) {
                $0.headers[HTTPField.Name("X-Amz-Date")!] = "2015-08-30T12:36:00Z"
            },
            expected: .incompleteSignature(
                "Date must be in ISO-8601 'basic format'. Got '2015-08-30T12:36:00Z'. See http://en.wikipedia.org/wiki/ISO_8601")
        ),
        OrderingCase(
            testDescription: "10 before 12: expired, with a four-part credential",
            request: expiredWithFourPartCredential,
            expected: .requestExpired("Signature expired: 20150830T120000Z is now earlier than 20150830T123100Z (20150830T123600Z - 5 min.)")
        ),
        OrderingCase(
            testDescription: "12 before 13: a four-part credential, also in the wrong region",
            request: withAuthorization(
                authorization.replacingOccurrences(of: "/lambda/", with: "/").replacingOccurrences(of: "us-east-1", with: "mars-1")),
            expected: .incompleteSignature(
                "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKIDEXAMPLE/20150830/mars-1/aws4_request'"
            )
        ),
        OrderingCase(
            testDescription: "13 before 14–16: a wrong region, an unknown key and a wrong signature",
            request: withAuthorization(
                authorization.replacingOccurrences(of: "us-east-1", with: "mars-1").replacingOccurrences(of: "AKIDEXAMPLE", with: "AKIDUNKNOWN")),
            expected: .credentialScopeMismatch("Credential should be scoped to a valid region, not 'mars-1'. ")
        ),
        OrderingCase(
            testDescription: "15 before 16: an unknown key with a wrong signature",
            request: withAuthorization(authorization.replacingOccurrences(of: "AKIDEXAMPLE", with: "AKIDUNKNOWN")),
            expected: .unknownAccessKey,
            reachesLookup: true
        ),
        OrderingCase(
            testDescription: "14b before 15: a session token that was never issued, on an unknown key",
            request: with(withAuthorization(authorization.replacingOccurrences(of: "AKIDEXAMPLE", with: "ASIDUNKNOWN"))) {
                $0.headers[HTTPField.Name("X-Amz-Security-Token")!] = "forged"
            },
            expected: .invalidSessionToken,
            reachesLookup: true
        ),
        OrderingCase(
            testDescription: "16: the payload hash before the signature",
            request: with(SigV4Sample.signed(options: .init(addsContentSHA256: true))) { $0.body = Data("{}".utf8) },
            expected: .payloadHashMismatch,
            reachesLookup: true
        ),
        OrderingCase(
            testDescription: "16: a wrong signature, last",
            request: withAuthorization(authorization.replacingOccurrences(of: "Signature=", with: "Signature=0")),
            expected: .signatureMismatch,
            reachesLookup: true
        ),
    ]
}

@Suite("SigV4: which error AWS reports when several things are wrong")
struct SigV4ErrorOrderingTests {
    @Test("each step's error wins over every later step's", arguments: OrderingTable.cases)
    func ordering(_ row: OrderingCase) async {
        let lookup = ScriptedLookupProxy(FixedCredentialLookup(SigV4Sample.credentials))
        #expect(await SigV4Sample.failure(row.request, lookup: lookup) == row.expected)
        #expect(lookup.wasAsked == row.reachesLookup, "the key store must not be asked before step 14")
    }

    @Test("the ordering holds for presigned URLs: the scope is judged before the key")
    func presignedOrdering() async {
        var request = SigV4Sample.presigned(expires: 60)
        request.rawQuery = request.rawQuery
            .replacingOccurrences(of: "us-east-1", with: "mars-1")
            .replacingOccurrences(of: "AKIDEXAMPLE", with: "AKIDUNKNOWN")
        #expect(await SigV4Sample.failure(request) == .credentialScopeMismatch("Credential should be scoped to a valid region, not 'mars-1'. "))
    }

    @Test("the session token is judged before the key: an expired token on a deactivated key")
    func tokenBeforeKey() async {
        let request = SigV4Sample.signed(by: SigV4Sample.signer(SigV4Sample.temporary))
        #expect(await SigV4Sample.failure(request, lookup: ScriptedLookup(.expiredSessionToken)) == .expiredSessionToken)
    }
}

/// Wraps a lookup to record whether it was asked.
final class ScriptedLookupProxy<Wrapped: SigV4CredentialLookup>: SigV4CredentialLookup, @unchecked Sendable {
    let wrapped: Wrapped
    private let lock = NSLock()
    private var asked = false

    init(_ wrapped: Wrapped) {
        self.wrapped = wrapped
    }

    var wasAsked: Bool { lock.withLock { asked } }

    func secret(forAccessKeyID accessKeyID: String, sessionToken: String?) async throws -> SigV4SecretLookup<Wrapped.Identity> {
        lock.withLock { asked = true }
        return try await wrapped.secret(forAccessKeyID: accessKeyID, sessionToken: sessionToken)
    }
}
