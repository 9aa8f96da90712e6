/// Generation of identifiers and secrets in AWS's formats, from the system's secure random source.
public enum KeyMaterial {
    private static let base32 = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    private static let secretAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")

    /// A long-term access key id: `AKIA` and 16 base-32 characters.
    public static func accessKeyID(prefix: String = "AKIA") -> String {
        prefix + random(16, from: base32)
    }

    /// A signing certificate id: 32 base-32 characters.
    public static func certificateID() -> String {
        random(32, from: base32)
    }

    /// A 40-character secret access key.
    public static func secretAccessKey() -> String {
        random(40, from: secretAlphabet)
    }

    /// A 12-digit account id (never starting with 0, so that it survives numeric parsing).
    public static func accountID() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(Int.random(in: 1...9, using: &generator)) + random(11, from: Array("0123456789"))
    }

    /// A unique principal id with an AWS prefix, e.g. `AIDA` for users, `AROA` for roles.
    public static func uniqueID(prefix: String) -> String {
        prefix + random(17, from: base32)
    }

    private static func random(_ count: Int, from alphabet: [Character]) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }
}
