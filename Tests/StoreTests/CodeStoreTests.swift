import Crypto
import Foundation
import Testing

@testable import Store

/// Deployment packages at rest: sealed under the store's key, bound to their hash.
@Suite("Code store")
struct CodeStoreTests {
    func directory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("code-store-\(UUID().uuidString)")
    }

    func hex(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

    @Test func storedPackagesReadBackAndAreNotInPlainTextOnDisk() throws {
        let directory = directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try CodeStore(directory: directory, key: SymmetricKey(size: .bits256))
        let package = Data("PK\u{3}\u{4} a recognisable deployment package body".utf8)
        let blob = try store.put(package)
        #expect(blob.sha256Hex == hex(package))
        #expect(try store.put(package) == blob)
        #expect(try store.read(blob.sha256Hex) == package)
        let onDisk = try Data(contentsOf: store.url(for: blob.sha256Hex))
        #expect(onDisk.range(of: Data("recognisable".utf8)) == nil)
        #expect(store.packages().map(\.sha256Hex) == [blob.sha256Hex])
        store.remove(blob.sha256Hex)
        #expect(throws: StoreError.notFound) { try store.read(blob.sha256Hex) }
    }

    @Test func anotherKeyOrASwappedFileDoesNotOpen() throws {
        let directory = directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try CodeStore(directory: directory, key: SymmetricKey(size: .bits256))
        let first = try store.put(Data("first".utf8))
        let second = try store.put(Data("second".utf8))
        let other = try CodeStore(directory: directory, key: SymmetricKey(size: .bits256))
        #expect(throws: StoreError.self) { try other.read(first.sha256Hex) }
        // A file moved under another package's name is refused: each is bound to its own hash.
        try FileManager.default.removeItem(at: store.url(for: second.sha256Hex))
        try FileManager.default.copyItem(at: store.url(for: first.sha256Hex), to: store.url(for: second.sha256Hex))
        #expect(throws: StoreError.self) { try store.read(second.sha256Hex) }
    }

    @Test func plainPackagesOfAnEarlierVersionAreSealedWhenTheStoreOpens() throws {
        let directory = directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let package = Data("an old plain package".utf8)
        let plain = directory.appendingPathComponent("\(hex(package)).zip")
        try package.write(to: plain)
        let stranger = directory.appendingPathComponent("\(hex(Data("other".utf8))).zip")
        try Data("not what its name says".utf8).write(to: stranger)
        let interrupted = directory.appendingPathComponent(".upload-\(UUID().uuidString)")
        try Data("a write a crash cut short".utf8).write(to: interrupted)

        let store = try CodeStore(directory: directory, key: SymmetricKey(size: .bits256))
        #expect(!FileManager.default.fileExists(atPath: plain.path))
        #expect(try store.read(hex(package)) == package)
        #expect(FileManager.default.fileExists(atPath: stranger.path))
        #expect(!FileManager.default.fileExists(atPath: interrupted.path))
        #expect(store.packages().map(\.sha256Hex) == [hex(package)])
    }
}
