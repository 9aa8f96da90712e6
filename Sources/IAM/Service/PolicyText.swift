import BulwarkCore
import Foundation

/// Policy documents as the IAM API takes and answers them.
enum PolicyText {
    /// IAM answers documents URL-encoded (RFC 3986); SDKs decode them. Everything but the unreserved
    /// characters is escaped, spaces as `%20` (botocore unquotes, it does not turn `+` into a space).
    static func encode(_ document: String) -> String {
        document.addingPercentEncoding(withAllowedCharacters: unreserved) ?? document
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// Parses a document of `kind`, answering IAM's `MalformedPolicyDocument` when it is refused.
    @discardableResult
    static func check(_ text: String, kind: PolicyKind) throws -> PolicyDocument {
        do throws(MalformedPolicyDocument) {
            return try PolicyDocument.parse(text, kind: kind)
        } catch {
            throw error.awsError
        }
    }
}
