import Crypto
import Foundation
import Testing

@testable import KMS

@Suite("The master key")
struct MasterKeyTests {
    private func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kms-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func wrapsForOneKeyAndVersionOnly() throws {
        let master = MasterKey(SymmetricKey(size: .bits256))
        let material = SymmetricKey(size: .bits256)
        let wrapped = try master.wrap(material, keyID: "k1", version: 1)
        #expect(try master.unwrap(wrapped, keyID: "k1", version: 1) == material)
        #expect(throws: MasterKey.UnwrapFailure.self) { try master.unwrap(wrapped, keyID: "k2", version: 1) }
        #expect(throws: MasterKey.UnwrapFailure.self) { try master.unwrap(wrapped, keyID: "k1", version: 2) }
        #expect(throws: MasterKey.UnwrapFailure.self) {
            try MasterKey(SymmetricKey(size: .bits256)).unwrap(wrapped, keyID: "k1", version: 1)
        }
        #expect(wrapped.range(of: material.withUnsafeBytes { Data($0) }) == nil)
    }

    @Test func isCreatedOnceWithMode0600() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try MasterKey.load(dataDirectory: directory, environment: [:])
        let file = MasterKey.defaultURL(in: directory)
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        let second = try MasterKey.load(dataDirectory: directory, environment: [:])
        let wrapped = try first.wrap(SymmetricKey(size: .bits256), keyID: "k", version: 1)
        #expect(throws: Never.self) { try second.unwrap(wrapped, keyID: "k", version: 1) }
    }

    @Test func theOperatorsKeyFileIsUsedAndNothingIsWrittenToTheDataDirectory() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("operator.key")
        let hex = String(repeating: "ab", count: 32) + "\n"
        _ = FileManager.default.createFile(atPath: file.path, contents: Data(hex.utf8), attributes: [.posixPermissions: 0o600])
        let dataDirectory = directory.appendingPathComponent("data")
        let key = try MasterKey.load(dataDirectory: dataDirectory, environment: [MasterKey.environmentVariable: file.path])
        let expected = MasterKey(SymmetricKey(data: Data(repeating: 0xAB, count: 32)))
        let wrapped = try key.wrap(SymmetricKey(size: .bits256), keyID: "k", version: 1)
        #expect(throws: Never.self) { try expected.unwrap(wrapped, keyID: "k", version: 1) }
        #expect(!FileManager.default.fileExists(atPath: MasterKey.defaultURL(in: dataDirectory).path))
    }

    @Test func refusesUnusableKeyFiles() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let short = directory.appendingPathComponent("short.key")
        _ = FileManager.default.createFile(atPath: short.path, contents: Data(repeating: 1, count: 16), attributes: [.posixPermissions: 0o600])
        let open = directory.appendingPathComponent("open.key")
        _ = FileManager.default.createFile(atPath: open.path, contents: Data(repeating: 1, count: 32), attributes: [.posixPermissions: 0o644])
        for file in [short, open, directory.appendingPathComponent("absent.key")] {
            #expect(throws: MasterKey.InvalidKeyFile.self) {
                try MasterKey.load(dataDirectory: directory, environment: [MasterKey.environmentVariable: file.path])
            }
        }
    }
}
