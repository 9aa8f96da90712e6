import AWSWire

/// The checksums kept with an object, as the `x-amz-checksum-*` members of S3's answers carry them.
struct StoredChecksums: Sendable, Equatable {
    var crc32: String?
    var crc32c: String?
    var crc64nvme: String?
    var sha1: String?
    var sha256: String?

    /// `COMPOSITE` for a multipart object's checksum of its parts' checksums.
    private var storedType: String?

    init(_ object: ObjectRecord) {
        storedType = object.checksumType
        let stored = object.checksums
        crc32 = stored[ChecksumAlgorithm.crc32.rawValue]
        crc32c = stored[ChecksumAlgorithm.crc32c.rawValue]
        crc64nvme = stored[ChecksumAlgorithm.crc64nvme.rawValue]
        sha1 = stored[ChecksumAlgorithm.sha1.rawValue]
        sha256 = stored[ChecksumAlgorithm.sha256.rawValue]
    }

    /// The algorithms, as ListObjectsV2's `ChecksumAlgorithm` lists them.
    var algorithms: [String] {
        [(ChecksumAlgorithm.crc32, crc32), (.crc32c, crc32c), (.crc64nvme, crc64nvme), (.sha1, sha1), (.sha256, sha256)]
            .compactMap { $0.1 == nil ? nil : $0.0.rawValue }
    }

    /// `FULL_OBJECT` when the checksum covers the whole body (every single-part object's), else
    /// `COMPOSITE`.
    var type: String? { algorithms.isEmpty ? nil : (storedType ?? "FULL_OBJECT") }
}
