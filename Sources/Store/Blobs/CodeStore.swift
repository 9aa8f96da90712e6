import Crypto
import Foundation

/// Deployment packages, content-addressed by SHA-256 under `<data-dir>/code/`.
///
/// A package is written to a temporary file, flushed to disk and renamed into place, so a reader
/// never sees a partial file and an acknowledged upload survives a crash.
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

    public init(directory: URL) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
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
        let temporary = directory.appendingPathComponent(".upload-\(UUID().uuidString)")
        do {
            try DurableFile.write(bytes, to: temporary)
            try DurableFile.rename(temporary, to: target, directory: directory)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw StoreError.unavailable("cannot store code \(blob.sha256Hex): \(error)")
        }
        return blob
    }

    /// The bytes of the package `sha256Hex`.
    public func read(_ sha256Hex: String) throws -> Data {
        guard Self.isHash(sha256Hex) else { throw StoreError.notFound }
        do {
            return try Data(contentsOf: url(for: sha256Hex))
        } catch {
            throw StoreError.notFound
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
            guard name.hasSuffix(".zip") else { return nil }
            let hash = String(name.dropLast(4))
            guard Self.isHash(hash),
                let modified = try? FileManager.default.attributesOfItem(atPath: url(for: hash).path)[.modificationDate] as? Date
            else { return nil }
            return (hash, modified)
        }
    }

    public func url(for sha256Hex: String) -> URL {
        directory.appendingPathComponent("\(sha256Hex).zip")
    }

    static func isHash(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
