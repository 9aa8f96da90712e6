import AWSWire
import BulwarkCore
import Foundation
import HTTPTypes
import IAM
import Testing

@testable import BulwarkServer

/// The pipeline's payload step: what an S3 operation reads of a body, and what it refuses, once the
/// signature stage has done its part (here a caller that accepts every signature).
@Suite("Payload step: aws-chunked decoding and integrity checks")
struct RequestPayloadTests {
    static let principal = Principal(kind: .root, accountID: "123456789012", arn: "arn:aws:iam::123456789012:root", principalID: "123456789012")
    static let caller = AuthenticatedCaller(
        principal: principal, accessKeyID: "AKIATEST", region: "us-east-1", presigner: URLPresigner { path, _, _ in path },
        policies: .none(for: principal))
    static let payload = Data((0..<20_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })

    /// A pending caller whose signatures all pass (unsigned chunks for aws-chunked requests).
    static func pending(streaming request: WireRequest?) -> PendingCaller {
        var pending = PendingCaller { _ in caller }
        if let request {
            pending.completeStreaming = {
                let decoder = try AWSChunkedDecoder(
                    mode: .unsignedWithTrailer, chunkSignatures: nil,
                    decodedContentLength: Int(request.header("x-amz-decoded-content-length") ?? "") ?? -1,
                    trailer: request.header("x-amz-trailer").flatMap(ChecksumAlgorithm.init(headerName:)))
                return (caller, decoder)
            }
        }
        return pending
    }

    static func chunked(trailer: ChecksumAlgorithm = .crc32, claimedTrailer: String? = nil, contentEncoding: String = "aws-chunked") -> WireRequest {
        var encoder = AWSChunkedEncoder(mode: .unsignedWithTrailer, chunkSignatures: nil, trailer: trailer)
        var body = encoder.encode(payload, chunkSize: 8192)
        if let claimedTrailer {
            let actual = Data(ChecksumHasher.checksum(trailer, of: payload).base64.utf8)
            if let range = body.range(of: actual, options: .backwards) { body.replaceSubrange(range, with: Data(claimedTrailer.utf8)) }
        }
        var request = WireRequest(method: .put, rawPath: "/bucket/key", body: body)
        request.headers[HTTPField.Name("x-amz-content-sha256")!] = SigV4StreamingMode.unsignedWithTrailer.rawValue
        request.headers[HTTPField.Name("Content-Encoding")!] = contentEncoding
        request.headers[HTTPField.Name("x-amz-decoded-content-length")!] = String(payload.count)
        request.headers[HTTPField.Name("x-amz-trailer")!] = trailer.headerName
        request.headers[.contentLength] = String(body.count)
        return request
    }

    static func code(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as AWSError {
            return error.code
        } catch {
            return "\(error)"
        }
    }

    @Test("an aws-chunked body is decoded and its head rewritten as if sent plain")
    func decoded() throws {
        var request = Self.chunked(contentEncoding: "gzip, aws-chunked")
        _ = try RequestPayload.complete(&request, pending: Self.pending(streaming: request), checksPayload: true)
        #expect(request.body == Self.payload)
        #expect(request.header("x-amz-checksum-crc32") == ChecksumHasher.checksum(.crc32, of: Self.payload).base64)
        #expect(request.header("x-amz-trailer") == nil)
        #expect(request.header("Content-Encoding") == "gzip")
        #expect(request.header("Content-Length") == String(Self.payload.count))
        var only = Self.chunked(trailer: .sha256)
        _ = try RequestPayload.complete(&only, pending: Self.pending(streaming: only), checksPayload: true)
        #expect(only.header("Content-Encoding") == nil)
        #expect(only.header("x-amz-checksum-sha256") == ChecksumHasher.checksum(.sha256, of: Self.payload).base64)
    }

