import Crypto
import Foundation

/// The `CiphertextBlob` of a symmetric KMS key, as Bulwark writes it:
///
/// ```
/// 0x01 | u16 length | key ARN (UTF-8) | u32 key material version | 12-byte nonce | ciphertext | 16-byte tag
/// ```
///
/// (integers big-endian). The blob names its key, so that `Decrypt` needs no `KeyId`, and the version
/// of the material, so that a key whose material is rotated still decrypts older blobs. The header
/// (everything before the nonce) and the encryption context are AES-GCM's additional authenticated
/// data: changing the named key or version, or decrypting under another context, fails.
public struct CiphertextBlob: Sendable, Equatable {
    static let format: UInt8 = 1
    static let nonceSize = 12
    static let tagSize = 16

    /// The ARN of the key that encrypted it.
    public let keyARN: String
    /// The version of that key's material.
    public let version: Int
    let nonce: Data
    let ciphertext: Data
    let tag: Data

    /// Encrypts `plaintext` under `material`, binding `context`.
    public static func seal(
        _ plaintext: Data, keyARN: String, version: Int, material: SymmetricKey, context: [String: String]
    ) throws
        -> CiphertextBlob
    {
        let header = Self.header(keyARN: keyARN, version: version)
        let sealed = try AES.GCM.seal(plaintext, using: material, authenticating: header + EncryptionContext.canonical(context))
        return CiphertextBlob(keyARN: keyARN, version: version, nonce: Data(sealed.nonce), ciphertext: sealed.ciphertext, tag: sealed.tag)
    }

    /// Reads a blob's parts. - Throws: ``Malformed`` for bytes that are not one.
    public init(_ bytes: Data) throws(Malformed) {
        let bytes = Data(bytes)
        guard bytes.count >= 3, bytes[0] == Self.format else { throw Malformed() }
        let length = Int(bytes[1]) << 8 | Int(bytes[2])
        let versionStart = 3 + length
        let nonceStart = versionStart + 4
        guard length > 0, bytes.count >= nonceStart + Self.nonceSize + Self.tagSize,
            let arn = String(data: bytes[3..<versionStart], encoding: .utf8)
        else { throw Malformed() }
        let version = bytes[versionStart..<nonceStart].reduce(0) { $0 << 8 | Int($1) }
        guard version > 0 else { throw Malformed() }
        self.init(
            keyARN: arn, version: version, nonce: bytes[nonceStart..<nonceStart + Self.nonceSize],
            ciphertext: bytes[(nonceStart + Self.nonceSize)..<(bytes.count - Self.tagSize)], tag: bytes[(bytes.count - Self.tagSize)...])
    }

    private init(keyARN: String, version: Int, nonce: Data, ciphertext: Data, tag: Data) {
        self.keyARN = keyARN
        self.version = version
        self.nonce = Data(nonce)
        self.ciphertext = Data(ciphertext)
        self.tag = Data(tag)
    }

    /// The blob's bytes.
    public var bytes: Data {
        Self.header(keyARN: keyARN, version: version) + nonce + ciphertext + tag
    }

    /// The plaintext, when `material` encrypted it under exactly `context`.
    /// - Throws: ``Malformed`` when it did not (or the blob was altered).
    public func open(material: SymmetricKey, context: [String: String]) throws(Malformed) -> Data {
        do {
            let box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: nonce), ciphertext: ciphertext, tag: tag)
            let header = Self.header(keyARN: keyARN, version: version)
            return try AES.GCM.open(box, using: material, authenticating: header + EncryptionContext.canonical(context))
        } catch {
            throw Malformed()
        }
    }

    private static func header(keyARN: String, version: Int) -> Data {
        let arn = Data(keyARN.utf8)
        var header = Data([format, UInt8(arn.count >> 8 & 0xFF), UInt8(arn.count & 0xFF)])
        header += arn
        header += Data((0..<4).reversed().map { UInt8(truncatingIfNeeded: version >> ($0 * 8)) })
        return header
    }

    /// Bytes that are not a blob of this format, or that do not decrypt.
    public struct Malformed: Error, Equatable {}
}

/// The encryption context as additional authenticated data: its pairs sorted by key (UTF-8 bytes),
/// each key and value preceded by its length, so that no two contexts share an encoding.
enum EncryptionContext {
    static func canonical(_ context: [String: String]) -> Data {
        var data = Data()
        append(UInt32(context.count), to: &data)
        for (key, value) in context.sorted(by: { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }) {
            for text in [key, value] {
                let bytes = Data(text.utf8)
                append(UInt32(bytes.count), to: &data)
                data += bytes
            }
        }
        return data
    }

    private static func append(_ value: UInt32, to data: inout Data) {
        data += Data((0..<4).reversed().map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) })
    }
}
