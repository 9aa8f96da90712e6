import Crypto
import Foundation

/// Seals an ``AuthorizationMessage`` into the opaque text a denial carries, and opens it again for
/// `sts:DecodeAuthorizationMessage`: AES-256-GCM under a key only the server holds, so that a message
/// can be neither read nor forged without the API. The account the message is for is authenticated
/// with it: a message opens only for a caller of that account.
///
/// The text is base64url without padding, as AWS's encoded messages look: a version byte, then the
/// nonce, the ciphertext and the tag.
public struct AuthorizationMessageSealer: Sendable {
    private static let version: UInt8 = 1
    private let key: SymmetricKey

    /// - Parameter key: a 256-bit key.
    public init(key: SymmetricKey) {
        self.key = key
    }

    /// A sealer with a new random key, for a pipeline that keeps no data directory (tests): its
    /// messages open only in this process.
    public static func withNewKey() -> AuthorizationMessageSealer {
        AuthorizationMessageSealer(key: SymmetricKey(size: .bits256))
    }

    /// The sealed text of `message` for a caller of `account`; at most 10,240 characters.
    public func seal(_ message: AuthorizationMessage, account: String) throws -> String {
        let box = try AES.GCM.seal(message.json(), using: key, authenticating: Self.associatedData(account: account))
        guard let combined = box.combined else { throw CryptoKitError.incorrectParameterSize }
        return Self.base64URL(Data([Self.version]) + combined)
    }

    /// The JSON text of the message `encoded` seals, when it was sealed by this key for `account`;
    /// nil for anything else (another key, another account, altered or truncated text).
    public func open(_ encoded: String, account: String) -> String? {
        guard let data = Self.data(base64URL: encoded), data.count > 1, data.first == Self.version,
            let box = try? AES.GCM.SealedBox(combined: data.dropFirst()),
            let plain = try? AES.GCM.open(box, using: key, authenticating: Self.associatedData(account: account))
        else { return nil }
        return String(validating: plain, as: UTF8.self)
    }

    private static func associatedData(account: String) -> Data {
        Data("bulwark authorization message \(version) for account \(account)".utf8)
    }

    static func base64URL(_ data: Data) -> String {
        String(
            data.base64EncodedString().compactMap { character -> Character? in
                switch character {
                case "+": "-"
                case "/": "_"
                case "=": nil
                default: character
                }
            }
        )
    }

    static func data(base64URL text: String) -> Data? {
        guard
            text.utf8.allSatisfy({ byte in
                (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                    || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            })
        else { return nil }
        var standard = String(text.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 })
        standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
        return Data(base64Encoded: standard)
    }
}
