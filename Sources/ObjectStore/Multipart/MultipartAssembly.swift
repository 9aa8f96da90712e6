import AWSWire
import Crypto
import Foundation

/// How the parts of a multipart upload become an object, as S3 assembles them (decision 0029):
/// which uploaded parts a completion names, the object's ETag, and its checksum.
enum MultipartAssembly {
    /// Part numbers run from 1 to 10,000.
    static let maxPartNumber = 10_000
    /// Every part but the last has at least 5 MiB.
    static let minPartSize: Int64 = 5 << 20

    /// A part a CompleteMultipartUpload names: its number, ETag and, when given, its checksum.
    struct Named: Sendable, Equatable {
        var partNumber: Int
        var etag: String
        var checksum: ChecksumValue?
    }

    /// The uploaded parts that `named` lists, in order.
    ///
    /// - Throws: InvalidPartOrder when the numbers do not ascend; InvalidPart for a part not uploaded,
    ///   whose ETag differs or whose checksum differs; EntityTooSmall for a part but the last under 5 MiB.
    static func select(_ named: [Named], from uploaded: [PartRecord], uploadID: String) throws -> [PartRecord] {
        for (previous, next) in zip(named, named.dropFirst()) where next.partNumber <= previous.partNumber {
            throw S3Error.invalidPartOrder(uploadID: uploadID)
        }
        let byNumber = Dictionary(uploaded.map { ($0.partNumber, $0) }, uniquingKeysWith: { first, _ in first })
        var selected: [PartRecord] = []
        for entry in named {
            guard let part = byNumber[entry.partNumber], unquoted(part.etag) == unquoted(entry.etag) else {
                throw S3Error.invalidPart(uploadID: uploadID, partNumber: entry.partNumber, etag: entry.etag)
            }
            if let claimed = entry.checksum, part.checksums[claimed.algorithm.rawValue] != claimed.base64 {
                throw S3Error.invalidPart(uploadID: uploadID, partNumber: entry.partNumber, etag: entry.etag)
            }
            selected.append(part)
        }
        for part in selected.dropLast() where part.size < minPartSize {
            throw S3Error.entityTooSmall(proposed: part.size, partNumber: part.partNumber, etag: unquoted(part.etag))
        }
        return selected
    }

    /// The ETag of a multipart object: the MD5 of the parts' binary MD5s one after the other, then
    /// `-` and the number of parts, quoted.
    static func etag(ofPartETags etags: [String]) -> String {
        var digests = Data()
        for etag in etags { digests.append(contentsOf: bytes(hex: unquoted(etag))) }
        return "\"" + hex(Insecure.MD5.hash(data: digests)) + "-\(etags.count)\""
    }

    /// The `COMPOSITE` checksum of a multipart object: the algorithm over the parts' digests one after
    /// the other, then `-` and the number of parts (`x-amz-checksum-crc32: AAAAAA==-3`).
    static func compositeChecksum(_ algorithm: ChecksumAlgorithm, ofPartChecksums parts: [ChecksumValue]) -> String {
        var digests: [UInt8] = []
        for part in parts { digests.append(contentsOf: part.digest) }
        return ChecksumHasher.checksum(algorithm, of: digests).base64 + "-\(parts.count)"
    }

    /// The checksum types an algorithm may be used with, and its default (S3's table: CRC64NVME is
    /// full-object only, the SHAs composite only, the CRC32s either, composite by default).
    static func checksumType(_ requested: String?, algorithm: ChecksumAlgorithm) throws -> String {
        let allowed: [String]
        switch algorithm {
        case .crc64nvme: allowed = [fullObject]
        case .sha1, .sha256: allowed = [composite]
        case .crc32, .crc32c: allowed = [composite, fullObject]
        }
        guard let requested else { return allowed[0] }
        guard allowed.contains(requested) else {
            throw S3Error.invalidRequest(
                "The \(requested) checksum type cannot be used with the \(algorithm.rawValue.lowercased()) checksum algorithm.")
        }
        return requested
    }

    static let composite = "COMPOSITE"
    static let fullObject = "FULL_OBJECT"

    static func unquoted(_ etag: String) -> String {
        etag.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: ["\""])
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// The bytes of a hex string; what does not read as hex gives no bytes.
    static func bytes(hex text: String) -> [UInt8] {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return [] }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = value(digits[index]), let low = value(digits[index + 1]) else { return [] }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func value(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
