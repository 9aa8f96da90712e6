import AWSWire
import BulwarkCore
import Foundation
import HTTPTypes
import Testing

@Suite("aws-chunked bodies: AWS's examples, every split, every malformation")
struct AWSChunkedDecoderTests {
    typealias Examples = AWSChunkedExamples

    static func decodeAll(_ decoder: inout AWSChunkedDecoder, _ slices: [Data]) throws(AWSError) -> (Data, AWSChunkedDecoder.Summary) {
        var payload = Data()
        for slice in slices { payload += try decoder.decode(slice) }
        return (payload, try decoder.finish())
    }

    @Test("AWS's chunked upload: the seed signature passes and every chunk signature checks out")
    func awsSignedExample() async throws {
        #expect(Examples.signedBody.count == 66824)
        let streaming = try await Examples.streaming(Examples.signedRequest)
        #expect(streaming.mode == .signed)
        #expect(streaming.chunkSignatures?.previousSignature == "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9")
        #expect(streaming.verification.isPayloadSigned)
        var decoder = try AWSChunkedDecoder(streaming: streaming, headers: Examples.signedRequest.headers)
        let (payload, summary) = try Self.decodeAll(&decoder, [Examples.signedBody])
        #expect(payload == Examples.payload)
        #expect(summary == AWSChunkedDecoder.Summary(decodedLength: 66560, checksum: nil))
    }

    @Test("AWS's chunked upload with a trailing CRC32C: chunks, trailer signature and checksum check out")
    func awsTrailerExample() async throws {
        let streaming = try await Examples.streaming(Examples.trailerRequest)
        var decoder = try AWSChunkedDecoder(streaming: streaming, headers: Examples.trailerRequest.headers)
        #expect(decoder.trailer == .crc32c)
        let (payload, summary) = try Self.decodeAll(&decoder, [Examples.trailerBody])
        #expect(payload == Examples.payload)
        #expect(summary.checksum?.base64 == "sOO8/Q==")
    }