    @Test("a wrong trailing checksum, a wrong checksum header and a wrong Content-MD5 are BadDigest")
    func mismatches() {
        var wrongTrailer = Self.chunked(claimedTrailer: ChecksumHasher.checksum(.crc32, of: Data("x".utf8)).base64)
        #expect(
            Self.code { _ = try RequestPayload.complete(&wrongTrailer, pending: Self.pending(streaming: wrongTrailer), checksPayload: true) }
                == "BadDigest")
        var header = WireRequest(method: .put, rawPath: "/b/k", body: Data("body".utf8))
        header.headers[HTTPField.Name("x-amz-checksum-sha1")!] = ChecksumHasher.checksum(.sha1, of: Data("other".utf8)).base64
        #expect(Self.code { _ = try RequestPayload.complete(&header, pending: Self.pending(streaming: nil), checksPayload: true) } == "BadDigest")
        var md5 = WireRequest(method: .put, rawPath: "/b/k", body: Data("body".utf8))
        md5.headers[HTTPField.Name("Content-MD5")!] = "1B2M2Y8AsgTpgAmY7PhCfg=="
        #expect(Self.code { _ = try RequestPayload.complete(&md5, pending: Self.pending(streaming: nil), checksPayload: true) } == "BadDigest")
        md5.headers[HTTPField.Name("Content-MD5")!] = "short"
        #expect(Self.code { _ = try RequestPayload.complete(&md5, pending: Self.pending(streaming: nil), checksPayload: true) } == "InvalidDigest")
    }

    @Test("a checksum header that names the object, not the body (CompleteMultipartUpload's), is left to the handler")
    func objectChecksumHeader() {
        let objectChecksum = ChecksumHasher.checksum(.crc32, of: Data("the whole object".utf8)).base64
        var request = WireRequest(method: .post, rawPath: "/b/k?uploadId=u", body: Data("<CompleteMultipartUpload/>".utf8))
        request.headers[HTTPField.Name("x-amz-checksum-crc32")!] = objectChecksum
        var asBody = request
        #expect(Self.code { _ = try RequestPayload.complete(&asBody, pending: Self.pending(streaming: nil), checksPayload: true) } == "BadDigest")
        #expect(
            Self.code {
                _ = try RequestPayload.complete(
                    &request, pending: Self.pending(streaming: nil), checksPayload: true, checksumHeadersDescribeBody: false)
            } == nil)
        // Content-MD5 still covers the body.
        request.headers[HTTPField.Name("Content-MD5")!] = "1B2M2Y8AsgTpgAmY7PhCfg=="
        #expect(
            Self.code {
                _ = try RequestPayload.complete(
                    &request, pending: Self.pending(streaming: nil), checksPayload: true, checksumHeadersDescribeBody: false)
            } == "BadDigest")
    }

    @Test("a trailer without an aws-chunked body, a header and a trailer together, SigV4a streaming: refused")
    func refusals() {
        var plainWithTrailer = WireRequest(method: .put, rawPath: "/b/k", body: Data("body".utf8))
        plainWithTrailer.headers[HTTPField.Name("x-amz-trailer")!] = "x-amz-checksum-crc32"
        #expect(
            Self.code { _ = try RequestPayload.complete(&plainWithTrailer, pending: Self.pending(streaming: nil), checksPayload: true) }
                == "MalformedTrailerError")
        var both = Self.chunked()
        both.headers[HTTPField.Name("x-amz-checksum-crc32")!] = ChecksumHasher.checksum(.crc32, of: Self.payload).base64
        #expect(Self.code { _ = try RequestPayload.complete(&both, pending: Self.pending(streaming: both), checksPayload: true) } == "InvalidRequest")
        var ecdsa = Self.chunked()
        ecdsa.headers[HTTPField.Name("x-amz-content-sha256")!] = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD"
        #expect(Self.code { _ = try RequestPayload.complete(&ecdsa, pending: Self.pending(streaming: nil), checksPayload: true) } == "NotImplemented")
    }

    @Test("other services: the body is handed to the signature check untouched")
    func otherServices() throws {
        var request = Self.chunked()
        let original = request
        // The signature stage sees the body as received, and its refusal is the answer.
        let pending = PendingCaller { body in
            throw AWSError(code: body == original.body ? "InvalidSignatureException" : "BodyChanged", message: "mismatch", status: 403)
        }
        #expect(Self.code { _ = try RequestPayload.complete(&request, pending: pending, checksPayload: false) } == "InvalidSignatureException")
        #expect(request.body == original.body && request.header("x-amz-trailer") == original.header("x-amz-trailer"))
    }
}
