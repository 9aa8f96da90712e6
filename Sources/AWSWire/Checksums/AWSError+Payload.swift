import BulwarkCore

/// S3's answers to bodies that are malformed, incomplete or fail their checksum, word for word where
/// S3 has words (observed answers as recorded by versitygw's `s3err` and S3-compatible servers tested
/// against AWS; codes and statuses from the S3 API reference's error list).
extension AWSError {
    /// The body ended early or its aws-chunked framing is malformed.
    public static let incompleteBody = AWSError(code: "IncompleteBody", message: "The request body terminated unexpectedly", status: 400)

    /// The decoded body is longer or shorter than `x-amz-decoded-content-length`.
    public static let decodedLengthMismatch = AWSError(
        code: "IncompleteBody",
        message: "You did not provide the number of bytes specified by the Content-Length HTTP header",
        status: 400
    )

    /// `x-amz-decoded-content-length` is missing or not a number.
    public static let missingDecodedContentLength = AWSError(
        code: "MissingContentLength",
        message: "You must provide the Content-Length HTTP header.",
        status: 411
    )

    /// A chunk other than the last is smaller than 8 KiB; `chunk` counts from 1.
    public static func invalidChunkSize(chunk: Int, size: Int) -> AWSError {
        AWSError(
            code: "InvalidChunkSizeError",
            message: "Only the last chunk is allowed to have a size less than 8192 bytes",
            status: 400,
            fields: ["Chunk": String(chunk), "BadChunkSize": String(size)]
        )
    }

    /// The trailer is missing, repeated, names another header than `x-amz-trailer` announced, or
    /// lacks its signature.
    public static let malformedTrailer = AWSError(
        code: "MalformedTrailerError",
        message: "The request contained trailing data that was not well-formed or did not conform to our published schema.",
        status: 400
    )

    /// `x-amz-trailer` names something other than a checksum.
    public static let unsupportedTrailer = AWSError(
        code: "InvalidRequest",
        message: "The value specified in the x-amz-trailer header is not supported",
        status: 400
    )

    /// A chunk's or the trailer's signature is wrong: S3's `SignatureDoesNotMatch`.
    public static let chunkSignatureMismatch = AWSError(
        code: "SignatureDoesNotMatch",
        message: SigV4Failure.s3MismatchMessage,
        status: 403
    )

    /// A checksum value that is not the base64 of a digest of the algorithm's length.
    public static func invalidChecksumValue(headerName: String, inTrailer: Bool) -> AWSError {
        AWSError(
            code: "InvalidRequest",
            message: "Value for \(headerName) \(inTrailer ? "trailing header" : "header") is invalid.",
            status: 400
        )
    }

    /// The checksum of the body differs from the one claimed.
    public static func checksumMismatch(_ algorithm: ChecksumAlgorithm) -> AWSError {
        AWSError(code: "BadDigest", message: "The \(algorithm.rawValue) you specified did not match the calculated checksum.", status: 400)
    }

    /// More than one `x-amz-checksum-*` header.
    public static let multipleChecksumHeaders = AWSError(
        code: "InvalidRequest",
        message: "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.",
        status: 400
    )

    /// `x-amz-sdk-checksum-algorithm` names no known algorithm, or another than the checksum sent.
    public static let invalidSDKChecksumAlgorithm = AWSError(
        code: "InvalidRequest",
        message: "Value for x-amz-sdk-checksum-algorithm header is invalid.",
        status: 400
    )

    /// `x-amz-sdk-checksum-algorithm` without an `x-amz-checksum-*` header or `x-amz-trailer`.
    public static let sdkChecksumWithoutChecksum = AWSError(
        code: "InvalidRequest",
        message: "x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.",
        status: 400
    )

    /// A `Content-MD5` that is not the base64 of 16 bytes.
    public static func invalidContentMD5(_ value: String) -> AWSError {
        AWSError(code: "InvalidDigest", message: "The Content-MD5 you specified was invalid.", status: 400, fields: ["Content-MD5": value])
    }

    /// The body's MD5 differs from `Content-MD5`.
    public static func contentMD5Mismatch(expected: String, calculated: String) -> AWSError {
        AWSError(
            code: "BadDigest",
            message: "The Content-MD5 you specified did not match what we received.",
            status: 400,
            fields: ["ExpectedDigest": expected, "CalculatedDigest": calculated]
        )
    }
}
