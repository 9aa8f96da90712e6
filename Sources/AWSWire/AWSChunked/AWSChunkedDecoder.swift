import BulwarkCore
import Crypto
import Foundation
import HTTPTypes

/// Decodes an aws-chunked body (`Content-Encoding: aws-chunked`) as it arrives, in slices of any size,
/// checking as it goes what S3 checks: the framing, the chunk signatures chained from the seed
/// signature, the 8 KiB minimum of every chunk but the last, `x-amz-decoded-content-length`, the
/// trailer, its signature and the checksum it carries.
///
/// ```
/// 10000;chunk-signature=<64 hex>\r\n <65536 bytes> \r\n     signed modes
/// 400\r\n <1024 bytes> \r\n                                   STREAMING-UNSIGNED-PAYLOAD-TRAILER
/// 0[;chunk-signature=<64 hex>]\r\n
/// x-amz-checksum-crc32c:sOO8/Q==\r\n                          the trailer, when x-amz-trailer names it
/// x-amz-trailer-signature:<64 hex>\r\n                        STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER
/// \r\n
/// ```
///
/// Memory is bounded: payload bytes are never copied or held — ``decode(_:)`` answers where they lie
/// in the slice it was given — and only one header or trailer line (at most ``maximumLineLength``
/// bytes) is kept between slices.
///
/// The payload handed out is **provisional**: a chunk's signature can only be checked once all of its
/// data has passed, and the checksum at the very end. The caller must not commit anything before
/// ``finish()`` has returned. After the first error every call throws that error again.
public struct AWSChunkedDecoder: Sendable {
    /// The longest chunk header or trailer line accepted (a signed chunk header is 86 bytes or less).
    public static let maximumLineLength = 4096
    /// Every chunk but the last must carry at least this many bytes.
    public static let minimumChunkSize = 8192

    public let mode: SigV4StreamingMode
    /// `x-amz-decoded-content-length`: the length of the payload.
    public let decodedContentLength: Int
    /// The checksum `x-amz-trailer` announced.
    public let trailer: ChecksumAlgorithm?

    private var signatures: SigV4ChunkSignatureChain?
    private var checksum: ChecksumHasher?
    private var chunkHash = SHA256()
    private var state = State.chunkHeader
    private var line: [UInt8] = []
    private var decoded = 0
    private var chunkCount = 0
    private var previousChunkSize: Int?
    private var claimedChunkSignature = ""
    private var trailerFields: [(name: String, value: String)] = []
    private var skippedBlankTrailerLine = false
    private var failure: AWSError?

    private enum State: Sendable {
        case chunkHeader
        case chunkData(remaining: Int)
        case chunkDataCR
        case chunkDataLF
        case trailer
        case done
    }

    /// What a decoded body came to.
    public struct Summary: Sendable, Hashable {
        /// The payload's length, equal to `x-amz-decoded-content-length`.
        public var decodedLength: Int
        /// The trailer's checksum, verified against the payload; `nil` when no trailer was announced.
        public var checksum: ChecksumValue?

        public init(decodedLength: Int, checksum: ChecksumValue?) {
            self.decodedLength = decodedLength
            self.checksum = checksum
        }
    }

    /// A decoder for `mode`; signed modes need the chain of the verified seed signature.
    ///
    /// - Throws: `SignatureDoesNotMatch` when `mode` has signed chunks and `chunkSignatures` is `nil`.
    public init(
        mode: SigV4StreamingMode,
        chunkSignatures: SigV4ChunkSignatureChain?,
        decodedContentLength: Int,
        trailer: ChecksumAlgorithm?
    ) throws(AWSError) {
        guard !mode.chunksAreSigned || chunkSignatures != nil, decodedContentLength >= 0 else {
            throw decodedContentLength < 0 ? .missingDecodedContentLength : .chunkSignatureMismatch
        }
        self.mode = mode
        self.signatures = mode.chunksAreSigned ? chunkSignatures : nil
        self.decodedContentLength = decodedContentLength
        self.trailer = trailer
        self.checksum = trailer.map(ChecksumHasher.init)
    }

