import AWSWire
import BulwarkCore
import Foundation
import HTTPTypes
import Testing

@Suite("SigV4 with aws-chunked payloads, and S3's presigned URLs")
struct SigV4StreamingTests {
    typealias Examples = AWSChunkedExamples

    @Test("a verifier that does not opt in answers a STREAMING-* payload as before: a hash that does not match")
    func refusedByDefault() async throws {
        let strict = SigV4Verifier(clock: .fixed(Examples.date), normalizesURIPath: false)
        #expect(await strict.failure(of: Examples.signedRequest, for: Examples.endpoint, using: Examples.lookup) == .payloadHashMismatch)
        let pending = try await strict.verifyHead(Examples.signedRequest, for: Examples.endpoint, using: Examples.lookup)
        #expect(pending.streamingMode == nil)
        #expect(throws: SigV4Failure.payloadHashMismatch) { try pending.completeStreaming() }
        #expect(SigV4Failure.payloadHashMismatch.awsError(for: .json).code == "InvalidSignatureException")
    }

    @Test("a verifier that opts in still refuses the streaming value as the hash of a whole body")
    func completeBodyStillRefuses() async throws {
        let pending = try await Examples.verifier.verifyHead(Examples.signedRequest, for: Examples.endpoint, using: Examples.lookup)
        #expect(pending.streamingMode == .signed)
        #expect(throws: SigV4Failure.payloadHashMismatch) { try pending.complete(body: Examples.signedBody) }
    }

    @Test("a request changed after signing fails its seed signature")
    func tamperedSeed() async throws {
        var request = Examples.signedRequest
        request.headers[HTTPField.Name("x-amz-storage-class")!] = "STANDARD"
        await #expect(throws: SigV4Failure.signatureMismatch) { try await Examples.streaming(request) }
        var otherMode = Examples.signedRequest
        otherMode.headers[HTTPField.Name("x-amz-content-sha256")!] = SigV4StreamingMode.unsignedWithTrailer.rawValue
        await #expect(throws: SigV4Failure.signatureMismatch) { try await Examples.streaming(otherMode) }
        var unknown = Examples.signedRequest
        unknown.headers[HTTPField.Name("x-amz-content-sha256")!] = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD"
        await #expect(throws: SigV4Failure.payloadHashMismatch) { try await Examples.streaming(unknown) }
    }

    @Test("what our signer signs and our encoder sends, our verifier and decoder accept", arguments: SigV4StreamingMode.allCases)
    func roundTrip(mode: SigV4StreamingMode) async throws {
        var generator = SeededGenerator(state: 11)
        let payload = Data(generator.bytes(3 * 65536 + 17))
        var request = WireRequest(method: .put, rawPath: "/bucket/a%20key//x")
        request.headers[.hostHeader] = "localhost:4566"
        request.headers[HTTPField.Name("Content-Encoding")!] = "aws-chunked"
        request.headers[HTTPField.Name("x-amz-decoded-content-length")!] = String(payload.count)
        if mode.hasTrailer { request.headers[HTTPField.Name("x-amz-trailer")!] = "x-amz-checksum-crc32" }
        let signer = SigV4Signer(credentials: Examples.credentials, region: "us-east-1", service: "s3", normalizesURIPath: false)
        let signature = signer.sign(request, at: Examples.date, options: .init(payload: .streaming(mode)))
        for field in signature.headers { request.headers[field.name] = field.value }
        #expect(request.headers[HTTPField.Name("x-amz-content-sha256")!] == mode.rawValue)

        let streaming = try await Examples.streaming(request)
        #expect(streaming.mode == mode)
        #expect(streaming.verification.isPayloadSigned == mode.chunksAreSigned)
        #expect((streaming.chunkSignatures != nil) == mode.chunksAreSigned)

        let chain = SigV4ChunkSignatureChain(
            secretAccessKey: Examples.credentials.secretAccessKey,
            scope: SigV4CredentialScope(instant: Examples.date, region: "us-east-1", service: "s3"),
            amzDate: "20130524T000000Z", seedSignature: signature.signature)
        var encoder = AWSChunkedEncoder(mode: mode, chunkSignatures: chain, trailer: mode.hasTrailer ? .crc32 : nil)
        let body = encoder.encode(payload, chunkSize: 65536)
        var decoder = try AWSChunkedDecoder(streaming: streaming, headers: request.headers)
        let decoded = try decoder.decode(body)
        let summary = try decoder.finish()
        #expect(decoded == payload)
        #expect(summary.decodedLength == payload.count)
        #expect(summary.checksum == (mode.hasTrailer ? ChecksumHasher.checksum(.crc32, of: payload) : nil))

        // The same body under another secret's chain is refused at the first chunk.
        if mode.chunksAreSigned {
            let forged = SigV4ChunkSignatureChain(
                secretAccessKey: "another secret", scope: chain.scope, amzDate: chain.amzDate, seedSignature: signature.signature)
            var forger = AWSChunkedEncoder(mode: mode, chunkSignatures: forged, trailer: mode.hasTrailer ? .crc32 : nil)
            var victim = try AWSChunkedDecoder(streaming: streaming, headers: request.headers)
            #expect(throws: AWSError.chunkSignatureMismatch) { _ = try victim.decode(forger.encode(payload, chunkSize: 65536)) }
        }
    }

