import AWSWire
import Foundation

/// The tags of a bucket or an object, checked as S3 checks them (decision 0031): at most 10 on an
/// object and 50 on a bucket, keys of 1 to 128 characters and values of up to 256, Unicode letters,
/// numbers, separators and `_ . : / = + - @` only, no key twice, no `aws:` key (those are system tags).
enum TagSet {
    /// What the tags are set on: the limits and messages differ.
    enum Owner {
        case bucket
        case object

        var limit: Int { self == .bucket ? 50 : 10 }
    }

    /// The tags of a `Tagging` document. - Throws: BadRequest (too many), InvalidTag.
    static func validated(_ tags: [S3API.Tag], for owner: Owner) throws -> [String: String] {
        if tags.count > owner.limit {
            throw S3Error.badRequest(
                owner == .object ? "Object tags cannot be greater than 10" : "Bucket tag count cannot be greater than 50")
        }
        var map: [String: String] = [:]
        var folded: Set<String> = []
        for tag in tags {
            try check(key: tag.key, value: tag.value, for: owner)
            // Keys that differ only in case are one key to a policy (condition keys are compared
            // without case): S3 keeps both, which would let a Deny on the tag see either value.
            guard map.updateValue(tag.value, forKey: tag.key) == nil, folded.insert(tag.key.lowercased()).inserted else {
                throw S3Error.invalidTag("Cannot provide multiple Tags with the same key")
            }
        }
        return map
    }

    /// The tags of an `x-amz-tagging` header (URL query parameters). - Throws: InvalidArgument, InvalidTag.
    static func parseHeader(_ header: String) throws -> [String: String] {
        let refusal = S3Error.invalidArgument(
            "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.",
            name: "x-amz-tagging", value: header)
        guard let pairs = try? QueryString.parseStrictly(header) else { throw refusal }
        var tags: [S3API.Tag] = []
        for (key, value) in pairs {
            guard !tags.contains(where: { $0.key == key }) else { throw refusal }
            tags.append(S3API.Tag(key: key, value: value))
        }
        return try validated(tags, for: .object)
    }

    static func check(key: String, value: String, for owner: Owner) throws {
        if key.unicodeScalars.count > 128 { throw S3Error.invalidTag("The TagKey you have provided is too long, max 128") }
        if value.unicodeScalars.count > 256 { throw S3Error.invalidTag("The TagValue you have provided is too long, max 256") }
        if key.hasPrefix("aws:") {
            throw S3Error.invalidTag(
                owner == .object ? "Your TagKey cannot be prefixed with aws:" : "System tags cannot be added/updated by requester")
        }
        guard !key.isEmpty, key.unicodeScalars.allSatisfy(isAllowed) else { throw S3Error.invalidTag("The TagKey you have provided is invalid") }
        guard value.unicodeScalars.allSatisfy(isAllowed) else { throw S3Error.invalidTag("The TagValue you have provided is invalid") }
    }

    /// `[\p{L}\p{Z}\p{N}_.:/=+\-@]`: letters, separators, numbers and seven marks.
    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .spaceSeparator, .lineSeparator,
            .paragraphSeparator, .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return "_.:/=+-@".unicodeScalars.contains(scalar)
        }
    }

    /// Tags as S3 lists them, by key.
    static func list(_ tags: [String: String]) -> [S3API.Tag] {
        tags.sorted { $0.key < $1.key }.map { S3API.Tag(key: $0.key, value: $0.value) }
    }

    /// `s3:ExistingObjectTag/<key>` for each tag of the object a call acts on.
    static func existingObjectTagKeys(_ tags: [String: String]) -> [String: AuthorizationCheck.Value] {
        var keys: [String: AuthorizationCheck.Value] = [:]
        for (key, value) in tags { keys["s3:ExistingObjectTag/\(key)"] = .single(value) }
        return keys
    }

    /// `s3:RequestObjectTag/<key>` for each tag a request sets, and `s3:RequestObjectTagKeys`.
    static func requestObjectTagKeys(_ tags: [String: String]) -> [String: AuthorizationCheck.Value] {
        var keys: [String: AuthorizationCheck.Value] = [:]
        for (key, value) in tags { keys["s3:RequestObjectTag/\(key)"] = .single(value) }
        if !tags.isEmpty { keys["s3:RequestObjectTagKeys"] = .multiple(tags.keys.sorted()) }
        return keys
    }
}
