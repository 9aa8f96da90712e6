import Crypto
import Foundation
import Store

/// `<data-dir>/keys/authorization-messages.key`: the 256-bit key that seals denials' accounts for
/// `sts:DecodeAuthorizationMessage`, created on first use, mode 0600 in a 0700 directory. Kept
/// across restarts, so that a message from the trail still decodes after one.
enum AuthorizationMessageKey {
    static func url(in dataDirectory: URL) -> URL {
        dataDirectory.appendingPathComponent("keys").appendingPathComponent("authorization-messages.key")
    }

    /// The key, created (and flushed to disk) when the data directory has none yet.
    /// - Throws: when the file exists but is not a 256-bit key, or cannot be read or written.
    static func load(in dataDirectory: URL) throws -> SymmetricKey {
        let file = url(in: dataDirectory)
        let directory = file.deletingLastPathComponent()
        if let data = FileManager.default.contents(atPath: file.path) {
            guard data.count == 32 else { throw InvalidKeyFile(path: file.path, size: data.count) }
            return SymmetricKey(data: data)
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let key = SymmetricKey(size: .bits256)
        let temporary = directory.appendingPathComponent(".authorization-messages-\(UUID().uuidString)")
        try DurableFile.write(key.withUnsafeBytes { Data($0) }, to: temporary, mode: 0o600)
        try DurableFile.rename(temporary, to: file, directory: directory)
        return key
    }

    /// A key file of the wrong size: refused rather than replaced, which would make every message in
    /// the trail undecodable.
    struct InvalidKeyFile: Error, CustomStringConvertible {
        let path: String
        let size: Int

        var description: String { "\(path) holds \(size) bytes, not a 256-bit key" }
    }
}