    /// A decoder for a request whose seed signature passed, reading `x-amz-decoded-content-length`
    /// and `x-amz-trailer` from its headers.
    ///
    /// - Throws: `MissingContentLength` (411) without a decimal `x-amz-decoded-content-length`;
    ///   `InvalidRequest` when `x-amz-trailer` names something other than a checksum.
    public init(streaming: SigV4StreamingVerification<some Sendable>, headers: HTTPFields) throws(AWSError) {
        guard let text = headers[HTTPField.Name("x-amz-decoded-content-length")!], let length = Self.decimal(text) else {
            throw .missingDecodedContentLength
        }
        var trailer: ChecksumAlgorithm?
        if let name = headers[HTTPField.Name("x-amz-trailer")!] {
            guard let algorithm = ChecksumAlgorithm(headerName: name.trimmingASCIISpaces) else { throw .unsupportedTrailer }
            trailer = algorithm
        }
        try self.init(mode: streaming.mode, chunkSignatures: streaming.chunkSignatures, decodedContentLength: length, trailer: trailer)
    }

    /// Decodes the next slice of the body; returns the ranges of `input` that are payload, in order.
    public mutating func decode(_ input: UnsafeRawBufferPointer) throws(AWSError) -> [Range<Int>] {
        if let failure { throw failure }
        do {
            return try consume(input)
        } catch {
            failure = error
            throw error
        }
    }

