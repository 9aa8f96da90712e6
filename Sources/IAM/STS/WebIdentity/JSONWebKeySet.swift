import Crypto
import CryptoExtras
import Foundation

/// The signing keys of an OpenID Connect issuer, from its JSON Web Key Set (RFC 7517) as the
/// operator configured it: RSA keys for RS256, P-256 keys for ES256.
struct JSONWebKeySet: Sendable {
    enum Key: Sendable {
        case rsa(_RSA.Signing.PublicKey)
        case p256(P256.Signing.PublicKey)
    }

    /// The usable keys, by `kid` (nil when a key has none).
    let keys: [(id: String?, key: Key)]

    /// Reads a JWKS document; keys of other types are left out.
    /// - Throws: ``Invalid`` when the document is no JWKS or names no usable key.
    init(json: Data) throws {
        guard let document = try? JSONSerialization.jsonObject(with: json) as? [String: Any], let entries = document["keys"] as? [[String: Any]]
        else { throw Invalid(reason: "not a JSON Web Key Set (an object with a \"keys\" array)") }
        var keys: [(id: String?, key: Key)] = []
        for entry in entries {
            if let use = entry["use"] as? String, use != "sig" { continue }
            let id = entry["kid"] as? String
            switch entry["kty"] as? String {
            case "RSA":
                guard let n = (entry["n"] as? String).flatMap(Base64URL.decode), let e = (entry["e"] as? String).flatMap(Base64URL.decode),
                    let key = try? _RSA.Signing.PublicKey(n: n, e: e)
                else { throw Invalid(reason: "RSA key \(id ?? "without kid") has no valid n and e") }
                keys.append((id, .rsa(key)))
            case "EC":
                guard entry["crv"] as? String == "P-256", let x = (entry["x"] as? String).flatMap(Base64URL.decode),
                    let y = (entry["y"] as? String).flatMap(Base64URL.decode), let key = try? P256.Signing.PublicKey(rawRepresentation: x + y)
                else { throw Invalid(reason: "EC key \(id ?? "without kid") is not a valid P-256 key") }
                keys.append((id, .p256(key)))
            default:
                continue
            }
        }
        guard !keys.isEmpty else { throw Invalid(reason: "no RSA or P-256 signing key") }
        self.keys = keys
    }

    /// Whether one of the keys (the one the token names, if it names one) signed `token` with
    /// the token's algorithm; only RS256 and ES256 are accepted.
    func verifies(_ token: WebIdentityToken) -> Bool {
        let candidates = keys.filter { token.keyID == nil || $0.id == nil || $0.id == token.keyID }
        return candidates.contains { candidate in
            switch (token.algorithm, candidate.key) {
            case ("RS256", .rsa(let key)):
                let signature = _RSA.Signing.RSASignature(rawRepresentation: token.signature)
                return key.isValidSignature(signature, for: SHA256.hash(data: token.signedPart), padding: .insecurePKCS1v1_5)
            case ("ES256", .p256(let key)):
                guard let signature = try? P256.Signing.ECDSASignature(rawRepresentation: token.signature) else { return false }
                return key.isValidSignature(signature, for: SHA256.hash(data: token.signedPart))
            default:
                return false
            }
        }
    }

    /// Why a document is not a usable key set.
    struct Invalid: Error, CustomStringConvertible {
        let reason: String
        var description: String { reason }
    }
}
