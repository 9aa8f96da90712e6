import BulwarkCore

/// The path of a request as AWS reads it for every service but S3: the path that SigV4 signs
/// (``SigV4Canonicalization/uri(rawPath:normalizing:)``) and so the only path a router may route on.
///
/// AWS's SigV4 rules ("Create a canonical request": normalize URI paths according to RFC 3986, removing
/// redundant and relative path components; S3 excepted) and the SDKs that implement them (botocore,
/// aws-sdk-js-v3's `getCanonicalPath`, whose change aws/aws-sdk-js-v3#3408 notes that the services
/// themselves strip redundant slashes) give the steps:
///
/// - `.` segments are removed and `..` removes the segment before it (RFC 3986 §5.2.4);
/// - runs of `/` collapse to one, so empty segments disappear;
/// - a trailing `/` stays (`/a/b/` is not `/a/b`), except when nothing is left but the root;
/// - segments are compared as sent, still percent-encoded: `%2E` is not a dot, `%2F` not a separator.
///
/// Where a client could not have meant any path AWS answers `InvalidURIPath` (400), as
/// `dacut/scratchstack-aws-signature` recorded it from IAM and STS: a path that is not absolute, has a
/// malformed `%` escape, or whose `..` climbs above the root.
public enum RequestPath {
    /// The normalized form of `rawPath` (percent-encoded, as received); `/` for an empty path.
    ///
    /// Normalizing is idempotent: the result of a normalized path is the path itself.
    ///
    /// - Throws: ``SigV4Failure/invalidURIPath(_:)`` with AWS's message.
    public static func normalized(_ rawPath: String) throws(SigV4Failure) -> String {
        try validate(rawPath)
        guard !rawPath.isEmpty else { return "/" }
        return try removingDotSegments(rawPath)
    }

    /// Checks what every path must satisfy, normalized or not: absolute, with well-formed `%` escapes.
    /// An empty path passes: it stands for `/`.
    static func validate(_ rawPath: String) throws(SigV4Failure) {
        guard !rawPath.isEmpty else { return }
        guard rawPath.hasPrefix("/") else { throw .invalidURIPath("Path is not absolute: \(rawPath)") }
        guard PercentEncoding.hasWellFormedEscapes(rawPath[...]) else {
            throw .invalidURIPath("Malformed percent-encoding in path: \(rawPath)")
        }
    }

    /// Removes `.`, `..` and empty segments of an absolute path, keeping a trailing `/`.
    static func removingDotSegments(_ rawPath: String) throws(SigV4Failure) -> String {
        var segments: [Substring] = []
        for segment in rawPath.split(separator: "/", omittingEmptySubsequences: true) where segment != "." {
            if segment == ".." {
                guard segments.popLast() != nil else {
                    throw .invalidURIPath("Relative path entry '..' navigates above root: \(rawPath)")
                }
            } else {
                segments.append(segment)
            }
        }
        let trailingSlash = rawPath.hasSuffix("/") && !segments.isEmpty
        return "/" + segments.joined(separator: "/") + (trailingSlash ? "/" : "")
    }
}

extension WireRequest {
    /// Replaces ``rawPath`` with its normalized form (``RequestPath/normalized(_:)``), so that routing,
    /// authorization and the handlers all see the path that was signed.
    ///
    /// - Throws: `InvalidURIPath` (400), the error AWS answers for a path it cannot normalize.
    public mutating func normalizePath() throws(AWSError) {
        do {
            rawPath = try RequestPath.normalized(rawPath)
        } catch {
            // Both protocol families name it alike.
            throw error.awsError(for: .json)
        }
    }
}
