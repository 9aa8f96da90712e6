import Crypto
import Foundation

/// Computes one flexible checksum incrementally: feed the bytes in any slices, then ``finalize()``.
public struct ChecksumHasher: Sendable {
    public let algorithm: ChecksumAlgorithm
    private var state: State

    private enum State: Sendable {
        /// The CRC registers, kept inverted between updates.
        case crc32(UInt32)
        case crc32c(UInt32)
        case crc64nvme(UInt64)
        case sha1(Insecure.SHA1)
        case sha256(SHA256)
    }

    public init(_ algorithm: ChecksumAlgorithm) {
        self.algorithm = algorithm
        switch algorithm {
        case .crc32: state = .crc32(~0)
        case .crc32c: state = .crc32c(~0)
        case .crc64nvme: state = .crc64nvme(~0)
        case .sha1: state = .sha1(Insecure.SHA1())
        case .sha256: state = .sha256(SHA256())
        }
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        switch state {
        case .crc32(let register): state = .crc32(CRCTables.update(register, bytes, table: CRCTables.crc32))
        case .crc32c(let register): state = .crc32c(CRCTables.update(register, bytes, table: CRCTables.crc32c))
        case .crc64nvme(let register): state = .crc64nvme(CRCTables.update(register, bytes, table: CRCTables.crc64nvme))
        case .sha1(var hash):
            hash.update(bufferPointer: bytes)
            state = .sha1(hash)
        case .sha256(var hash):
            hash.update(bufferPointer: bytes)
            state = .sha256(hash)
        }
    }

    public mutating func update(_ bytes: some DataProtocol) {
        for region in bytes.regions {
            region.withUnsafeBytes { update($0) }
        }
    }

    /// The checksum of everything fed so far; the hasher itself is unchanged.
    public func finalize() -> ChecksumValue {
        let digest: [UInt8] =
            switch state {
            case .crc32(let register), .crc32c(let register): Self.bigEndian(UInt64(~register), byteCount: 4)
            case .crc64nvme(let register): Self.bigEndian(~register, byteCount: 8)
            case .sha1(let hash): Array(hash.finalize())
            case .sha256(let hash): Array(hash.finalize())
            }
        return ChecksumValue(algorithm: algorithm, digest: digest)
    }

    /// The checksum of `bytes` in one call.
    public static func checksum(_ algorithm: ChecksumAlgorithm, of bytes: some DataProtocol) -> ChecksumValue {
        var hasher = ChecksumHasher(algorithm)
        hasher.update(bytes)
        return hasher.finalize()
    }

    private static func bigEndian(_ value: UInt64, byteCount: Int) -> [UInt8] {
        (0..<byteCount).map { UInt8(truncatingIfNeeded: value >> (8 * (byteCount - 1 - $0))) }
    }
}
