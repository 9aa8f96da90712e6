import Foundation

/// The conditional headers of a read (RFC 9110 §13), as S3 combines them: `If-Match` that holds
/// makes a failing `If-Unmodified-Since` irrelevant, and `If-None-Match` that fails (the object
/// matches) answers 304 whatever `If-Modified-Since` says.
struct ReadConditions: Sendable {
    var ifMatch: String?
    var ifNoneMatch: String?
    var ifModifiedSince: Date?
    var ifUnmodifiedSince: Date?

    /// - Throws: PreconditionFailed (412) or NotModified (304).
    func check(etag: String, lastModified: Date) throws {
        // HTTP dates have whole seconds.
        let modified = lastModified.timeIntervalSince1970.rounded(.down)
        if let ifMatch {
            guard Self.matches(ifMatch, etag) else { throw S3Error.preconditionFailed("If-Match") }
        } else if let ifUnmodifiedSince, modified > ifUnmodifiedSince.timeIntervalSince1970 {
            throw S3Error.preconditionFailed("If-Unmodified-Since")
        }
        if let ifNoneMatch {
            if Self.matches(ifNoneMatch, etag) { throw S3Error.notModified }
        } else if let ifModifiedSince, modified <= ifModifiedSince.timeIntervalSince1970 {
            throw S3Error.notModified
        }
    }

    /// Whether a list of entity tags (or `*`) names `etag`; quotes and weak markers are ignored.
    static func matches(_ header: String, _ etag: String) -> Bool {
        let wanted = etag.trimmingCharacters(in: ["\""])
        return header.split(separator: ",").contains { candidate in
            var tag = candidate.trimmingCharacters(in: .whitespaces)
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag = String(tag.dropFirst(2)) }
            return tag.trimmingCharacters(in: ["\""]) == wanted
        }
    }
}
