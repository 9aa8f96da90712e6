import AWSWire
import BulwarkCore
import Foundation
import HTTPTypes

#if canImport(zlib)
    private import zlib
#else
    // ZIPFoundation links the system zlib on Linux through this module.
    private import CZlib
#endif

/// Request bodies that clients compress (`Content-Encoding: gzip`, botocore's `requestcompression`:
/// CloudWatch's PutMetricData past 10 KB), inflated after the signature is verified over the bytes
/// sent and before the codec reads them (decision 0039).
///
/// Inflation stops at the first chunk past the limit, so that a small body cannot expand without
/// bound; a truncated stream, or bytes after its end, are refused.
enum GzipRequestBody {
    /// Whether the request's `Content-Encoding` names gzip.
    static func isCompressed(_ request: WireRequest) -> Bool {
        (request.header("Content-Encoding") ?? "").split(separator: ",").contains {
            $0.trimmingCharacters(in: .whitespaces).lowercased() == "gzip"
        }
    }

    /// Inflates the body in place and drops gzip from `Content-Encoding`.
    ///
    /// - Throws: `RequestEntityTooLargeException` past `limit` bytes, `SerializationException` for a
    ///   body that is not one whole gzip stream.
    static func inflate(_ request: inout WireRequest, limit: Int, operation: String?) throws {
        request.body = try inflate(request.body, limit: limit, operation: operation)
        let remaining = (request.header("Content-Encoding") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && $0.lowercased() != "gzip" }
        request.headers[.contentEncoding] = remaining.isEmpty ? nil : remaining.joined(separator: ",")
    }

    static func inflate(_ body: Data, limit: Int, operation: String?) throws -> Data {
        let malformed = AWSError(code: "SerializationException", message: "The request body is not a valid gzip stream.", status: 400)
        guard !body.isEmpty else { throw malformed }
        var stream = z_stream()
        // 16 + MAX_WBITS: a gzip header and trailer around the deflate stream.
        guard inflateInit2_(&stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw AWSError.internalFailure()
        }
        defer { inflateEnd(&stream) }
        var output = Data()
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var input = [UInt8](body)
        let status: Int32 = input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = uInt(source.count)
            while true {
                let result: Int32 = chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = uInt(buffer.count)
                    return zlibInflate(&stream)
                }
                let produced = chunk.count - Int(stream.avail_out)
                if output.count + produced > limit { return Z_BUF_ERROR - 100 }
                output.append(contentsOf: chunk[0..<produced])
                if result == Z_STREAM_END { return stream.avail_in == 0 ? Z_STREAM_END : Z_DATA_ERROR }
                guard result == Z_OK else { return result }
                if stream.avail_in == 0, produced == 0 { return Z_BUF_ERROR }
            }
        }
        switch status {
        case Z_STREAM_END: return output
        case Z_BUF_ERROR - 100: throw AWSError.requestTooLarge(limit: limit, operation: operation)
        default: throw malformed
        }
    }
}

/// zlib's `inflate`, out of the reach of ``GzipRequestBody/inflate(_:limit:operation:)``'s name.
private func zlibInflate(_ stream: inout z_stream) -> Int32 {
    inflate(&stream, Z_NO_FLUSH)
}
