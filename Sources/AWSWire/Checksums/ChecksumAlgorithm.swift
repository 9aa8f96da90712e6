import BulwarkCore

/// The flexible checksums of S3: what `x-amz-checksum-algorithm` and `x-amz-sdk-checksum-algorithm`
/// name and what `x-amz-checksum-<algorithm>` carries (the base64 of the big-endian digest).
public enum ChecksumAlgorithm: String, Sendable, Hashable, CaseIterable {
    case crc32 = "CRC32"
    case crc32c = "CRC32C"
    case crc64nvme = "CRC64NVME"
    case sha1 = "SHA1"
    case sha256 = "SHA256"

    /// The algorithm a `ChecksumAlgorithm` value names (`CRC32`, `crc32c`, ...); S3 ignores case.
    public init?(name: String) {
        self.init(rawValue: name.uppercased())
    }

    /// The algorithm of a header or trailer name (`x-amz-checksum-crc32`, any case).
    public init?(headerName: String) {
        let lowered = headerName.lowercased()
        guard lowered.hasPrefix(Self.headerPrefix) else { return nil }
        self.init(rawValue: String(lowered.dropFirst(Self.headerPrefix.count)).uppercased())
    }

    static let headerPrefix = "x-amz-checksum-"

    /// `x-amz-checksum-crc32`, ...: the header (or trailer) that carries the value.
    public var headerName: String { Self.headerPrefix + rawValue.lowercased() }

    /// The length of the digest in bytes.
    public var digestByteCount: Int {
        switch self {
        case .crc32, .crc32c: 4
        case .crc64nvme: 8
        case .sha1: 20
        case .sha256: 32
        }
    }

    /// A hasher that computes this checksum incrementally.
    public func hasher() -> ChecksumHasher { ChecksumHasher(self) }

    /// Parses a claimed value: the base64 of exactly ``digestByteCount`` bytes.
    ///
    /// - Throws: `InvalidRequest` "Value for x-amz-checksum-crc32 header is invalid." (or "... trailing
    ///   header is invalid." when the value came in the trailer), as S3 answers a malformed value.
    public func claimed(_ base64: String, inTrailer: Bool = false) throws(AWSError) -> ChecksumValue {
        guard let value = ChecksumValue(algorithm: self, base64: base64) else {
            throw .invalidChecksumValue(headerName: headerName, inTrailer: inTrailer)
        }
        return value
    }
}