    /// Decodes the next slice of the body; returns its payload bytes.
    public mutating func decode(_ input: some DataProtocol) throws(AWSError) -> Data {
        var output = Data()
        for region in input.regions {
            let result: Result<Data, AWSError> = region.withUnsafeBytes { buffer in
                do throws(AWSError) {
                    var payload = Data()
                    for range in try decode(buffer) {
                        payload.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[range]))
                    }
                    return .success(payload)
                } catch {
                    return .failure(error)
                }
            }
            output.append(try result.get())
        }
        return output
    }

    /// Called once the body has ended: checks that it ended where the encoding says it does.
    ///
    /// - Returns: the payload's length and the verified trailing checksum.
    /// - Throws: `IncompleteBody` when the body stopped early, `MalformedTrailerError` when the trailer
    ///   is missing, and what the trailer's checks throw.
    public mutating func finish() throws(AWSError) -> Summary {
        if let failure { throw failure }
        do throws(AWSError) {
            switch state {
            case .done: break
            case .trailer where line.isEmpty && !trailerFields.isEmpty:
                // The empty line that closes the trailer is optional: SDKs differ on it.
                try completeTrailer()
            case .trailer where line.isEmpty && expectsTrailerFields:
                throw AWSError.malformedTrailer
            default:
                throw AWSError.incompleteBody
            }
            return Summary(decodedLength: decoded, checksum: checksum?.finalize())
        } catch {
            failure = error
            throw error
        }
    }

    private var expectsTrailerFields: Bool { trailer != nil || mode == .signedWithTrailer }

    private mutating func consume(_ input: UnsafeRawBufferPointer) throws(AWSError) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var index = 0
        while index < input.count {
            switch state {
            case .chunkData(let remaining):
                let end = index + min(remaining, input.count - index)
                let payload = UnsafeRawBufferPointer(rebasing: input[index..<end])
                if signatures != nil { chunkHash.update(bufferPointer: payload) }
                checksum?.update(payload)
                ranges.append(index..<end)
                decoded += end - index
                let left = remaining - (end - index)
                index = end
                if left == 0 {
                    try verifyChunkSignature()
                    state = .chunkDataCR
                } else {
                    state = .chunkData(remaining: left)
                }
            case .chunkDataCR, .chunkDataLF:
                let expected: UInt8 = if case .chunkDataCR = state { 0x0D } else { 0x0A }
                guard input[index] == expected else { throw AWSError.incompleteBody }
                index += 1
                if case .chunkDataCR = state { state = .chunkDataLF } else { state = .chunkHeader }
            case .chunkHeader, .trailer:
                let isHeader = if case .chunkHeader = state { true } else { false }
                let rest = UnsafeRawBufferPointer(rebasing: input[index...])
                let newline = rest.firstIndex(of: 0x0A)
                let taken = newline.map { $0 + 1 } ?? rest.count
                guard line.count + taken <= Self.maximumLineLength + 2 else {
                    throw isHeader ? AWSError.incompleteBody : AWSError.malformedTrailer
                }
                line.append(contentsOf: UnsafeRawBufferPointer(rebasing: rest[..<taken]))
                index += taken
                guard newline != nil else { continue }
                guard line.count >= 2, line[line.count - 2] == 0x0D else {
                    throw isHeader ? AWSError.incompleteBody : AWSError.malformedTrailer
                }
                let content = line.dropLast(2)
                if isHeader { try chunkHeader(content) } else { try trailerLine(content) }
                line.removeAll(keepingCapacity: true)
            case .done:
                throw AWSError.incompleteBody
            }
        }
        return ranges
    }

    /// `<hex size>` or `<hex size>;chunk-signature=<signature>`.
    private mutating func chunkHeader(_ header: ArraySlice<UInt8>) throws(AWSError) {
        let semicolon = header.firstIndex(of: UInt8(ascii: ";"))
        guard let size = Self.hexadecimal(header[..<(semicolon ?? header.endIndex)]) else { throw .incompleteBody }
        if signatures != nil {
            let prefix = Array("chunk-signature=".utf8)
            guard let semicolon, header[(semicolon + 1)...].starts(with: prefix) else { throw .incompleteBody }
            claimedChunkSignature = String(decoding: header[(semicolon + 1 + prefix.count)...], as: UTF8.self)
        } else if semicolon != nil {
            throw .incompleteBody
        }
        chunkCount += 1
        if size > 0, let previous = previousChunkSize, previous < Self.minimumChunkSize {
            throw .invalidChunkSize(chunk: chunkCount - 1, size: previous)
        }
        guard size <= decodedContentLength - decoded else { throw .decodedLengthMismatch }
        previousChunkSize = size
        if size > 0 {
            state = .chunkData(remaining: size)
            return
        }
        guard decoded == decodedContentLength else { throw .decodedLengthMismatch }
        try verifyChunkSignature()
        state = .trailer
    }

    private mutating func verifyChunkSignature() throws(AWSError) {
        guard signatures != nil else { return }
        let dataHash = SigV4Crypto.hex(chunkHash.finalize())
        chunkHash = SHA256()
        guard signatures?.verifyChunk(dataSHA256: dataHash, claimed: claimedChunkSignature) == true else {
            throw .chunkSignatureMismatch
        }
    }

    /// One `name:value` line of the trailer, or the empty line that ends it.
    private mutating func trailerLine(_ content: ArraySlice<UInt8>) throws(AWSError) {
        guard !content.isEmpty else {
            // Some encoders put the empty line of the zero-length chunk's (empty) data before the
            // trailer; it is skipped once when a trailer is still expected.
            if trailerFields.isEmpty, expectsTrailerFields, !skippedBlankTrailerLine {
                skippedBlankTrailerLine = true
                return
            }
            try completeTrailer()
            state = .done
            return
        }
        guard mode.hasTrailer, let colon = content.firstIndex(of: UInt8(ascii: ":")) else { throw .malformedTrailer }
        let name = String(decoding: content[..<colon], as: UTF8.self).lowercased()
        let value = String(decoding: content[(colon + 1)...], as: UTF8.self).trimmingASCIISpaces
        let allowed = [trailer?.headerName, mode == .signedWithTrailer ? Self.trailerSignatureName : nil]
        guard allowed.contains(name), !trailerFields.contains(where: { $0.name == name }) else { throw .malformedTrailer }
        trailerFields.append((name, value))
    }

    static let trailerSignatureName = "x-amz-trailer-signature"

    /// The trailer is complete: its fields, its signature, then the checksum.
    private mutating func completeTrailer() throws(AWSError) {
        var claimed: ChecksumValue?
        if let trailer {
            guard let field = trailerFields.first(where: { $0.name == trailer.headerName }) else { throw .malformedTrailer }
            claimed = try trailer.claimed(field.value, inTrailer: true)
        }
        if mode == .signedWithTrailer {
            guard let signature = trailerFields.first(where: { $0.name == Self.trailerSignatureName })?.value else {
                throw .malformedTrailer
            }
            let canonical =
                trailerFields
                .filter { $0.name != Self.trailerSignatureName }
                .sorted { $0.name < $1.name }
                .map { "\($0.name):\($0.value)\n" }
                .joined()
            guard signatures?.verifyTrailer(canonicalTrailer: canonical, claimed: signature) == true else {
                throw .chunkSignatureMismatch
            }
        }
        if let claimed, let checksum { try claimed.verify(computed: checksum.finalize()) }
        state = .done
    }

    /// 1 to 16 hexadecimal digits, within `Int`.
    private static func hexadecimal(_ digits: ArraySlice<UInt8>) -> Int? {
        guard (1...16).contains(digits.count) else { return nil }
        var value: UInt64 = 0
        for digit in digits {
            let nibble: UInt8
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = digit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = digit - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt64(nibble)
        }
        return value <= UInt64(Int.max) ? Int(value) : nil
    }

    /// 1 to 18 decimal digits.
    private static func decimal(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard (1...18).contains(bytes.count), bytes.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            return nil
        }
        return Int(text)
    }
}