    static let s3Endpoint = SigV4Endpoint(service: "s3", region: "us-east-1")

    static func presignedGet(expires: Int) -> WireRequest {
        var request = WireRequest(method: .get, rawPath: "/artifacts/app.zip", headers: [.hostHeader: "localhost:4566"])
        let signer = SigV4Signer(credentials: Examples.credentials, region: "us-east-1", service: "s3", normalizesURIPath: false)
        request.rawQuery = signer.presign(request, at: Examples.date, expires: expires, options: .init(payload: .unsigned)).query
        return request
    }

    @Test("S3's presigned URLs sign UNSIGNED-PAYLOAD: AWS's example GET (Authenticating Requests: Using Query Parameters)")
    func awsPresignedExample() async {
        var request = WireRequest(method: .get, rawPath: "/test.txt", headers: [.hostHeader: "examplebucket.s3.amazonaws.com"])
        request.rawQuery =
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
        let clock = WallClock.fixed(Examples.date.addingTimeInterval(60))
        let s3 = SigV4Verifier(clock: clock, normalizesURIPath: false, presignsUnsignedPayload: true)
        #expect(await s3.failure(of: request, for: Self.s3Endpoint, using: Examples.lookup) == nil)
        // Hashing the (empty) body instead, as other services' presigned URLs do, is another signature.
        let hashing = SigV4Verifier(clock: clock, normalizesURIPath: false)
        #expect(await hashing.failure(of: request, for: Self.s3Endpoint, using: Examples.lookup) == .signatureMismatch)
    }

    @Test(
        "presigned URLs: X-Amz-Expires in seconds, at most 604800 (7 days), checked against the clock",
        arguments: [
            (604_800, 604_800, nil),
            (604_800, 604_801, SigV4Failure.presignedURLExpired),
            (604_801, 0, .invalidExpires("X-Amz-Expires must be less than a week (in seconds) that is 604800")),
            (60, 60, nil),
            (60, 61, .presignedURLExpired),
        ] as [(Int, TimeInterval, SigV4Failure?)]
    )
    func presignedExpiry(expires: Int, secondsLater: TimeInterval, expected: SigV4Failure?) async {
        let verifier = SigV4Verifier(clock: .fixed(Examples.date.addingTimeInterval(secondsLater)), normalizesURIPath: false)
        #expect(await verifier.failure(of: Self.presignedGet(expires: expires), for: Self.s3Endpoint, using: Examples.lookup) == expected)
        #expect(SigV4Verifier.maximumExpires == 7 * 86_400)
    }

    @Test(
        "S3's answers to authentication failures",
        arguments: [
            (SigV4Failure.presignedURLExpired, "AccessDenied", 403, "Request has expired"),
            (
                .invalidExpires("X-Amz-Expires must be less than a week (in seconds) that is 604800"), "AuthorizationQueryParametersError", 400,
                "X-Amz-Expires must be less than a week (in seconds) that is 604800"
            ),
            (
                .signatureMismatch, "SignatureDoesNotMatch", 403,
                "The request signature we calculated does not match the signature you provided. Check your key and signing method."
            ),
            (.unknownAccessKey, "InvalidAccessKeyId", 403, "The AWS Access Key Id you provided does not exist in our records."),
            (.missingAuthentication, "AccessDenied", 403, "Access Denied"),
            (
                .requestExpired("Signature expired: 20130524T000000Z is now earlier than 20130524T001000Z (20130524T001500Z - 5 min.)"),
                "RequestTimeTooSkewed", 403, "The difference between the request time and the current time is too large."
            ),
        ] as [(SigV4Failure, String, Int, String)]
    )
    func s3Family(failure: SigV4Failure, code: String, status: Int, message: String) {
        let error = failure.awsError(for: .s3)
        #expect(error.code == code)
        #expect(error.status == status)
        #expect(error.message == message)
    }

    @Test("other services answer the new failures as they answered them before")
    func otherFamiliesUnchanged() {
        #expect(
            SigV4Failure.presignedURLExpired.awsError(for: .query)
                == AWSError(code: "SignatureDoesNotMatch", message: "Request has expired", status: 403))
        #expect(
            SigV4Failure.presignedURLExpired.awsError(for: .json)
                == AWSError(code: "InvalidSignatureException", message: "Request has expired", status: 403))
        #expect(
            SigV4Failure.invalidExpires("X-Amz-Expires should be a number").awsError(for: .json)
                == AWSError(code: "IncompleteSignatureException", message: "X-Amz-Expires should be a number", status: 400))
    }
}
