import AWSWire
import BulwarkCore
import Foundation
import HTTPTypes
import Testing

/// A Lambda request signed at 2015-08-30T12:36:00Z, the starting point of the verifier's checks.
enum SigV4Sample {
    static let credentials = SigV4Credentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    static let temporary = SigV4Credentials(
        accessKeyID: "ASIDEXAMPLE",
        secretAccessKey: "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
        sessionToken: "session-token-of-ASIDEXAMPLE"
    )
    static let signedAt = SigV4Fixtures.date("2015-08-30T12:36:00Z")
    static let endpoint = SigV4Endpoint(service: "lambda", region: "us-east-1")
    static let lookup = FixedCredentialLookup(credentials, temporary)

    static func unsigned(body: String = #"{"FunctionName":"f"}"#) -> WireRequest {
        WireRequest(
            method: .post,
            rawPath: "/2015-03-31/functions",
            headers: [.hostHeader: "lambda.us-east-1.amazonaws.com", .contentType: "application/json"],
            body: Data(body.utf8)
        )
    }

    static func signer(_ credentials: SigV4Credentials = credentials, region: String = "us-east-1", service: String = "lambda") -> SigV4Signer {
        SigV4Signer(credentials: credentials, region: region, service: service)
    }

    static func signed(
        _ request: WireRequest = unsigned(),
        by signer: SigV4Signer = signer(),
        at date: Date = signedAt,
        options: SigV4Signer.Options = .init()
    ) -> WireRequest {
        signer.signed(request, at: date, options: options)
    }

    static func presigned(
        _ request: WireRequest = WireRequest(method: .get, rawPath: "/2015-03-31/functions/f", headers: [.hostHeader: "localhost:4566"]),
        by signer: SigV4Signer = signer(),
        expires: Int?,
        options: SigV4Signer.Options = .init()
    ) -> WireRequest {
        var presigned = request
        presigned.rawQuery = signer.presign(request, at: signedAt, expires: expires, options: options).query
        return presigned
    }

    static func verifier(after seconds: TimeInterval, skew: TimeInterval = 300) -> SigV4Verifier {
        SigV4Verifier(clock: .fixed(signedAt.addingTimeInterval(seconds)), allowedClockSkew: skew)
    }

    static func failure(_ request: WireRequest, after seconds: TimeInterval = 0, lookup: some SigV4CredentialLookup = lookup) async -> SigV4Failure? {
        await verifier(after: seconds).failure(of: request, for: endpoint, using: lookup)
    }

    static func editing(_ request: WireRequest, header name: String, _ edit: (String) -> String) -> WireRequest {
        var edited = request
        let field = HTTPField.Name(name)!
        edited.headers[field] = edit(request.headers[field] ?? "")
        return edited
    }
}

@Suite("SigV4 verifier: time, scope, host, presigned expiry, payload and lookup")
struct SigV4VerifierTests {
    @Test(
        "X-Amz-Date must be within 5 minutes of the server clock",
        arguments: [
            (0, nil),
            (300, nil),
            (-300, nil),
            (
                600,
                SigV4Failure.requestExpired(
                    "Signature expired: 20150830T123600Z is now earlier than 20150830T124100Z (20150830T124600Z - 5 min.)"
                )
            ),
            (301, .requestExpired("Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T124101Z - 5 min.)")),
            (
                -360,
                .requestExpired(
                    "Signature not yet current: 20150830T123600Z is still later than 20150830T123500Z (20150830T123000Z + 5 min.)"
                )
            ),
        ] as [(TimeInterval, SigV4Failure?)]
    )
    func clockSkew(serverClockOffset: TimeInterval, expected: SigV4Failure?) async {
        #expect(await SigV4Sample.failure(SigV4Sample.signed(), after: serverClockOffset) == expected)
    }

