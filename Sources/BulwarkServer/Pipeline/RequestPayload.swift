import AWSWire
import BulwarkCore
import Foundation
import HTTPTypes

/// The payload modes of a request body (`x-amz-content-sha256`), and the one step that checks the
/// body against the signature and turns it into the body the operation reads.
///
/// Every service takes plain bodies: a signed SHA-256 or `UNSIGNED-PAYLOAD`. S3 alone (decision
/// 0025) also takes the aws-chunked encodings `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`,
/// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER` and `STREAMING-UNSIGNED-PAYLOAD-TRAILER` — decoded
/// here, each chunk signature checked — and checks what a request claims of its body:
/// `x-amz-checksum-*` (header or trailer) and `Content-MD5`, over the decoded body, so that no S3
/// operation sees a body that fails them. The operation then reads the request as if it had been
/// sent plain: the trailer's checksum as its `x-amz-checksum-*` header, `aws-chunked` gone from
/// `Content-Encoding`, `Content-Length` the decoded length.
///
/// Other services keep their answer to a `STREAMING-*` hash: a payload hash that does not match.
enum RequestPayload {
    /// How a request's body is encoded.
    enum Mode: Equatable {
        /// The body as sent (signed hash, `UNSIGNED-PAYLOAD`, or no claim).
        case plain
        /// An aws-chunked body in one of the modes S3 decodes.
        case awsChunked(SigV4StreamingMode)
        /// An aws-chunked body in a mode not decoded (SigV4a's ECDSA modes, or `Content-Encoding:
        /// aws-chunked` without a streaming hash), with the `x-amz-content-sha256` it claims.
        case unsupported(String)
    }

    static func mode(of request: WireRequest) -> Mode {
        let claimed = request.header("x-amz-content-sha256") ?? ""
        if let mode = SigV4StreamingMode(rawValue: claimed) { return .awsChunked(mode) }
        if claimed.hasPrefix("STREAMING-") { return .unsupported(claimed) }
        if contentEncodings(request).contains(where: { $0.lowercased() == "aws-chunked" }) { return .unsupported(claimed) }
        return .plain
    }

    /// Checks the body of `request` against its signature and, for S3 (`checksPayload`), decodes and
    /// checks it; `request` is left as the operation reads it.
    ///
    /// - Throws: the authentication errors of the service's protocol; for S3 also `NotImplemented`
    ///   (501) for an aws-chunked mode not decoded, the decoder's errors (`SignatureDoesNotMatch` for
    ///   a chunk or trailer signature, `IncompleteBody`, `MalformedTrailerError`, ...), `BadDigest`
    ///   for a checksum or `Content-MD5` that does not match, and `InvalidRequest` / `InvalidDigest`
    ///   for malformed ones.
    ///
    /// A plain request whose `x-amz-checksum-*` header is not a checksum of its body
    /// (`checksumHeadersDescribeBody` false: CompleteMultipartUpload's names the object's) is
    /// checked against its signature and `Content-MD5` only.
    static func complete(
        _ request: inout WireRequest, pending: PendingCaller, checksPayload: Bool, checksumHeadersDescribeBody: Bool = true
    ) throws -> AuthenticatedCaller {
        guard checksPayload else { return try pending.complete(request.body) }
        let caller: AuthenticatedCaller
        let claims: ChecksumHeaders
        switch mode(of: request) {
        case .plain:
            caller = try pending.complete(request.body)
            claims = try ChecksumHeaders(request.headers)
            // A trailer needs an aws-chunked body to travel in.
            if claims.trailer != nil { throw AWSError.malformedTrailer }
        case .unsupported(let claimed):
            throw AWSError(
                code: "NotImplemented",
                message: "Bulwark does not decode aws-chunked request bodies with x-amz-content-sha256: \(claimed.isEmpty ? "none" : claimed).",
                status: 501,
                fault: .receiver,
                fields: ["Header": "x-amz-content-sha256"]
            )
        case .awsChunked:
            guard let completeStreaming = pending.completeStreaming else { return try pending.complete(request.body) }
            var decoder: AWSChunkedDecoder
            (caller, decoder) = try completeStreaming()
            claims = try ChecksumHeaders(request.headers)
            if claims.claimed != nil, claims.trailer != nil { throw AWSError.multipleChecksumHeaders }
            let decoded = try decoder.decode(request.body)
            // Nothing of the decoded body is trusted before the decoder has seen its end.
            let summary = try decoder.finish()
            request.body = decoded
            asSentPlain(&request, trailing: summary.checksum)
        }
        if checksumHeadersDescribeBody, let claimed = claims.claimed {
            try claimed.verify(computed: ChecksumHasher.checksum(claimed.algorithm, of: request.body))
        }
        if let md5 = request.header("Content-MD5") {
            try ContentMD5(headerValue: md5).verify(body: request.body)
        }
        return caller
    }

    /// Rewrites the head of a decoded aws-chunked request into the head of the same request sent plain.
    private static func asSentPlain(_ request: inout WireRequest, trailing: ChecksumValue?) {
        let remaining = contentEncodings(request).filter { $0.lowercased() != "aws-chunked" }
        request.headers[.contentEncoding] = nil
        if !remaining.isEmpty { request.headers[.contentEncoding] = remaining.joined(separator: ",") }
        request.headers[.contentLength] = String(request.body.count)
        request.headers[HTTPField.Name("x-amz-trailer")!] = nil
        if let trailing { request.headers[HTTPField.Name(trailing.algorithm.headerName)!] = trailing.base64 }
    }

    /// The codings of `Content-Encoding`, as sent.
    private static func contentEncodings(_ request: WireRequest) -> [String] {
        (request.header("Content-Encoding") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
