import AWSWire
import BulwarkCore
import Foundation
import HTTPTypes
import Testing

@Suite("S3 refuses x-amz-* headers that are present but not signed")
struct SigV4UnsignedHeadersTests {
    typealias Examples = AWSChunkedExamples

    static let endpoint = SigV4Endpoint(service: "s3", region: "us-east-1")
    static let signer = SigV4Signer(credentials: Examples.credentials, region: "us-east-1", service: "s3", normalizesURIPath: false)
    static let s3 = SigV4Verifier(
        clock: .fixed(Examples.date), normalizesURIPath: false, presignsUnsignedPayload: true, requiresSignedAmzHeaders: true)

    /// A presigned PUT that signs only `host`, as a browser upload gets it.
    static func presignedPut() -> WireRequest {
        var request = WireRequest(method: .put, rawPath: "/uploads/report.csv", headers: [.hostHeader: "localhost:4566"])
        request.rawQuery = signer.presign(request, at: Examples.date, expires: 300, options: .init(payload: .unsigned)).query
        request.body = Data("a,b\n".utf8)
        return request
    }

    static func adding(_ headers: [(String, String)], to request: WireRequest) -> WireRequest {
        var request = request
        for (name, value) in headers { request.headers.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        return request
    }

    @Test(
        "a presigned PUT with an added x-amz-* header is refused, naming the headers once each in the order sent",
        arguments: [
            ([("x-amz-meta-x", "1")], ["x-amz-meta-x"]),
            ([("X-Amz-Copy-Source", "/secrets/key")], ["x-amz-copy-source"]),
            ([("x-amz-acl", "public-read"), ("x-amz-tagging", "a=b"), ("x-amz-acl", "private")], ["x-amz-acl", "x-amz-tagging"]),
            ([("x-amz-security-token", "token")], ["x-amz-security-token"]),
        ] as [([(String, String)], [String])]
    )
    func presignedWithUnsignedHeader(headers: [(String, String)], names: [String]) async {
        let request = Self.adding(headers, to: Self.presignedPut())
        #expect(await Self.s3.failure(of: request, for: Self.endpoint, using: Examples.lookup) == .headersNotSigned(names))
    }

    @Test("the presigned PUT alone, or with other unsigned headers or x-amz-content-sha256, is accepted")
    func presignedAccepted() async {
        #expect(await Self.s3.failure(of: Self.presignedPut(), for: Self.endpoint, using: Examples.lookup) == nil)
        let extra = Self.adding(
            [("Content-Type", "text/csv"), ("x-amzn-trace-id", "Root=1"), ("x-amz-content-sha256", "UNSIGNED-PAYLOAD")], to: Self.presignedPut())
        #expect(await Self.s3.failure(of: extra, for: Self.endpoint, using: Examples.lookup) == nil)
    }

    @Test("a header-signed request with an x-amz-* header added after signing is refused, x-amz-content-sha256 included")
    func headerSignedWithUnsignedHeader() async {
        var request = WireRequest(method: .put, rawPath: "/uploads/report.csv", headers: [.hostHeader: "localhost:4566"])
        request.body = Data("a,b\n".utf8)
        let signed = Self.signer.signed(request, at: Examples.date)
        #expect(await Self.s3.failure(of: signed, for: Self.endpoint, using: Examples.lookup) == nil)
        let added = Self.adding([("x-amz-copy-source", "/secrets/key")], to: signed)
        #expect(await Self.s3.failure(of: added, for: Self.endpoint, using: Examples.lookup) == .headersNotSigned(["x-amz-copy-source"]))
        // Signed without x-amz-content-sha256, which is then added: S3 wants it signed in a header signature.
        let hashAdded = Self.adding([("x-amz-content-sha256", "UNSIGNED-PAYLOAD")], to: signed)
        #expect(await Self.s3.failure(of: hashAdded, for: Self.endpoint, using: Examples.lookup) == .headersNotSigned(["x-amz-content-sha256"]))
    }

    @Test("other services (the verifier's default) do not look at unsigned x-amz-* headers")
    func otherServicesUnchanged() async {
        let lenient = SigV4Verifier(clock: .fixed(Examples.date), normalizesURIPath: false, presignsUnsignedPayload: true)
        let request = Self.adding([("x-amz-meta-x", "1")], to: Self.presignedPut())
        #expect(await lenient.failure(of: request, for: Self.endpoint, using: Examples.lookup) == nil)
    }

    @Test("S3's answer: AccessDenied 403 with the names in HeadersNotSigned; other families a signature mismatch")
    func answers() {
        #expect(
            SigV4Failure.headersNotSigned(["x-amz-meta-s1", "x-amz-tagging"]).awsError(for: .s3)
                == AWSError(
                    code: "AccessDenied", message: "There were headers present in the request which were not signed", status: 403,
                    fields: ["HeadersNotSigned": "x-amz-meta-s1, x-amz-tagging"]))
        #expect(SigV4Failure.headersNotSigned(["x-amz-meta-s1"]).awsError(for: .json).code == "InvalidSignatureException")
    }
}
