import Foundation
import IAM

/// Reads a bucket policy as S3 does before it stores one (decision 0031): the JSON, its grammar
/// (IAM's parser for resource policies), actions S3 knows, and resources in this bucket only.
/// Each fault is S3's `MalformedPolicy` with S3's message. Principals that name users and roles of
/// the account are bound afterwards by the handler (decision 0005), with the same message.
struct BucketPolicyValidator {
    /// S3's limit on a bucket policy, in bytes of its text without whitespace outside strings.
    static let maxBytes = 20 * 1024

    static let invalidJSON = "This policy contains invalid Json"
    static let invalidPrincipal = "Invalid principal in policy"
    static let invalidAction = "Policy has invalid action"
    static let invalidResource = "Policy has invalid resource"

    let bucket: String

    /// The parsed policy. - Throws: MalformedPolicy.
    func validate(_ text: String) throws -> PolicyDocument {
        guard text.utf8.first(where: { !Self.isWhitespace($0) }) == UInt8(ascii: "{") else {
            throw S3Error.malformedPolicy("Policies must be valid JSON and the first byte must be '{'")
        }
        guard let json = try? JSONSerialization.jsonObject(with: Data(text.utf8)), let object = json as? [String: Any] else {
            throw S3Error.malformedPolicy(Self.invalidJSON)
        }
        if Self.compactSize(text) > Self.maxBytes { throw S3Error.malformedPolicy("Policy exceeds the maximum allowed document size.") }
        if let version = object["Version"], !["2008-10-17", "2012-10-17"].contains(version as? String ?? "") {
            throw S3Error.malformedPolicy("The policy must contain a valid version string")
        }
        guard let statements = object["Statement"] else { throw S3Error.malformedPolicy("Missing required field Statement") }
        if let list = statements as? [Any], list.isEmpty { throw S3Error.malformedPolicy("Could not parse the policy: Statement is empty!") }
        let document: PolicyDocument
        do {
            document = try PolicyDocument.parse(text, kind: .resource)
        } catch {
            throw S3Error.malformedPolicy(Self.s3Message(for: error))
        }
        for statement in document.statements {
            try check(statement)
        }
        return document
    }

    private func check(_ statement: PolicyStatement) throws {
        let actions: [ActionPattern]
        switch statement.actions {
        case .action(let patterns), .notAction(let patterns): actions = patterns
        }
        for action in actions where !S3ActionCatalog.actions.contains(where: action.matches) {
            throw S3Error.malformedPolicy(Self.invalidAction)
        }
        guard let resources = statement.resources else { throw S3Error.malformedPolicy("Missing required field Resource") }
        let patterns: [ResourcePattern]
        switch resources {
        case .resource(let list), .notResource(let list): patterns = list
        }
        for resource in patterns where !names(resource.text) {
            throw S3Error.malformedPolicy(Self.invalidResource)
        }
        // S3 refuses an action none of whose actions applies to the kinds of resource the statement names
        // (`s3:GetObject` on the bucket's own ARN).
        guard case .action(let named) = statement.actions, case .resource(let listed) = resources else { return }
        let kinds = listed.map { Self.kinds(of: $0.text) }
        let onBuckets = kinds.contains { $0.bucket }
        let onObjects = kinds.contains { $0.object }
        for action in named {
            let applies =
                (onBuckets && S3ActionCatalog.bucketActions.contains(where: action.matches))
                || (onObjects && S3ActionCatalog.objectActions.contains(where: action.matches))
            if !applies { throw S3Error.malformedPolicy("Action does not apply to any resource(s) in statement") }
        }
    }

    /// Whether a resource of this bucket can name the bucket, its objects, or both (a `*` spans `/`).
    static func kinds(of resource: String) -> (bucket: Bool, object: Bool) {
        let path = resource.dropFirst("arn:aws:s3:::".count)
        if path.contains("/") { return (false, true) }
        return path.contains("*") ? (true, true) : (true, false)
    }

    /// Whether a resource is this bucket or objects in it: `arn:aws:s3:::<bucket>[/<key>]`, whose
    /// bucket part (wildcards allowed) can be this bucket's name.
    func names(_ resource: String) -> Bool {
        let prefix = "arn:aws:s3:::"
        guard resource.hasPrefix(prefix) else { return false }
        let rest = resource.dropFirst(prefix.count)
        let bucketPart = rest.firstIndex(of: "/").map { rest[..<$0] } ?? rest
        guard !bucketPart.isEmpty else { return false }
        // `arn:aws:s3:::*` would name every bucket, which a bucket's policy cannot.
        if bucketPart.contains("*") || bucketPart.contains("?") {
            guard bucketPart.contains(where: { $0 != "*" && $0 != "?" }) else { return false }
            return GlobPattern(wildcards: String(bucketPart)).matches(bucket)
        }
        return bucketPart == bucket
    }

    /// S3's message for what IAM's parser refused.
    static func s3Message(for error: MalformedPolicyDocument) -> String {
        let message = error.message
        if message.hasPrefix("Missing required field Principal") { return "Missing required field Principal" }
        if message.contains("rincipal") { return invalidPrincipal }
        if message.contains("Actions/Condition") || message.hasPrefix("Vendor ") || message == "Policy statement must contain actions." {
            return invalidAction
        }
        if message.hasPrefix("Resource ") { return invalidResource }
        if message == "Syntax errors in policy." || message == "This policy contains invalid Json" { return invalidJSON }
        return message
    }

    /// The size S3 limits: the text's bytes less the whitespace outside strings.
    static func compactSize(_ text: String) -> Int {
        var size = 0
        var inString = false
        var escaped = false
        for byte in text.utf8 {
            if inString {
                size += 1
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if !isWhitespace(byte) {
                size += 1
                if byte == UInt8(ascii: "\"") { inString = true }
            }
        }
        return size
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}
