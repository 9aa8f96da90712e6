import AWSWire
import BulwarkCore
import Foundation

/// The object a copy reads (`x-amz-copy-source`: `[/]<bucket>/<url-encoded key>[?versionId=<id>]`)
/// and the bytes of it (`x-amz-copy-source-range: bytes=<first>-<last>`).
struct CopySource: Sendable, Equatable {
    let bucket: String
    let key: String
    let versionID: String?

    /// - Throws: InvalidArgument when the header names no bucket and key.
    init(_ header: String) throws {
        var text = Substring(header)
        if text.hasPrefix("/") { text = text.dropFirst() }
        var version: String?
        if let mark = text.firstIndex(of: "?") {
            let query = text[text.index(after: mark)...]
            text = text[..<mark]
            guard query.hasPrefix("versionId=") else { throw Self.invalid(header) }
            version = PercentEncoding.decode(String(query.dropFirst("versionId=".count)))
        }
        guard let slash = text.firstIndex(of: "/") else { throw Self.invalid(header) }
        let bucket = PercentEncoding.decode(String(text[..<slash]))
        let key = PercentEncoding.decode(String(text[text.index(after: slash)...]))
        guard !bucket.isEmpty, !key.isEmpty else { throw Self.invalid(header) }
        self.bucket = bucket
        self.key = key
        self.versionID = version
    }

    private static func invalid(_ header: String) -> AWSError {
        S3Error.invalidArgument(
            "Copy Source must mention the source bucket and key: sourcebucket/sourcekey", name: "x-amz-copy-source", value: header)
    }

    /// The bytes `x-amz-copy-source-range` names in an object of `size` bytes, or nil for all of it.
    /// - Throws: InvalidArgument for a range not of the form `bytes=first-last` or not within the object.
    static func range(_ header: String?, size: Int64) throws -> (lower: Int64, upper: Int64)? {
        guard let header else { return nil }
        let malformed = S3Error.invalidArgument(
            "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy",
            name: "x-amz-copy-source-range", value: header)
        guard header.hasPrefix("bytes=") else { throw malformed }
        let bounds = header.dropFirst("bytes=".count).split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count == 2, bounds.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let lower = Int64(bounds[0]), let upper = Int64(bounds[1]), lower <= upper
        else { throw malformed }
        guard upper < size else {
            throw S3Error.invalidArgument(
                "Range specified is not valid for source object of size: \(size)", name: "x-amz-copy-source-range", value: header)
        }
        return (lower, upper)
    }
}
