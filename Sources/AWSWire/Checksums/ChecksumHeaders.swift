import BulwarkCore
import HTTPTypes

/// The checksum a request asks S3 to verify, from its headers.
public struct ChecksumHeaders: Sendable, Hashable {
    /// The algorithm: the one of the `x-amz-checksum-*` header, else `x-amz-sdk-checksum-algorithm`,
    /// else the one `x-amz-trailer` names.
    public var algorithm: ChecksumAlgorithm?
    /// The value of the `x-amz-checksum-*` header, when the checksum came as a header.
    public var claimed: ChecksumValue?
    /// The checksum `x-amz-trailer` announces for the end of an aws-chunked body.
    public var trailer: ChecksumAlgorithm?

    public init(algorithm: ChecksumAlgorithm?, claimed: ChecksumValue?, trailer: ChecksumAlgorithm?) {
        self.algorithm = algorithm
        self.claimed = claimed
        self.trailer = trailer
    }

    /// Reads and checks the checksum headers of a request, with S3's answers to their mistakes:
    /// more than one `x-amz-checksum-*` header, a malformed value, an unknown or contradicting
    /// `x-amz-sdk-checksum-algorithm`, an `x-amz-trailer` naming something else than a checksum, or
    /// an SDK algorithm with no checksum to go with it. All are `InvalidRequest` (400).
    public init(_ headers: HTTPFields) throws(AWSError) {
        var claimed: ChecksumValue?
        for algorithm in ChecksumAlgorithm.allCases {
            let values = headers[values: HTTPField.Name(algorithm.headerName)!]
            guard let value = values.first else { continue }
            guard claimed == nil, values.count == 1 else { throw .multipleChecksumHeaders }
            claimed = try algorithm.claimed(value)
        }
        var trailer: ChecksumAlgorithm?
        if let name = headers[HTTPField.Name("x-amz-trailer")!] {
            guard let algorithm = ChecksumAlgorithm(headerName: name.trimmingASCIISpaces) else { throw .unsupportedTrailer }
            trailer = algorithm
        }
        var sdkAlgorithm: ChecksumAlgorithm?
        if let name = headers[HTTPField.Name("x-amz-sdk-checksum-algorithm")!] {
            guard let algorithm = ChecksumAlgorithm(name: name) else { throw .invalidSDKChecksumAlgorithm }
            if let stated = claimed?.algorithm ?? trailer, stated != algorithm { throw .invalidSDKChecksumAlgorithm }
            guard claimed != nil || trailer != nil else { throw .sdkChecksumWithoutChecksum }
            sdkAlgorithm = algorithm
        }
        self.init(algorithm: claimed?.algorithm ?? sdkAlgorithm ?? trailer, claimed: claimed, trailer: trailer)
    }
}

extension String {
    var trimmingASCIISpaces: String {
        let bytes = Array(utf8)
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}
