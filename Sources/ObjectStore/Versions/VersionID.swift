import Foundation

/// S3's version ids (decision 0034): `null` for an object written while its bucket was never
/// versioned or was suspended; otherwise 32 opaque, URL-safe characters, as long as AWS's, drawn
/// from 192 random bits so that no id can be guessed from another.
enum VersionID {
    /// The id of an unversioned object (and of a suspended bucket's object or delete marker).
    static let null = "null"
    /// The length of a generated id.
    static let length = 32
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._")

    /// A new random id.
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }

    /// Whether `text` could be an id S3 issued: `null`, or at least 32 and at most 1024 characters of
    /// the URL-safe and base64 alphabets (AWS's ids are 32 characters; its documentation shows longer
    /// ones). Anything else is refused before it is looked up ("Invalid version id specified").
    static func isWellFormed(_ text: String) -> Bool {
        text == null
            || ((length...1024).contains(text.utf8.count) && text.utf8.allSatisfy { accepted.contains($0) })
    }

    private static let accepted = Set(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-+/=".utf8))
}
