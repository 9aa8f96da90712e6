import AWSWire
import BulwarkCore
import Foundation

/// The payload modes of a request body (`x-amz-content-sha256`), and the one step that turns the
/// body as received into the body the signature covers and the operation reads.
///
/// Plain bodies — a signed SHA-256 or `UNSIGNED-PAYLOAD` — are the body itself. The aws-chunked
/// encodings (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD`, `STREAMING-UNSIGNED-PAYLOAD-TRAILER` and their
/// `-TRAILER` and ECDSA variants, or `Content-Encoding: aws-chunked`) are refused here with S3's
/// `NotImplemented` until the aws-chunked decoder (chunk signatures, trailing checksums) is plugged
/// into ``decode(_:)``: it receives the whole received body and answers the decoded one.
enum RequestPayload {
    /// How a request's body is encoded.
    enum Mode: Equatable {
        /// The body as sent (signed hash, `UNSIGNED-PAYLOAD`, or no claim).
        case plain
        /// An aws-chunked body, with the `x-amz-content-sha256` it claims.
        case awsChunked(String)
    }

    static func mode(of request: WireRequest) -> Mode {
        let claimed = request.header("x-amz-content-sha256") ?? ""
        if claimed.hasPrefix("STREAMING-") { return .awsChunked(claimed) }
        let encodings = (request.header("Content-Encoding") ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        if encodings.contains("aws-chunked") { return .awsChunked(claimed) }
        return .plain
    }

    /// The body the signature covers and the operation reads.
    ///
    /// - Throws: `NotImplemented` (501) for an aws-chunked body.
    static func decode(_ request: WireRequest) throws -> Data {
        switch mode(of: request) {
        case .plain:
            return request.body
        case .awsChunked(let claimed):
            throw AWSError(
                code: "NotImplemented",
                message:
                    "Bulwark does not decode aws-chunked request bodies (x-amz-content-sha256: \(claimed.isEmpty ? "none" : claimed)) yet; send the payload signed or UNSIGNED-PAYLOAD (botocore: request_checksum_calculation=when_required).",
                status: 501,
                fault: .receiver,
                fields: ["Header": "x-amz-content-sha256"]
            )
        }
    }
}
