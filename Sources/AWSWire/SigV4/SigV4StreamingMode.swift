/// The `x-amz-content-sha256` values that announce an aws-chunked body (S3 only).
public enum SigV4StreamingMode: String, Sendable, Hashable, CaseIterable {
    /// Every chunk signed, chained from the seed signature.
    case signed = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
    /// Signed chunks, then a trailer signed with `AWS4-HMAC-SHA256-TRAILER`.
    case signedWithTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
    /// Unsigned chunks and trailer (the checksum in the trailer protects the body); what botocore and
    /// the AWS CLI send by default.
    case unsignedWithTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"

    /// Whether each chunk carries a `chunk-signature`.
    public var chunksAreSigned: Bool { self != .unsignedWithTrailer }

    /// Whether a trailer section may follow the last chunk.
    public var hasTrailer: Bool { self != .signed }
}
