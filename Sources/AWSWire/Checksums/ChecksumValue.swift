import BulwarkCore
import Foundation

/// A checksum: an algorithm and its digest.
public struct ChecksumValue: Sendable, Hashable, CustomStringConvertible {
    public var algorithm: ChecksumAlgorithm
    /// The digest, big-endian for the CRCs.
    public var digest: [UInt8]

    public init(algorithm: ChecksumAlgorithm, digest: [UInt8]) {
        self.algorithm = algorithm
        self.digest = digest
    }

    /// Decodes `base64` (standard alphabet, padded), which must hold exactly the algorithm's digest.
    public init?(algorithm: ChecksumAlgorithm, base64: String) {
        guard let data = Data(base64Encoded: base64), data.count == algorithm.digestByteCount,
            data.base64EncodedString() == base64
        else { return nil }
        self.init(algorithm: algorithm, digest: Array(data))
    }

    /// The value as `x-amz-checksum-<algorithm>` carries it.
    public var base64: String { Data(digest).base64EncodedString() }

    public var description: String { "\(algorithm.rawValue) \(base64)" }

    /// Checks that `computed` (over the bytes received) equals this claimed value.
    ///
    /// - Throws: `BadDigest` "The CRC32 you specified did not match the calculated checksum."
    public func verify(computed: ChecksumValue) throws(AWSError) {
        guard computed == self else { throw .checksumMismatch(algorithm) }
    }
}
