import Crypto
import Foundation

/// Deployment packages, content-addressed by SHA-256 under `<data-dir>/code/`, encrypted at rest.
///
/// Each package is sealed with AES-256-GCM under the store's key (derived from the master key, see
/// `MasterKey.codeStoreKey`) with a fresh nonce, its hash bound as additional data, so a file cannot
/// be read without the key nor swapped for another package's. A package is written to a temporary
/// file, flushed to disk and renamed into place, so a reader never sees a partial file and an
/// acknowledged upload survives a crash.
public struct CodeStore: Sendable {
    /// A stored package.
    public struct Blob: Sendable, Equatable {
        /// Lower-case hex SHA-256, the file name.
        public let sha256Hex: String
        /// Base64 SHA-256, Lambda's `CodeSha256`.
        public let sha256Base64: String
        public let size: Int64
    }

    public let directory: URL
    private let key: SymmetricKey

    /// Opens the store, sealing the packages an earlier Bulwark kept in plain text (`<hash>.zip`) and
    /// removing the temporary files of writes a crash interrupted.
    public init(directory: URL, key: SymmetricKey) throws {
        self.directory = directory
        self.key = key
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try sealPlainPackages()
    }

    /// Stores `bytes` (idempotent: the same content is stored once).
    public func put(_ bytes: Data) throws -> Blob {
        let digest = SHA256.hash(data: bytes)
        let blob = Blob(
            sha256Hex: digest.map { String(format: "%02x", $0) }.joined(),
            sha256Base64: Data(digest).base64EncodedString(),
            size: Int64(bytes.count)
        )
        let target = url(for: blob.sha256Hex)
        if FileManager.default.fileExists(atPath: target.path) {
            // A fresh modification time keeps the collector's grace period for the new reference.
            try? FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: target.path)
            return blob
        }
        try write(bytes, sha256Hex: blob.sha256Hex)
        return blob
    }

    /// The bytes of the package `sha256Hex`. - Throws: ``StoreError/notFound`` when there is none;
    /// ``StoreError/unavailable(_:)`` when its file does not open under the store's key (another master
    /// key, or a damaged or swapped file).
    public func read(_ sha256Hex: String) throws -> Data {
        guard Self.isHash(sha256Hex) else { throw StoreError.notFound }
        let sealed: Data
        do {
            sealed = try Data(contentsOf: url(for: sha256Hex))
        } catch {
            throw StoreError.notFound
        }
        do {
            return try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: key, authenticating: Self.binding(sha256Hex))
        } catch {
            throw StoreError.unavailable("package \(sha256Hex) does not open under the code store's key")
        }
    }

    /// Removes a package that nothing references any more.
    public func remove(_ sha256Hex: String) {
        guard Self.isHash(sha256Hex) else { return }
        try? FileManager.default.removeItem(at: url(for: sha256Hex))
    }

    /// Every stored package: its hash and when it was last stored.
    public func packages() -> [(sha256Hex: String, modified: Date)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.compactMap { name in
            guard name.hasSuffix(Self.suffix) else { return nil }
            let hash = String(name.dropLast(Self.suffix.count))
            guard Self.isHash(hash),
                let modified = try? FileManager.default.attributesOfItem(atPath: url(for: hash).path)[.modificationDate] as? Date
            else { return nil }
            return (hash, modified)
        }
    }

    public func url(for sha256Hex: String) -> URL {
        directory.appendingPathComponent(sha256Hex + Self.suffix)
    }

    private static let suffix = ".sealed"

    private func write(_ bytes: Data, sha256Hex: String) throws {
        let temporary = directory.appendingPathComponent(".upload-\(UUID().uuidString)")
        do {
            guard let sealed = try AES.GCM.seal(bytes, using: key, authenticating: Self.binding(sha256Hex)).combined else {
                throw StoreError.unavailable("cannot seal code \(sha256Hex)")
            }
            try DurableFile.write(sealed, to: temporary)
            try DurableFile.rename(temporary, to: url(for: sha256Hex), directory: directory)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw StoreError.unavailable("cannot store code \(sha256Hex): \(error)")
        }
    }

    /// Removes what a write interrupted by a crash left (`.upload-*`), then seals each plain
    /// `<hash>.zip` whose content has that hash and removes the plain file (a file whose content does
    /// not match its name is no package of ours and is left alone).
    private func sealPlainPackages() throws {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names where name.hasPrefix(".upload-") {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
        for name in names where name.hasSuffix(".zip") {
            let hash = String(name.dropLast(4))
            let plain = directory.appendingPathComponent(name)
            guard Self.isHash(hash), let bytes = try? Data(contentsOf: plain),
                SHA256.hash(data: bytes).map({ String(format: "%02x", $0) }).joined() == hash
            else { continue }
            if !FileManager.default.fileExists(atPath: url(for: hash).path) { try write(bytes, sha256Hex: hash) }
            try FileManager.default.removeItem(at: plain)
        }
    }

    private static func binding(_ sha256Hex: String) -> Data { Data("bulwark-code/v1/\(sha256Hex)".utf8) }

    static func isHash(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
