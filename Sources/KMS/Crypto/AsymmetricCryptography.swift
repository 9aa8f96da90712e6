import Crypto
import CryptoExtras
import Foundation

/// Signatures, RSA encryption and MACs of KMS's asymmetric and HMAC keys, with swift-crypto
/// (BoringSSL): RSASSA-PSS (MGF1 with the message's hash, salt as long as the digest), RSASSA-PKCS1-v1_5
/// and ECDSA (DER signatures) as KMS makes them, RSAES-OAEP with SHA-1 or SHA-256, HMAC-SHA-2.
enum AsymmetricCryptography {
    /// Why an operation could not be made.
    enum Failure: Error, Equatable {
        /// A `DIGEST` message of another length than the algorithm's digest.
        case digestLength
        /// The secret material does not read as a key of the spec (a corrupt row).
        case unreadableMaterial
        /// An RSA ciphertext that does not decrypt.
        case invalidCiphertext
        /// A plaintext longer than the key and padding allow.
        case plaintextTooLong(maximum: Int)
    }

    // MARK: Signatures

    /// The signature of `message` (or of the digest it is, when `isDigest`) under `algorithm`.
    static func sign(secret: SymmetricKey, spec: KeySpecification, algorithm: String, message: Data, isDigest: Bool) throws -> Data {
        switch hashBits(algorithm) {
        case 256: try sign(SHA256.self, secret: secret, spec: spec, pss: algorithm.hasPrefix("RSASSA_PSS"), message: message, isDigest: isDigest)
        case 384: try sign(SHA384.self, secret: secret, spec: spec, pss: algorithm.hasPrefix("RSASSA_PSS"), message: message, isDigest: isDigest)
        default: try sign(SHA512.self, secret: secret, spec: spec, pss: algorithm.hasPrefix("RSASSA_PSS"), message: message, isDigest: isDigest)
        }
    }

    /// Whether `signature` is `algorithm`'s signature of `message` under the public key (DER SPKI).
    static func verify(publicKey: Data, spec: KeySpecification, algorithm: String, message: Data, isDigest: Bool, signature: Data) throws -> Bool {
        let pss = algorithm.hasPrefix("RSASSA_PSS")
        switch hashBits(algorithm) {
        case 256: return try verify(SHA256.self, publicKey, spec, pss, message, isDigest, signature)
        case 384: return try verify(SHA384.self, publicKey, spec, pss, message, isDigest, signature)
        default: return try verify(SHA512.self, publicKey, spec, pss, message, isDigest, signature)
        }
    }

    /// The digest length `algorithm` signs (`ECDSA_SHA_384` → 48).
    static func digestLength(_ algorithm: String) -> Int { hashBits(algorithm) / 8 }

    private static func hashBits(_ algorithm: String) -> Int {
        if algorithm.hasSuffix("384") { return 384 }
        if algorithm.hasSuffix("512") { return 512 }
        return 256
    }