    @Test("the skew is configurable; IAM and STS allow 15 minutes")
    func fifteenMinutes() async {
        let verifier = SigV4Sample.verifier(after: 16 * 60, skew: 15 * 60)
        let failure = await verifier.failure(of: SigV4Sample.signed(), for: SigV4Sample.endpoint, using: SigV4Sample.lookup)
        #expect(failure == .requestExpired("Signature expired: 20150830T123600Z is now earlier than 20150830T123700Z (20150830T125200Z - 15 min.)"))
        #expect(
            await SigV4Sample.verifier(after: 14 * 60, skew: 15 * 60).failure(
                of: SigV4Sample.signed(), for: SigV4Sample.endpoint, using: SigV4Sample.lookup) == nil)
    }

    @Test("the scope's day is X-Amz-Date's day, not the server's: a request signed at 23:59:30 passes at 00:01")
    func midnight() async {
        let lateEvening = SigV4Fixtures.date("2015-08-30T23:59:30Z")
        let request = SigV4Sample.signed(at: lateEvening)
        let verifier = SigV4Verifier(clock: .fixed(lateEvening.addingTimeInterval(90)))
        #expect(await verifier.failure(of: request, for: SigV4Sample.endpoint, using: SigV4Sample.lookup) == nil)
    }

    @Test(
        "the credential scope must name an accepted region, the service, aws4_request and X-Amz-Date's day",
        arguments: [
            (
                SigV4Sample.signed(by: SigV4Sample.signer(region: "eu-west-1")),
                "Credential should be scoped to a valid region, not 'eu-west-1'. "
            ),
            (
                SigV4Sample.signed(by: SigV4Sample.signer(service: "iam")),
                "Credential should be scoped to correct service: 'lambda'. "
            ),
            (
                SigV4Sample.signed(by: SigV4Sample.signer(region: "eu-west-1", service: "iam")),
                "Credential should be scoped to a valid region, not 'eu-west-1'. Credential should be scoped to correct service: 'lambda'. "
            ),
            (
                SigV4Sample.editing(SigV4Sample.signed(), header: "Authorization") {
                    $0.replacingOccurrences(of: "aws4_request", with: "aws5_request")
                },
                "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. "
            ),
            (
                SigV4Sample.editing(SigV4Sample.signed(), header: "Authorization") {
                    $0.replacingOccurrences(of: "/20150830/", with: "/20150831/")
                },
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20150831' != '20150830', from '20150830T123600Z'."
            ),
        ]
    )
    func scope(request: WireRequest, message: String) async {
        #expect(await SigV4Sample.failure(request) == .credentialScopeMismatch(message))
    }

    @Test("an endpoint may accept several regions (IAM and STS are signed for us-east-1)")
    func severalRegions() async {
        let request = SigV4Sample.signed(by: SigV4Sample.signer(region: "us-east-1", service: "iam"))
        let endpoint = SigV4Endpoint(service: "iam", regions: ["us-east-1", "eu-west-1"])
        #expect(await SigV4Sample.verifier(after: 0).failure(of: request, for: endpoint, using: SigV4Sample.lookup) == nil)
    }

    @Test("host must be signed; every signed header must be present")
    func signedHeaders() async {
        var hostless = SigV4Sample.unsigned()
        hostless.headers[.hostHeader] = nil
        #expect(await SigV4Sample.failure(SigV4Sample.signed(hostless)) == .hostNotSigned)

        let hostDropped = SigV4Sample.editing(SigV4Sample.signed(), header: "Authorization") {
            $0.replacingOccurrences(of: "SignedHeaders=content-type;host;x-amz-date", with: "SignedHeaders=content-type;x-amz-date")
        }
        #expect(await SigV4Sample.failure(hostDropped) == .hostNotSigned)

        var contentTypeRemoved = SigV4Sample.signed()
        contentTypeRemoved.headers[.contentType] = nil
        #expect(await SigV4Sample.failure(contentTypeRemoved) == .missingSignedHeader("content-type"))
    }

    @Test(
        "a presigned URL lives X-Amz-Expires seconds and may not come from the future",
        arguments: [
            (3600, 3600, nil),
            (3600, 3601, SigV4Failure.presignedURLExpired),
            (604_800, 604_800, nil),
            (1, 2, .presignedURLExpired),
            (900, -300, nil),
            (
                900, -301,
                .requestExpired(
                    "Signature not yet current: 20150830T123600Z is still later than 20150830T123559Z (20150830T123059Z + 5 min.)"
                )
            ),
        ] as [(Int, TimeInterval, SigV4Failure?)]
    )
    func presignedExpiry(expires: Int, serverClockOffset: TimeInterval, expected: SigV4Failure?) async {
        #expect(await SigV4Sample.failure(SigV4Sample.presigned(expires: expires), after: serverClockOffset) == expected)
    }

    @Test("without X-Amz-Expires a presigned URL gets the clock-skew window only")
    func presignedWithoutExpires() async {
        let request = SigV4Sample.presigned(expires: nil)
        #expect(await SigV4Sample.failure(request, after: 300) == nil)
        #expect(
            await SigV4Sample.failure(request, after: 301)
                == .requestExpired("Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T124101Z - 5 min.)")
        )
    }

    @Test(
        "X-Amz-Expires must be an integer from 1 to 604800",
        arguments: [
            ("0", "X-Amz-Expires must be at least 1 second"),
            ("604801", "X-Amz-Expires must be less than a week (in seconds) that is 604800"),
            ("-1", "X-Amz-Expires must be non-negative"),
            ("abc", "X-Amz-Expires should be a number"),
            ("1.5", "X-Amz-Expires should be a number"),
            ("", "X-Amz-Expires should be a number"),
        ]
    )
    func expiresSyntax(value: String, message: String) async {
        var request = SigV4Sample.presigned(expires: 60)
        request.rawQuery = request.rawQuery.replacingOccurrences(of: "X-Amz-Expires=60", with: "X-Amz-Expires=\(value)")
        #expect(await SigV4Sample.failure(request) == .invalidExpires(message))
    }

    @Test("a presigned URL of temporary credentials carries the session token in the query")
    func presignedSessionToken() async throws {
        let request = SigV4Sample.presigned(by: SigV4Sample.signer(SigV4Sample.temporary), expires: 60)
        #expect(request.rawQuery.contains("X-Amz-Security-Token=session-token-of-ASIDEXAMPLE"))
        let verification = try await SigV4Sample.verifier(after: 0).verify(request, for: SigV4Sample.endpoint, using: SigV4Sample.lookup)
        #expect(verification.claims.sessionToken == "session-token-of-ASIDEXAMPLE")
        #expect(verification.identity == "identity of ASIDEXAMPLE")
    }

    @Test("the body hash is x-amz-content-sha256 when sent, and must then match the body")
    func payloadHash() async throws {
        let hashed = SigV4Sample.signed(options: .init(addsContentSHA256: true))
        #expect(await SigV4Sample.failure(hashed) == nil)
        var tampered = hashed
        tampered.body = Data(#"{"FunctionName":"g"}"#.utf8)
        #expect(await SigV4Sample.failure(tampered) == .payloadHashMismatch)

        let otherHash = SigV4Sample.signed(options: .init(payload: .sha256(String(repeating: "0", count: 64))))
        #expect(await SigV4Sample.failure(otherHash) == .payloadHashMismatch)

        var withoutHeader = SigV4Sample.signed()
        withoutHeader.body = Data(#"{"FunctionName":"g"}"#.utf8)
        #expect(await SigV4Sample.failure(withoutHeader) == .signatureMismatch)
    }

    @Test("UNSIGNED-PAYLOAD is accepted and reported, or refused when the verifier is told to")
    func unsignedPayload() async throws {
        var request = SigV4Sample.signed(options: .init(payload: .unsigned))
        request.body = Data("anything at all".utf8)
        let verification = try await SigV4Sample.verifier(after: 0).verify(request, for: SigV4Sample.endpoint, using: SigV4Sample.lookup)
        #expect(!verification.isPayloadSigned)
        #expect(verification.canonicalRequest.payloadHash == "UNSIGNED-PAYLOAD")

        let strict = SigV4Verifier(clock: .fixed(SigV4Sample.signedAt), acceptsUnsignedPayload: false)
        #expect(await strict.failure(of: request, for: SigV4Sample.endpoint, using: SigV4Sample.lookup) == .payloadHashMismatch)

        let presigned = SigV4Sample.presigned(expires: 60, options: .init(payload: .unsigned))
        #expect(presigned.rawQuery.contains("X-Amz-Content-Sha256=UNSIGNED-PAYLOAD"))
        let presignedVerification = try await SigV4Sample.verifier(after: 0).verify(presigned, for: SigV4Sample.endpoint, using: SigV4Sample.lookup)
        #expect(!presignedVerification.isPayloadSigned)
    }

    @Test(
        "the lookup's answers become failures",
        arguments: [
            (SigV4SecretLookup<String>.unknownAccessKey, SigV4Failure.unknownAccessKey),
            (.inactiveAccessKey, .inactiveAccessKey),
            (.invalidSessionToken, .invalidSessionToken),
            (.expiredSessionToken, .expiredSessionToken),
            (.found(secretAccessKey: "not the secret", identity: "someone"), .signatureMismatch),
        ]
    )
    func lookupAnswers(answer: SigV4SecretLookup<String>, expected: SigV4Failure) async {
        #expect(await SigV4Sample.failure(SigV4Sample.signed(), lookup: ScriptedLookup(answer)) == expected)
    }

    @Test("a failing store is not an authentication failure: its error passes through")
    func storeFailure() async {
        struct StoreUnavailable: Error {}
        struct FailingLookup: SigV4CredentialLookup {
            func secret(forAccessKeyID accessKeyID: String, sessionToken: String?) async throws -> SigV4SecretLookup<Int> {
                throw StoreUnavailable()
            }
        }
        await #expect(throws: StoreUnavailable.self) {
            try await SigV4Sample.verifier(after: 0).verify(SigV4Sample.signed(), for: SigV4Sample.endpoint, using: FailingLookup())
        }
    }

    @Test("the verifier returns what the lookup attached, with the claims")
    func identityAndClaims() async throws {
        let request = SigV4Sample.signed(by: SigV4Sample.signer(SigV4Sample.temporary))
        let verification = try await SigV4Sample.verifier(after: 0).verify(request, for: SigV4Sample.endpoint, using: SigV4Sample.lookup)
        #expect(verification.identity == "identity of ASIDEXAMPLE")
        #expect(verification.claims.accessKeyID == "ASIDEXAMPLE")
        #expect(verification.claims.scope == SigV4CredentialScope(date: "20150830", region: "us-east-1", service: "lambda"))
        #expect(verification.claims.signedHeaders == ["content-type", "host", "x-amz-date", "x-amz-security-token"])
        #expect(verification.claims.amzDate == "20150830T123600Z")
        #expect(verification.claims.sessionToken == "session-token-of-ASIDEXAMPLE")
        #expect(!verification.claims.isPresigned)
        #expect(verification.claims.expires == nil)
    }

    @Test(
        "X-Amz-Date must be a real instant in ISO 8601 basic format",
        arguments: ["2015-08-30T12:36:00Z", "20150830T123600", "20150231T123600Z", "20150830T246000Z", "20150830T123660Z", "2015083OT123600Z"]
    )
    func dateFormat(value: String) async {
        let request = SigV4Sample.editing(SigV4Sample.signed(), header: "X-Amz-Date") { _ in value }
        #expect(
            await SigV4Sample.failure(request)
                == .incompleteSignature("Date must be in ISO-8601 'basic format'. Got '\(value)'. See http://en.wikipedia.org/wiki/ISO_8601")
        )
    }

    @Test("repeated Authorization parameters: the last counts; repeated query parameters: the first counts")
    func repeatedParameters() async {
        let signed = SigV4Sample.signed()
        let lastWins = SigV4Sample.editing(signed, header: "Authorization") {
            $0.replacingOccurrences(of: ", Signature=", with: ", Signature=0000, Signature=")
        }
        #expect(await SigV4Sample.failure(lastWins) == nil)
        let firstLoses = SigV4Sample.editing(signed, header: "Authorization") { $0 + ", Signature=0000" }
        #expect(await SigV4Sample.failure(firstLoses) == .signatureMismatch)

        var presigned = SigV4Sample.presigned(expires: 60)
        let credential = "X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Flambda%2Faws4_request"
        presigned.rawQuery = presigned.rawQuery.replacingOccurrences(of: credential, with: "\(credential)&X-Amz-Credential=OTHER")
        // The first credential is used (so no scope error), but the extra parameter is signed content.
        #expect(await SigV4Sample.failure(presigned) == .signatureMismatch)
    }
}
