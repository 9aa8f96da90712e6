import Crypto
import Foundation

/// A grant token: names a grant, and differs with every `CreateGrant` call that answers it, as AWS's
/// do (decision 0015). `base64url(0x01 | 32-byte grant id | 32 random bytes)`, without padding.
///
/// It carries no authority of its own: retiring by token is judged exactly as retiring by key and
/// grant id, and grants take effect at once, so a token only has to name its grant.
struct GrantToken: Sendable, Equatable {
    static let version: UInt8 = 1

    /// The grant's id, 64 hexadecimal digits.
    let grantID: String
    let text: String

    /// A new token for the grant `grantID` (64 hexadecimal digits).
    init(grantID: String) {
        var bytes: [UInt8] = [Self.version]
        bytes += Self.bytes(ofHex: grantID) ?? []
        bytes += SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        self.grantID = grantID
        self.text = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Reads a token. - Throws: KMS's `InvalidGrantTokenException` for text no grant token has.
    init(_ text: String) throws {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), data.count == 65, data.first == Self.version else {
            throw KMSError.invalidGrantToken
        }
        self.grantID = data.dropFirst().prefix(32).map { String(format: "%02x", $0) }.joined()
        self.text = text
    }

    /// Refuses any token of `tokens` that is not one (the `GrantTokens` member of every operation
    /// that takes it): a just-created grant is in effect at once, so a valid token changes nothing.
    static func check(_ tokens: [String]?) throws {
        for token in tokens ?? [] { _ = try GrantToken(token) }
    }

    /// Whether `text` is a grant id: 64 lowercase hexadecimal digits.
    static func isGrantID(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    private static func bytes(ofHex text: String) -> [UInt8]? {
        guard isGrantID(text) else { return nil }
        let digits = Array(text.utf8)
        return stride(from: 0, to: digits.count, by: 2).compactMap { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16) }
    }
}
