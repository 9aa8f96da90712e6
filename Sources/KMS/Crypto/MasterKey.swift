import Crypto
import Foundation
import Store

/// The key that wraps every KMS key's material (DESIGN §5): `<data-dir>/keys/master.key`, 256 bits,
/// mode 0600, created on first start — or a file the operator names in `BULWARK_MASTER_KEY_FILE`,
/// kept outside the data directory so that a copy of the data directory alone decrypts nothing.
///
/// Material is sealed with AES-256-GCM under the key id and version it belongs to, so that wrapped
/// material moved to another key's row does not unwrap.
public struct MasterKey: Sendable {
    /// The environment variable naming an operator-supplied master key file.
    public static let environmentVariable = "BULWARK_MASTER_KEY_FILE"

    private let key: SymmetricKey

    public init(_ key: SymmetricKey) {
        self.key = key
    }

    /// Where the server keeps the master key it creates.
    public static func defaultURL(in dataDirectory: URL) -> URL {
        dataDirectory.appendingPathComponent("keys").appendingPathComponent("master.key")
    }

    /// The operator's key when `environment` names a file, else the data directory's, created (and
    /// flushed to disk) when there is none yet.
    ///
    /// - Throws: ``InvalidKeyFile`` for a file that is not a 256-bit key (32 bytes, or 64 hexadecimal
    ///   digits) or that other users may read; never replaces an existing file.
    public static func load(dataDirectory: URL, environment: [String: String]) throws -> MasterKey {
        if let supplied = environment[environmentVariable], !supplied.isEmpty {
            return try read(URL(fileURLWithPath: supplied), mustExist: true)!
        }
        let file = defaultURL(in: dataDirectory)
        if let existing = try read(file, mustExist: false) { return existing }
        let directory = file.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let key = SymmetricKey(size: .bits256)
        let temporary = directory.appendingPathComponent(".master-\(UUID().uuidString)")
        try DurableFile.write(key.withUnsafeBytes { Data($0) }, to: temporary, mode: 0o600)
        try DurableFile.rename(temporary, to: file, directory: directory)
        return MasterKey(key)
    }

    private static func read(_ file: URL, mustExist: Bool) throws -> MasterKey? {
        guard let data = FileManager.default.contents(atPath: file.path) else {
            if mustExist { throw InvalidKeyFile(path: file.path, problem: "cannot be read") }
            return nil
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        if let mode = (attributes[.posixPermissions] as? NSNumber)?.uint16Value, mode & 0o077 != 0 {
            throw InvalidKeyFile(path: file.path, problem: String(format: "may be read by other users (mode %o; use 0600)", mode))
        }
        if data.count == 32 { return MasterKey(SymmetricKey(data: data)) }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.utf8.count == 64, let bytes = Self.hexBytes(text) { return MasterKey(SymmetricKey(data: bytes)) }
        throw InvalidKeyFile(path: file.path, problem: "holds \(data.count) bytes, not a 256-bit key (32 bytes or 64 hexadecimal digits)")
    }

    private static func hexBytes(_ text: String) -> Data? {
        var bytes = Data()
        var iterator = text.utf8.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            guard let h = hexValue(high), let l = hexValue(low) else { return nil }
            bytes.append(h << 4 | l)
        }
        return bytes
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Seals `material` for version `version` of key `keyID` (nonce, ciphertext and tag).
    public func wrap(_ material: SymmetricKey, keyID: String, version: Int) throws -> Data {
        let sealed = try material.withUnsafeBytes { bytes in
            try AES.GCM.seal(Data(bytes), using: key, authenticating: Self.binding(keyID, version))
        }
        guard let combined = sealed.combined else { throw UnwrapFailure() }
        return combined
    }

    /// The material sealed by ``wrap(_:keyID:version:)`` for exactly that key and version.
    /// - Throws: ``UnwrapFailure`` when it was sealed by another master key or for another key.
    public func unwrap(_ wrapped: Data, keyID: String, version: Int) throws -> SymmetricKey {
        do {
            let box = try AES.GCM.SealedBox(combined: wrapped)
            return SymmetricKey(data: try AES.GCM.open(box, using: key, authenticating: Self.binding(keyID, version)))
        } catch {
            throw UnwrapFailure()
        }
    }

    /// The key of the deployment-package store (`CodeStore`), derived from this one (HKDF-SHA256).
    public var codeStoreKey: SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Data("bulwark-code-store/v1".utf8), outputByteCount: 32)
    }

    private static func binding(_ keyID: String, _ version: Int) -> Data {
        Data("bulwark-kms-key-material/v1/\(keyID)/\(version)".utf8)
    }

    /// Material that this master key did not wrap for that key: the data directory is used with
    /// another master key than the one it was created with.
    public struct UnwrapFailure: Error {}

    /// A master key file that cannot be used.
    public struct InvalidKeyFile: Error, CustomStringConvertible {
        public let path: String
        public let problem: String

        public var description: String { "the master key file \(path) \(problem)" }
    }
}
