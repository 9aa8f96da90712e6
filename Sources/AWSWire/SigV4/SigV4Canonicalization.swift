import HTTPTypes

/// The canonicalization rules of SigV4 for services other than S3, as botocore and the AWS CRT apply them.
///
/// - The path is normalized (dot segments removed, runs of `/` collapsed) and each byte except the
///   unreserved characters and `/` is percent-encoded — including `%`, so a path sent as
///   `/functions/arn%3Aaws%3A...` canonicalizes to `/functions/arn%253Aaws%253A...` ("double encoding").
/// - Query parameters are decoded and re-encoded with RFC 3986 (a `+` is a literal plus, `%2B`), then
///   sorted by encoded name and then encoded value.
/// - Header names are lowercased; values are trimmed with inner runs of white space folded to one
///   space, and repeated fields are joined with `,` in the order they arrived.
public enum SigV4Canonicalization {
    /// The canonical URI of a path as it was sent (still percent-encoded).
    ///
    /// With `normalizing` (every service but S3) the path is normalized and its bytes encoded once more,
    /// `%` included. Without (S3) the path keeps its dot and empty segments and is encoded once: its
    /// escapes are decoded and the bytes encoded again, so `/bucket/a%20key` stays `/bucket/a%20key`
    /// and `/bucket/a+b` becomes `/bucket/a%2Bb`, as botocore's `S3SigV4Auth` signs them.
    ///
    /// - Throws: ``SigV4Failure/invalidURIPath(_:)`` when the path is not absolute, carries a malformed
    ///   `%` escape, or (when normalizing) climbs above the root with `..`.
    public static func uri(rawPath: String, normalizing: Bool) throws(SigV4Failure) -> String {
        try RequestPath.validate(rawPath)
        guard !rawPath.isEmpty else { return "/" }
        guard normalizing else {
            do {
                return SigV4Encoding.encode(try PercentEncoding.decodeBytes(rawPath[...]), keepSlash: true)
            } catch {
                throw .invalidURIPath(error.message)
            }
        }
        return SigV4Encoding.encode(try RequestPath.removingDotSegments(rawPath).utf8, keepSlash: true)
    }

    /// One query parameter: its decoded name (to look it up) and its canonical encoding.
    struct QueryParameter: Sendable {
        var name: String
        var value: String
        var encodedName: String
        var encodedValue: String
    }

    /// Splits a raw query on `&` (empty pieces are ignored) and each piece at its first `=`.
    ///
    /// - Throws: ``SigV4Failure/malformedQueryString(_:)`` for a malformed `%` escape.
    static func queryParameters(_ rawQuery: String) throws(SigV4Failure) -> [QueryParameter] {
        var parameters: [QueryParameter] = []
        for piece in rawQuery.split(separator: "&", omittingEmptySubsequences: true) {
            let rawName: Substring
            let rawValue: Substring
            if let equals = piece.firstIndex(of: "=") {
                rawName = piece[..<equals]
                rawValue = piece[piece.index(after: equals)...]
            } else {
                rawName = piece
                rawValue = ""
            }
            let name = try SigV4Encoding.decode(rawName)
            let value = try SigV4Encoding.decode(rawValue)
            parameters.append(
                QueryParameter(
                    name: String(decoding: name, as: UTF8.self),
                    value: String(decoding: value, as: UTF8.self),
                    encodedName: SigV4Encoding.encode(name, keepSlash: false),
                    encodedValue: SigV4Encoding.encode(value, keepSlash: false)
                )
            )
        }
        return parameters
    }

    /// The canonical query string of a raw query.
    public static func query(rawQuery: String) throws(SigV4Failure) -> String {
        query(try queryParameters(rawQuery))
    }

    static func query(_ parameters: [QueryParameter], excluding excludedName: String? = nil) -> String {
        parameters
            .filter { $0.name != excludedName }
            .map { ($0.encodedName, $0.encodedValue) }
            .sorted { lhs, rhs in
                lhs.0 == rhs.0 ? lhs.1.utf8.lexicographicallyPrecedes(rhs.1.utf8) : lhs.0.utf8.lexicographicallyPrecedes(rhs.0.utf8)
            }
            .map { "\($0)=\($1)" }
            .joined(separator: "&")
    }

    /// The canonical header lines for `names`, in that order; `nil` when one of them is absent.
    static func headers(_ fields: HTTPFields, names: [String]) -> String? {
        var lines = ""
        for name in names {
            guard let fieldName = HTTPField.Name(name) else { return nil }
            let values = fields[values: fieldName]
            guard !values.isEmpty else { return nil }
            lines += "\(name):\(values.map(trimAll).joined(separator: ","))\n"
        }
        return lines
    }

    /// Trims white space at both ends and folds inner runs of white space (including the line breaks of
    /// obsolete folded values) to one space.
    static func trimAll(_ value: String) -> String {
        var output: [UInt8] = []
        var pendingSpace = false
        for byte in value.utf8 {
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D:
                pendingSpace = !output.isEmpty
            default:
                if pendingSpace { output.append(0x20) }
                pendingSpace = false
                output.append(byte)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
