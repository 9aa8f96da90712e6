import Crypto
import Foundation

/// Encodes a payload as an aws-chunked body, as the SDKs do: for clients of S3, for tests and benchmarks.
public struct AWSChunkedEncoder: Sendable {
    public let mode: SigV4StreamingMode
    /// The checksum sent in the trailer (announced by `x-amz-trailer`).
    public let trailer: ChecksumAlgorithm?
    private var signatures: SigV4ChunkSignatureChain?
    private var checksum: ChecksumHasher?

    /// An encoder for `mode`; signed modes chain from `chunkSignatures` (built from the request's
    /// seed signature).
    public init(mode: SigV4StreamingMode, chunkSignatures: SigV4ChunkSignatureChain?, trailer: ChecksumAlgorithm?) {
        self.mode = mode
        self.signatures = mode.chunksAreSigned ? chunkSignatures : nil
        self.trailer = mode.hasTrailer ? trailer : nil
        self.checksum = self.trailer.map(ChecksumHasher.init)
    }

    /// One chunk carrying `data` (which must not be empty; ``finish()`` writes the last chunk).
    public mutating func chunk(_ data: some DataProtocol) -> Data {
        checksum?.update(data)
        return frame(size: data.count, dataSHA256: SigV4Crypto.sha256Hex(data), data: Data(data))
    }

    /// The zero-length chunk, then the trailer and its signature when the mode has them.
    public mutating func finish() -> Data {
        var output = frame(size: 0, dataSHA256: SigV4ChunkSignatureChain.emptySHA256, data: nil)
        guard mode.hasTrailer else { return output + Data("\r\n".utf8) }
        var trailer = ""
        if let checksum { trailer = "\(checksum.algorithm.headerName):\(checksum.finalize().base64)\n" }
        output += Data(trailer.replacingOccurrences(of: "\n", with: "\r\n").utf8)
        if mode == .signedWithTrailer, let signatures {
            output += Data("x-amz-trailer-signature:\(signatures.trailerSignature(canonicalTrailer: trailer))\r\n".utf8)
        }
        return output + Data("\r\n".utf8)
    }

    /// All of `payload` in chunks of `chunkSize` bytes (the last one shorter), then ``finish()``.
    public mutating func encode(_ payload: Data, chunkSize: Int) -> Data {
        var output = Data()
        var start = payload.startIndex
        while start < payload.endIndex {
            let end = payload.index(start, offsetBy: chunkSize, limitedBy: payload.endIndex) ?? payload.endIndex
            output += chunk(payload[start..<end])
            start = end
        }
        return output + finish()
    }

    private mutating func frame(size: Int, dataSHA256: String, data: Data?) -> Data {
        var header = String(size, radix: 16)
        if let chain = signatures {
            let signature = chain.chunkSignature(dataSHA256: dataSHA256)
            signatures?.advance(to: signature)
            header += ";chunk-signature=\(signature)"
        }
        var output = Data("\(header)\r\n".utf8)
        if let data { output += data + Data("\r\n".utf8) }
        return output
    }
}
