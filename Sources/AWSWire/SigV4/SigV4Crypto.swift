import Crypto
import Foundation
import Synchronization

/// The hashing and keyed hashing of SigV4.
enum SigV4Crypto {
    static let algorithm = "AWS4-HMAC-SHA256"
    static let unsignedPayload = "UNSIGNED-PAYLOAD"

    static func sha256Hex(_ data: some DataProtocol) -> String {
        hex(SHA256.hash(data: data))
    }

    static func sha256Hex(_ text: String) -> String {
        sha256Hex(Data(text.utf8))
    }

    /// `kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
    ///
    /// The key depends only on the secret and the scope, which change once a day at most per key:
    /// derived keys are kept (``DerivedSigningKeys``), so that a request costs one HMAC of its
    /// string to sign rather than five.
    static func signingKey(secretAccessKey: String, scope: SigV4CredentialScope) -> SymmetricKey {
        let name = DerivedSigningKeys.Name(secretAccessKey: secretAccessKey, scope: scope)
        if let known = derivedKeys.key(for: name) { return known }
        var key = SymmetricKey(data: Data("AWS4\(secretAccessKey)".utf8))
        for part in [scope.date, scope.region, scope.service, SigV4CredentialScope.terminator] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        derivedKeys.keep(key, for: name)
        return key
    }

    private static let derivedKeys = DerivedSigningKeys()

    static func signature(stringToSign: String, secretAccessKey: String, scope: SigV4CredentialScope) -> String {
        let key = signingKey(secretAccessKey: secretAccessKey, scope: scope)
        return hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key))
    }

    /// Compares in time that depends only on the lengths, so a forger learns nothing from timing.
    static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8)
        let right = Array(rhs.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices {
            difference |= left[index] ^ right[index]
        }
        return difference == 0
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(64)
        for byte in bytes {
            output.append(hexDigits[Int(byte >> 4)])
            output.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }
}

/// The SigV4 signing keys derived lately, by secret and scope. Bounded: when full, it starts afresh
/// (a day's keys of every active credential fit many times over). It holds nothing the server does
/// not already hold: the secrets are the store's, and a derived key is worth no more than its secret.
final class DerivedSigningKeys: Sendable {
    struct Name: Hashable, Sendable {
        let secretAccessKey: String
        let scope: SigV4CredentialScope
    }

    static let capacity = 4096
    private let keys = Mutex<[Name: SymmetricKey]>([:])

    func key(for name: Name) -> SymmetricKey? {
        keys.withLock { $0[name] }
    }

    func keep(_ key: SymmetricKey, for name: Name) {
        keys.withLock { keys in
            if keys.count >= Self.capacity { keys.removeAll(keepingCapacity: true) }
            keys[name] = key
        }
    }
}
