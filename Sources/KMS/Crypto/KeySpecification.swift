import Crypto
import CryptoExtras
import Foundation

/// A key spec Bulwark creates (decision 0014): what its material is, the key usages it allows and
/// the algorithms each usage offers, as KMS lists them.
enum KeySpecification: Sendable, Equatable {
    case symmetric
    case rsa(bits: Int)
    case ecc(Curve)
    case hmac(bits: Int)

    enum Curve: String, Sendable {
        case p256 = "ECC_NIST_P256"
        case p384 = "ECC_NIST_P384"
        case p521 = "ECC_NIST_P521"
    }

    static let encryptDecrypt = "ENCRYPT_DECRYPT"
    static let signVerify = "SIGN_VERIFY"
    static let generateVerifyMAC = "GENERATE_VERIFY_MAC"

    /// The spec of a `KeySpec` name; nil for the specs Bulwark does not create.
    init?(_ name: String) {
        switch name {
        case "SYMMETRIC_DEFAULT": self = .symmetric
        case "RSA_2048": self = .rsa(bits: 2048)
        case "RSA_3072": self = .rsa(bits: 3072)
        case "RSA_4096": self = .rsa(bits: 4096)
        case "HMAC_224": self = .hmac(bits: 224)
        case "HMAC_256": self = .hmac(bits: 256)
        case "HMAC_384": self = .hmac(bits: 384)
        case "HMAC_512": self = .hmac(bits: 512)
        default:
            guard let curve = Curve(rawValue: name) else { return nil }
            self = .ecc(curve)
        }
    }

    var name: String {
        switch self {
        case .symmetric: "SYMMETRIC_DEFAULT"
        case .rsa(let bits): "RSA_\(bits)"
        case .ecc(let curve): curve.rawValue
        case .hmac(let bits): "HMAC_\(bits)"
        }
    }

    /// The key usages KMS allows for the spec (those Bulwark supports: no `KEY_AGREEMENT`).
    var usages: [String] {
        switch self {
        case .symmetric: [Self.encryptDecrypt]
        case .rsa: [Self.encryptDecrypt, Self.signVerify]
        case .ecc: [Self.signVerify]
        case .hmac: [Self.generateVerifyMAC]
        }
    }

    /// The usage a key of this spec gets when `CreateKey` names none: AWS's default,
    /// `ENCRYPT_DECRYPT`, is the only one it accepts without asking.
    var defaultUsage: String { Self.encryptDecrypt }

    /// `EncryptionAlgorithms` of a key of this spec and usage.
    func encryptionAlgorithms(usage: String) -> [String]? {
        switch (self, usage) {
        case (.symmetric, _): ["SYMMETRIC_DEFAULT"]
        case (.rsa, Self.encryptDecrypt): ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]
        default: nil
        }
    }

    /// `SigningAlgorithms` of a key of this spec and usage.
    func signingAlgorithms(usage: String) -> [String]? {
        switch (self, usage) {
        case (.rsa, Self.signVerify):
            [
                "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512", "RSASSA_PSS_SHA_256",
                "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512",
            ]
        case (.ecc(.p256), _): ["ECDSA_SHA_256"]
        case (.ecc(.p384), _): ["ECDSA_SHA_384"]
        case (.ecc(.p521), _): ["ECDSA_SHA_512"]
        default: nil
        }
    }

    /// `MacAlgorithms` of a key of this spec.
    var macAlgorithms: [String]? {
        guard case .hmac(let bits) = self else { return nil }
        return ["HMAC_SHA_\(bits)"]
    }

    var isAsymmetric: Bool {
        switch self {
        case .rsa, .ecc: true
        case .symmetric, .hmac: false
        }
    }

    /// New secret material and, for an asymmetric key, its public key (DER `SubjectPublicKeyInfo`).
    /// RSA keys keep their PKCS #1 private key, elliptic-curve keys their private scalar, HMAC keys
    /// as many random bits as the spec names.
    func generate() throws -> (secret: SymmetricKey, publicKey: Data?) {
        switch self {
        case .symmetric:
            return (SymmetricKey(size: .bits256), nil)
        case .hmac(let bits):
            return (SymmetricKey(size: SymmetricKeySize(bitCount: bits)), nil)
        case .rsa(let bits):
            let key = try _RSA.Signing.PrivateKey(keySize: .init(bitCount: bits))
            return (SymmetricKey(data: key.derRepresentation), key.publicKey.derRepresentation)
        case .ecc(.p256):
            let key = P256.Signing.PrivateKey()
            return (SymmetricKey(data: key.rawRepresentation), key.publicKey.derRepresentation)
        case .ecc(.p384):
            let key = P384.Signing.PrivateKey()
            return (SymmetricKey(data: key.rawRepresentation), key.publicKey.derRepresentation)
        case .ecc(.p521):
            let key = P521.Signing.PrivateKey()
            return (SymmetricKey(data: key.rawRepresentation), key.publicKey.derRepresentation)
        }
    }
}