    private static func sign<H: HashFunction>(
        _ hash: H.Type, secret: SymmetricKey, spec: KeySpecification, pss: Bool, message: Data, isDigest: Bool
    ) throws -> Data {
        let digest = try self.digest(H.self, message, isDigest: isDigest)
        let bytes = secret.withUnsafeBytes { Data($0) }
        do {
            switch spec {
            case .rsa:
                let key = try _RSA.Signing.PrivateKey(derRepresentation: bytes)
                return try key.signature(for: digest, padding: pss ? .PSS : .insecurePKCS1v1_5).rawRepresentation
            case .ecc(.p256): return try P256.Signing.PrivateKey(rawRepresentation: bytes).signature(for: digest).derRepresentation
            case .ecc(.p384): return try P384.Signing.PrivateKey(rawRepresentation: bytes).signature(for: digest).derRepresentation
            case .ecc(.p521): return try P521.Signing.PrivateKey(rawRepresentation: bytes).signature(for: digest).derRepresentation
            case .symmetric, .hmac: throw Failure.unreadableMaterial
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure.unreadableMaterial
        }
    }

    private static func verify<H: HashFunction>(
        _ hash: H.Type, _ publicKey: Data, _ spec: KeySpecification, _ pss: Bool, _ message: Data, _ isDigest: Bool, _ signature: Data
    ) throws -> Bool {
        let digest = try self.digest(H.self, message, isDigest: isDigest)
        switch spec {
        case .rsa:
            guard let key = try? _RSA.Signing.PublicKey(derRepresentation: publicKey) else { throw Failure.unreadableMaterial }
            return key.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature), for: digest, padding: pss ? .PSS : .insecurePKCS1v1_5)
        case .ecc(.p256):
            guard let key = try? P256.Signing.PublicKey(derRepresentation: publicKey) else { throw Failure.unreadableMaterial }
            guard let parsed = try? P256.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return key.isValidSignature(parsed, for: digest)
        case .ecc(.p384):
            guard let key = try? P384.Signing.PublicKey(derRepresentation: publicKey) else { throw Failure.unreadableMaterial }
            guard let parsed = try? P384.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return key.isValidSignature(parsed, for: digest)
        case .ecc(.p521):
            guard let key = try? P521.Signing.PublicKey(derRepresentation: publicKey) else { throw Failure.unreadableMaterial }
            guard let parsed = try? P521.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return key.isValidSignature(parsed, for: digest)
        case .symmetric, .hmac:
            throw Failure.unreadableMaterial
        }
    }

    /// The digest to sign: the hash of `message`, or `message` itself when it is a digest already
    /// (of exactly the hash's length).
    static func digest<H: HashFunction>(_ hash: H.Type, _ message: Data, isDigest: Bool) throws -> H.Digest {
        guard isDigest else { return H.hash(data: message) }
        guard message.count == H.Digest.byteCount else { throw Failure.digestLength }
        // swift-crypto offers no initializer of a digest from its bytes: a digest value is filled in
        // place, and used only when it then reads back as exactly those bytes.
        var digest = H.hash(data: Data())
        guard MemoryLayout<H.Digest>.size == message.count else { throw Failure.unreadableMaterial }
        withUnsafeMutableBytes(of: &digest) { $0.copyBytes(from: message) }
        guard Array(digest) == Array(message) else { throw Failure.unreadableMaterial }
        return digest
    }

    // MARK: RSA encryption

    /// The RSAES-OAEP ciphertext of `plaintext` under the public key (DER SPKI).
    static func encrypt(publicKey: Data, algorithm: String, plaintext: Data) throws -> Data {
        guard let key = try? _RSA.Encryption.PublicKey(derRepresentation: publicKey) else { throw Failure.unreadableMaterial }
        let padding = oaep(algorithm)
        let maximum = key.maximumEncryptSize(with: padding)
        guard plaintext.count <= maximum else { throw Failure.plaintextTooLong(maximum: maximum) }
        do {
            return try key.encrypt(plaintext, padding: padding)
        } catch {
            throw Failure.unreadableMaterial
        }
    }

    /// The plaintext of an RSAES-OAEP ciphertext.
    static func decrypt(secret: SymmetricKey, algorithm: String, ciphertext: Data) throws -> Data {
        let bytes = secret.withUnsafeBytes { Data($0) }
        guard let key = try? _RSA.Encryption.PrivateKey(derRepresentation: bytes) else { throw Failure.unreadableMaterial }
        do {
            return try key.decrypt(ciphertext, padding: oaep(algorithm))
        } catch {
            throw Failure.invalidCiphertext
        }
    }

    private static func oaep(_ algorithm: String) -> _RSA.Encryption.Padding {
        algorithm == "RSAES_OAEP_SHA_1" ? .PKCS1_OAEP : .PKCS1_OAEP_SHA256
    }

    // MARK: MACs

    /// The HMAC of `message` under the key, with the hash `algorithm` names (`HMAC_SHA_384`).
    static func mac(secret: SymmetricKey, algorithm: String, message: Data) -> Data {
        switch algorithm {
        case "HMAC_SHA_224": Data(HMAC<SHA224>.authenticationCode(for: message, using: secret))
        case "HMAC_SHA_384": Data(HMAC<SHA384>.authenticationCode(for: message, using: secret))
        case "HMAC_SHA_512": Data(HMAC<SHA512>.authenticationCode(for: message, using: secret))
        default: Data(HMAC<SHA256>.authenticationCode(for: message, using: secret))
        }
    }

    /// Whether `mac` is the HMAC of `message`, compared in constant time.
    static func isValidMAC(_ mac: Data, secret: SymmetricKey, algorithm: String, message: Data) -> Bool {
        let expected = self.mac(secret: secret, algorithm: algorithm, message: message)
        guard expected.count == mac.count else { return false }
        return zip(expected, mac).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
