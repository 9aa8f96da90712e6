import AWSWire
import BulwarkCore
import Foundation
import HTTPTypes
import Testing

/// A deterministic generator (SplitMix64), so a failing split can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
    }
}

/// The CRCs computed one bit at a time, straight from their definitions: an outside judge for the
/// table-driven code.
enum BitwiseCRC {
    static func crc32(_ bytes: [UInt8], polynomial: UInt32) -> UInt32 {
        var crc: UInt32 = ~0
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ polynomial : crc >> 1 }
        }
        return ~crc
    }

    static func crc64(_ bytes: [UInt8]) -> UInt64 {
        var crc: UInt64 = ~0
        for byte in bytes {
            crc ^= UInt64(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x9A6C_9329_AC4B_C9B5 : crc >> 1 }
        }
        return ~crc
    }

    static func digest(_ algorithm: ChecksumAlgorithm, _ bytes: [UInt8]) -> [UInt8]? {
        let value: UInt64
        let count: Int
        switch algorithm {
        case .crc32: (value, count) = (UInt64(crc32(bytes, polynomial: 0xEDB8_8320)), 4)
        case .crc32c: (value, count) = (UInt64(crc32(bytes, polynomial: 0x82F6_3B78)), 4)
        case .crc64nvme: (value, count) = (crc64(bytes), 8)
        case .sha1, .sha256: return nil
        }
        return (0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * (count - 1 - $0))) }
    }
}

@Suite("Flexible checksums: CRC32, CRC32C, CRC64NVME, SHA1, SHA256")
struct ChecksumTests {
    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test(
        "the check values of \"123456789\"",
        arguments: [
            (ChecksumAlgorithm.crc32, "cbf43926"),
            (.crc32c, "e3069283"),
            (.crc64nvme, "ae8b14860a799888"),
            (.sha1, "f7c3bc1d808e04732adf679965ccc34ca7ae3441"),
            (.sha256, "15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225"),
        ]
    )
    func checkValues(algorithm: ChecksumAlgorithm, expected: String) {
        let value = ChecksumHasher.checksum(algorithm, of: Array("123456789".utf8))
        #expect(Self.hex(value.digest) == expected)
        #expect(value.digest.count == algorithm.digestByteCount)
    }

    @Test(
        "the base64 values S3 exchanges, for known payloads",
        arguments: [
            // AWS's trailing-header example (sigv4-streaming-trailers): 66560 bytes of 'a'.
            (ChecksumAlgorithm.crc32c, String(repeating: "a", count: 66560), "sOO8/Q=="),
            // aws-c-auth's chunked-signing integration test: one 'a'.
            (.crc32c, "a", "wdBDMA=="),
            // Python's zlib.crc32 and hashlib.
            (.crc32, "123456789", "y/Q5Jg=="),
            (.crc32, String(repeating: "a", count: 66560), "sK4Y7A=="),
            (.crc32, "", "AAAAAA=="),
            (.crc32c, "", "AAAAAA=="),
            (.crc64nvme, "", "AAAAAAAAAAA="),
            (.sha1, "", "2jmj7l5rSw0yVb/vlWAYkK/YBwk="),
            (.sha1, "Hello, World!", "CgqfKmdylCVXq1NV12r0Qvj2XgE="),
            (.sha256, "", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="),
            (.sha256, String(repeating: "a", count: 66560), "zWnTiHxq+SZLEA17dgIzEzXZqn4718MM3G1vS/uzyIg="),
        ]
    )
    func knownBase64(algorithm: ChecksumAlgorithm, payload: String, base64: String) throws {
        let value = ChecksumHasher.checksum(algorithm, of: Array(payload.utf8))
        #expect(value.base64 == base64)
        try algorithm.claimed(base64).verify(computed: value)
    }

    @Test("the tables agree with the bit-by-bit definitions, for every length up to 100 and every alignment")
    func bitwiseReference() {
        var generator = SeededGenerator(state: 7)
        let bytes = generator.bytes(120)
        for algorithm in [ChecksumAlgorithm.crc32, .crc32c, .crc64nvme] {
            for offset in 0..<8 {
                for length in 0...100 {
                    let input = Array(bytes[offset..<(offset + length)])
                    #expect(
                        ChecksumHasher.checksum(algorithm, of: input).digest == BitwiseCRC.digest(algorithm, input),
                        "\(algorithm) \(offset)+\(length)")
                }
            }
        }
    }