    @Test("the chain reproduces AWS's signatures, and aws-c-auth's trailer of three headers")
    func chainVectors() {
        var chain = SigV4ChunkSignatureChain(
            secretAccessKey: Examples.credentials.secretAccessKey, scope: SigV4CredentialScope(date: "20130524", region: "us-east-1", service: "s3"),
            amzDate: "20130524T000000Z", seedSignature: "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9")
        let chunks = [Examples.payload.prefix(65536), Examples.payload.suffix(1024), Data()]
        for (chunk, signature) in zip(chunks, Examples.signedChunkSignatures) {
            let hash = SHA256Hex.of(chunk)
            #expect(chain.chunkSignature(dataSHA256: hash) == signature)
            let refused = chain.verifyChunk(dataSHA256: hash, claimed: String(signature.reversed()))
            #expect(!refused)
            let accepted = chain.verifyChunk(dataSHA256: hash, claimed: signature)
            #expect(accepted)
        }
        // aws-c-auth tests/test_chunked_signing.c: trailers first:1st, second:2nd, third:3rd.
        #expect(
            chain.trailerSignature(canonicalTrailer: "first:1st\nsecond:2nd\nthird:3rd\n")
                == "df5735bd9f3295cd9386572292562fefc93ba94e80a0a1ddcbd652c4e0a75e6c")
    }

    static let chain = SigV4ChunkSignatureChain(
        secretAccessKey: "secret", scope: SigV4CredentialScope(date: "20250101", region: "eu-west-1", service: "s3"),
        amzDate: "20250101T120000Z", seedSignature: String(repeating: "5", count: 64))

    static let randomPayload: Data = {
        var generator = SeededGenerator(state: 3)
        return Data(generator.bytes(8192 + 50))
    }()

    /// A small body of `mode`: a 8192-byte chunk, a 50-byte chunk and, with a trailer, a CRC64NVME.
    static func smallExample(
        _ mode: SigV4StreamingMode, payload: Data = randomPayload
    ) -> (body: Data, payload: Data, decoder: AWSChunkedDecoder) {
        let chain = mode.chunksAreSigned ? Self.chain : nil
        let trailer: ChecksumAlgorithm? = mode.hasTrailer ? .crc64nvme : nil
        var encoder = AWSChunkedEncoder(mode: mode, chunkSignatures: chain, trailer: trailer)
        let body = encoder.encode(payload, chunkSize: 8192)
        // The arguments are valid, so this never throws.
        let decoder = try? AWSChunkedDecoder(mode: mode, chunkSignatures: chain, decodedContentLength: payload.count, trailer: trailer)
        return (body, payload, decoder!)
    }

    @Test("a body split at every position decodes the same", arguments: SigV4StreamingMode.allCases)
    func everySplit(mode: SigV4StreamingMode) throws {
        let (body, payload, fresh) = Self.smallExample(mode)
        for split in 0...body.count {
            var decoder = fresh
            let (decoded, summary) = try Self.decodeAll(&decoder, [body.prefix(split), body.dropFirst(split)])
            #expect(decoded == payload, "split at \(split)")
            #expect(summary.checksum == (mode.hasTrailer ? ChecksumHasher.checksum(.crc64nvme, of: payload) : nil))
        }
        var generator = SeededGenerator(state: UInt64(body.count))
        for _ in 0..<200 {
            var decoder = fresh
            var slices: [Data] = []
            var start = 0
            while start < body.count {
                let end = min(body.count, start + Int.random(in: 0...40, using: &generator))
                slices.append(body[start..<end])
                start = end
            }
            #expect(try Self.decodeAll(&decoder, slices).0 == payload)
        }
    }

    @Test("ranges point into the slice given, so nothing is copied")
    func ranges() throws {
        var (body, payload, decoder) = Self.smallExample(.unsignedWithTrailer)
        body = Data(body)
        let ranges = try body.withUnsafeBytes { try decoder.decode($0) }
        #expect(ranges.count == 2)
        #expect(ranges.reduce(Data()) { $0 + body[$1] } == payload)
    }

    /// An ASCII payload, so that bodies can be edited as text.
    static let text = Data((String(repeating: "x", count: 8192) + String(repeating: "y", count: 50)).utf8)

    /// What `edit` does to the small example body of `mode`, and the error S3 answers.
    struct Malformation: Sendable, CustomTestStringConvertible {
        var label: String
        var mode: SigV4StreamingMode
        var expected: AWSError
        var edit: @Sendable (String) -> String

        var testDescription: String { "\(mode.rawValue): \(label)" }
    }

    static func replacing(_ old: String, _ new: String) -> @Sendable (String) -> String {
        { $0.replacingOccurrences(of: old, with: new) }
    }

    static let y50 = String(repeating: "y", count: 50)

    /// `text` without its last `count` bytes (`"\r\n"` is one `Character`, two bytes).
    static func dropLastBytes(_ text: String, _ count: Int) -> String {
        String(decoding: text.utf8.dropLast(count), as: UTF8.self)
    }

    static let malformations: [Malformation] = [
        // Framing.
        Malformation(label: "truncated in a chunk", mode: .signed, expected: .incompleteBody) { String($0.prefix(5000)) },
        Malformation(label: "truncated in a chunk header", mode: .unsignedWithTrailer, expected: .incompleteBody) { String($0.prefix(3)) },
        Malformation(label: "empty body", mode: .unsignedWithTrailer, expected: .incompleteBody) { _ in "" },
        Malformation(label: "truncated before the final chunk", mode: .signed, expected: .incompleteBody) {
            String($0[..<$0.range(of: "\(y50)\r\n")!.upperBound])
        },
        Malformation(label: "no empty line after the final chunk", mode: .signed, expected: .incompleteBody) { dropLastBytes($0, 2) },
        Malformation(
            label: "chunk size not hexadecimal", mode: .unsignedWithTrailer, expected: .incompleteBody, edit: replacing("2000\r\n", "2g00\r\n")),
        Malformation(
            label: "chunk size with a sign", mode: .unsignedWithTrailer, expected: .incompleteBody, edit: replacing("2000\r\n", "+2000\r\n")),
        Malformation(
            label: "chunk size of 17 digits", mode: .unsignedWithTrailer, expected: .incompleteBody,
            edit: replacing("2000\r\n", "00000000000002000\r\n")),
        Malformation(
            label: "chunk size beyond Int", mode: .unsignedWithTrailer, expected: .incompleteBody, edit: replacing("2000\r\n", "ffffffffffffffff\r\n")
        ),
        Malformation(label: "chunk header without CR", mode: .unsignedWithTrailer, expected: .incompleteBody, edit: replacing("2000\r\n", "2000\n")),
        Malformation(label: "chunk data without CRLF", mode: .unsignedWithTrailer, expected: .incompleteBody, edit: replacing("x\r\n32", "x32")),
        Malformation(
            label: "chunk data followed by LF only", mode: .unsignedWithTrailer, expected: .incompleteBody, edit: replacing("x\r\n32", "x\n32")),
        Malformation(
            label: "chunk extension when unsigned", mode: .unsignedWithTrailer, expected: .incompleteBody, edit: replacing("2000\r\n", "2000;a=b\r\n")
        ),
        Malformation(label: "signed chunk without its signature", mode: .signed, expected: .incompleteBody) {
            $0.replacingOccurrences(of: #"2000;chunk-signature=[0-9a-f]{64}"#, with: "2000", options: .regularExpression)
        },
        Malformation(label: "a header line longer than allowed", mode: .unsignedWithTrailer, expected: .incompleteBody) {
            String(repeating: "0", count: 5000) + $0
        },
        Malformation(label: "bytes after the end", mode: .signed, expected: .incompleteBody) { $0 + "0\r\n" },
        // Lengths.
        Malformation(label: "a chunk larger than x-amz-decoded-content-length allows", mode: .unsignedWithTrailer, expected: .decodedLengthMismatch) {
            $0.replacingOccurrences(of: "32\r\n\(y50)", with: "33\r\n\(y50)y")
        },
        Malformation(label: "fewer bytes than x-amz-decoded-content-length", mode: .unsignedWithTrailer, expected: .decodedLengthMismatch) {
            $0.replacingOccurrences(of: "32\r\n\(y50)", with: "31\r\n\(y50.dropLast())")
        },
        Malformation(label: "a chunk under 8 KiB that is not the last", mode: .unsignedWithTrailer, expected: .invalidChunkSize(chunk: 1, size: 8191))
        {
            $0.replacingOccurrences(of: "2000\r\nx", with: "1fff\r\n").replacingOccurrences(of: "32\r\n", with: "33\r\nx")
        },
        // Signatures.
        Malformation(label: "a wrong chunk signature", mode: .signed, expected: .chunkSignatureMismatch) {
            $0.replacingOccurrences(of: "2000;chunk-signature=", with: "2000;chunk-signature=0")
        },
        Malformation(label: "a changed byte of data", mode: .signed, expected: .chunkSignatureMismatch, edit: replacing("xx\r\n", "xy\r\n")),
        Malformation(label: "chunks swapped", mode: .signedWithTrailer, expected: .chunkSignatureMismatch) { body in
            let lines = body.components(separatedBy: "\r\n")
            return ([lines[2], lines[3], lines[0], lines[1]] + lines[4...]).joined(separator: "\r\n")
        },
        Malformation(label: "a wrong trailer signature", mode: .signedWithTrailer, expected: .chunkSignatureMismatch) {
            $0.replacingOccurrences(of: "x-amz-trailer-signature:", with: "x-amz-trailer-signature:1")
        },
        Malformation(label: "the trailer signature missing", mode: .signedWithTrailer, expected: .malformedTrailer) {
            $0.replacingOccurrences(of: #"x-amz-trailer-signature:[0-9a-f]{64}\r\n"#, with: "", options: .regularExpression)
        },
        // Trailers.
        Malformation(label: "the trailer missing", mode: .unsignedWithTrailer, expected: .malformedTrailer) {
            $0.replacingOccurrences(of: #"x-amz-checksum-crc64nvme:[^\r]*\r\n"#, with: "", options: .regularExpression)
        },
        Malformation(label: "the trailer missing, body cut after the final chunk", mode: .unsignedWithTrailer, expected: .malformedTrailer) {
            String($0[..<$0.range(of: "0\r\n", range: $0.range(of: "\(y50)")!.upperBound..<$0.endIndex)!.upperBound])
        },
        Malformation(
            label: "another trailer than x-amz-trailer named", mode: .unsignedWithTrailer, expected: .malformedTrailer,
            edit: replacing("x-amz-checksum-crc64nvme:", "x-amz-checksum-crc32:")),
        Malformation(
            label: "an extra trailer", mode: .unsignedWithTrailer, expected: .malformedTrailer,
            edit: replacing("x-amz-checksum-crc64nvme:", "x-amz-meta-a:b\r\nx-amz-checksum-crc64nvme:")),
        Malformation(label: "the trailer twice", mode: .unsignedWithTrailer, expected: .malformedTrailer) {
            $0.replacingOccurrences(of: #"(x-amz-checksum-crc64nvme:[^\r]*\r\n)"#, with: "$1$1", options: .regularExpression)
        },
        Malformation(
            label: "a trailer line without a colon", mode: .unsignedWithTrailer, expected: .malformedTrailer,
            edit: replacing("x-amz-checksum-crc64nvme:", "x-amz-checksum-crc64nvme ")),
        Malformation(label: "a trailer without a mode that has one", mode: .signed, expected: .malformedTrailer) {
            dropLastBytes($0, 2) + "x-amz-checksum-crc32:AAAAAA==\r\n\r\n"
        },
        Malformation(
            label: "a malformed trailing checksum", mode: .unsignedWithTrailer,
            expected: .invalidChecksumValue(headerName: "x-amz-checksum-crc64nvme", inTrailer: true)
        ) {
            $0.replacingOccurrences(of: #"x-amz-checksum-crc64nvme:[^\r]*"#, with: "x-amz-checksum-crc64nvme:AAAAAA==", options: .regularExpression)
        },
        Malformation(label: "a wrong trailing checksum", mode: .unsignedWithTrailer, expected: .checksumMismatch(.crc64nvme)) {
            $0.replacingOccurrences(
                of: #"x-amz-checksum-crc64nvme:[^\r]*"#, with: "x-amz-checksum-crc64nvme:AAAAAAAAAAA=", options: .regularExpression)
        },
        Malformation(
            label: "a changed byte of unsigned data", mode: .unsignedWithTrailer, expected: .checksumMismatch(.crc64nvme),
            edit: replacing("xx\r\n", "xy\r\n")),
    ]

    @Test("each malformed body is answered with S3's error, whether whole or byte by byte", arguments: malformations)
    func malformed(_ case: Malformation) {
        let (body, _, fresh) = Self.smallExample(`case`.mode, payload: Self.text)
        let edited = Data(`case`.edit(String(decoding: body, as: UTF8.self)).utf8)
        #expect(edited != body, "the edit changed nothing")
        var whole = fresh
        #expect(throws: `case`.expected) { _ = try Self.decodeAll(&whole, [edited]) }
        var byByte = fresh
        #expect(throws: `case`.expected) { _ = try Self.decodeAll(&byByte, edited.map { Data([$0]) }) }
        // The failure sticks.
        #expect(throws: `case`.expected) { _ = try byByte.finish() }
    }

    @Test("the leniencies SDKs need: a blank line before the trailer, no blank line after it")
    func leniencies() throws {
        for mode in [SigV4StreamingMode.unsignedWithTrailer, .signedWithTrailer] {
            let (body, payload, fresh) = Self.smallExample(mode, payload: Self.text)
            let text = String(decoding: body, as: UTF8.self)
            let final = text.range(of: "\r\nx-amz-checksum")!
            let blankFirst = text.replacingCharacters(in: final, with: "\r\n\r\nx-amz-checksum")
            var decoder = fresh
            #expect(try Self.decodeAll(&decoder, [Data(blankFirst.utf8)]).0 == payload)
            decoder = fresh
            #expect(try Self.decodeAll(&decoder, [Data(Self.dropLastBytes(text, 2).utf8)]).0 == payload)
        }
    }

    @Test("the decoder's headers: x-amz-decoded-content-length required, x-amz-trailer a checksum")
    func headers() async throws {
        let streaming = try await Examples.streaming(Examples.trailerRequest)
        var headers = Examples.trailerRequest.headers
        headers[HTTPField.Name("x-amz-decoded-content-length")!] = nil
        #expect(throws: AWSError.missingDecodedContentLength) { try AWSChunkedDecoder(streaming: streaming, headers: headers) }
        for bad in ["", "-1", "1e3", "+66560", "0x100", String(repeating: "9", count: 19)] {
            headers[HTTPField.Name("x-amz-decoded-content-length")!] = bad
            #expect(throws: AWSError.missingDecodedContentLength) { try AWSChunkedDecoder(streaming: streaming, headers: headers) }
        }
        headers = Examples.trailerRequest.headers
        headers[HTTPField.Name("x-amz-trailer")!] = "x-amz-meta-color"
        #expect(throws: AWSError.unsupportedTrailer) { try AWSChunkedDecoder(streaming: streaming, headers: headers) }
        #expect(throws: AWSError.chunkSignatureMismatch) {
            try AWSChunkedDecoder(mode: .signed, chunkSignatures: nil, decodedContentLength: 1, trailer: nil)
        }
    }
}

/// The SHA-256 of bytes as lowercase hex, through the checksum hasher (independent of SigV4's code).
enum SHA256Hex {
    static func of(_ data: some DataProtocol) -> String {
        ChecksumHasher.checksum(.sha256, of: data).digest.map { String(format: "%02x", $0) }.joined()
    }
}