    @Test("a long input fed in random slices gives the one-shot checksum", arguments: ChecksumAlgorithm.allCases)
    func randomSplits(algorithm: ChecksumAlgorithm) {
        var generator = SeededGenerator(state: 42)
        let input = generator.bytes(1 << 20)
        let oneShot = ChecksumHasher.checksum(algorithm, of: input)
        for round in 0..<5 {
            var hasher = algorithm.hasher()
            var start = 0
            while start < input.count {
                let end = min(input.count, start + Int.random(in: 0...20_000, using: &generator))
                hasher.update(input[start..<end])
                start = end
            }
            #expect(hasher.finalize() == oneShot, "round \(round)")
        }
    }

    @Test("names: the algorithm header values in any case, the header names")
    func names() {
        #expect(ChecksumAlgorithm(name: "crc64nvme") == .crc64nvme)
        #expect(ChecksumAlgorithm(name: "Sha256") == .sha256)
        #expect(ChecksumAlgorithm(name: "MD5") == nil)
        #expect(ChecksumAlgorithm(name: "") == nil)
        #expect(ChecksumAlgorithm(headerName: "X-Amz-Checksum-CRC32C") == .crc32c)
        #expect(ChecksumAlgorithm(headerName: "x-amz-checksum-type") == nil)
        #expect(ChecksumAlgorithm(headerName: "x-amz-checksum-") == nil)
        #expect(ChecksumAlgorithm(headerName: "crc32") == nil)
        #expect(
            ChecksumAlgorithm.allCases.map(\.headerName) == [
                "x-amz-checksum-crc32", "x-amz-checksum-crc32c", "x-amz-checksum-crc64nvme", "x-amz-checksum-sha1", "x-amz-checksum-sha256",
            ])
    }

    @Test(
        "a malformed claimed value is InvalidRequest, naming the header or trailer",
        arguments: [
            (ChecksumAlgorithm.crc32, "y/Q5Jg"),  // unpadded
            (.crc32, "y/Q5JgA="),  // five bytes
            (.crc32, "not base64!"),
            (.crc32, ""),
            (.crc64nvme, "y/Q5Jg=="),  // four bytes for an eight-byte digest
            (.sha256, "y/Q5Jg=="),
            (.sha1, " 2jmj7l5rSw0yVb/vlWAYkK/YBwk="),
        ]
    )
    func malformedClaims(algorithm: ChecksumAlgorithm, value: String) {
        #expect(throws: AWSError(code: "InvalidRequest", message: "Value for \(algorithm.headerName) header is invalid.", status: 400)) {
            try algorithm.claimed(value)
        }
        #expect(
            throws: AWSError(code: "InvalidRequest", message: "Value for \(algorithm.headerName) trailing header is invalid.", status: 400)
        ) {
            try algorithm.claimed(value, inTrailer: true)
        }
    }

    @Test("a mismatch is BadDigest, naming the algorithm", arguments: ChecksumAlgorithm.allCases)
    func mismatch(algorithm: ChecksumAlgorithm) throws {
        let claimed = ChecksumHasher.checksum(algorithm, of: Array("123456789".utf8))
        let computed = ChecksumHasher.checksum(algorithm, of: Array("123456780".utf8))
        #expect(
            throws: AWSError(
                code: "BadDigest", message: "The \(algorithm.rawValue) you specified did not match the calculated checksum.", status: 400)
        ) {
            try claimed.verify(computed: computed)
        }
        try claimed.verify(computed: claimed)
    }

    static func headers(_ fields: [(String, String)]) -> HTTPFields {
        var headers = HTTPFields()
        for (name, value) in fields { headers.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        return headers
    }

    @Test("the checksum headers of a request, and S3's answers to their mistakes")
    func checksumHeaders() throws {
        let crc = try ChecksumHeaders(Self.headers([("x-amz-sdk-checksum-algorithm", "CRC32"), ("x-amz-checksum-crc32", "y/Q5Jg==")]))
        #expect(crc == ChecksumHeaders(algorithm: .crc32, claimed: try ChecksumAlgorithm.crc32.claimed("y/Q5Jg=="), trailer: nil))
        let trailer = try ChecksumHeaders(
            Self.headers([("x-amz-sdk-checksum-algorithm", "crc64nvme"), ("x-amz-trailer", "x-amz-checksum-crc64nvme")]))
        #expect(trailer == ChecksumHeaders(algorithm: .crc64nvme, claimed: nil, trailer: .crc64nvme))
        #expect(try ChecksumHeaders(Self.headers([])) == ChecksumHeaders(algorithm: nil, claimed: nil, trailer: nil))

        #expect(throws: AWSError.multipleChecksumHeaders) {
            try ChecksumHeaders(Self.headers([("x-amz-checksum-crc32", "y/Q5Jg=="), ("x-amz-checksum-crc32c", "4waSgw==")]))
        }
        #expect(throws: AWSError.multipleChecksumHeaders) {
            try ChecksumHeaders(Self.headers([("x-amz-checksum-crc32", "y/Q5Jg=="), ("x-amz-checksum-crc32", "y/Q5Jg==")]))
        }
        #expect(throws: AWSError.invalidSDKChecksumAlgorithm) {
            try ChecksumHeaders(Self.headers([("x-amz-sdk-checksum-algorithm", "SHA256"), ("x-amz-checksum-crc32", "y/Q5Jg==")]))
        }
        #expect(throws: AWSError.invalidSDKChecksumAlgorithm) {
            try ChecksumHeaders(Self.headers([("x-amz-sdk-checksum-algorithm", "XXHASH3"), ("x-amz-checksum-crc32", "y/Q5Jg==")]))
        }
        #expect(throws: AWSError.sdkChecksumWithoutChecksum) { try ChecksumHeaders(Self.headers([("x-amz-sdk-checksum-algorithm", "CRC32")])) }
        #expect(throws: AWSError.unsupportedTrailer) { try ChecksumHeaders(Self.headers([("x-amz-trailer", "x-amz-meta-color")])) }
        #expect(throws: AWSError(code: "InvalidRequest", message: "Value for x-amz-checksum-crc32 header is invalid.", status: 400)) {
            try ChecksumHeaders(Self.headers([("x-amz-checksum-crc32", "abc")]))
        }
    }

    @Test("Content-MD5: InvalidDigest when malformed, BadDigest when it does not match")
    func contentMD5() throws {
        // MD5("123456789") = 25f9e794323b453885f5181f1b624d0b.
        let header = try ContentMD5(headerValue: "JfnnlDI7RTiF9RgfG2JNCw==")
        try header.verify(body: Data("123456789".utf8))
        #expect(
            throws: AWSError(
                code: "BadDigest", message: "The Content-MD5 you specified did not match what we received.", status: 400,
                fields: ["ExpectedDigest": "JfnnlDI7RTiF9RgfG2JNCw==", "CalculatedDigest": "ECojoORmE2iUPay1FqGMyA=="]
            )
        ) {
            try header.verify(body: Data("123456780".utf8))
        }
        for malformed in ["", "JfnnlDI7RTiF9RgfG2JNCw", "JfnnlDI7RTiF9RgfG2JNCwAA", "25f9e794323b453885f5181f1b624d0b", "!!!!"] {
            #expect(
                throws: AWSError(
                    code: "InvalidDigest", message: "The Content-MD5 you specified was invalid.", status: 400, fields: ["Content-MD5": malformed])
            ) {
                try ContentMD5(headerValue: malformed)
            }
        }
    }
}
