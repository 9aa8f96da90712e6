import Crypto
import Foundation
import IAM
import Store
import Testing

@testable import Lambda

@Suite("Lambda's store")
struct StoreTests {
    let directory: URL
    let database: BulwarkDatabase

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-store-\(UUID().uuidString)")
        database = try BulwarkDatabase(directory: directory, schemas: [.iam, .lambda])
    }

    private let key = FunctionKey(accountID: "123456789012", region: "us-east-1", name: "hello")

    private func bootstrap() async throws {
        let now = Date()
        try await database.accounts.bootstrap(
            AccountRecord(id: "123456789012", createdAt: now),
            rootKey: AccessKeyRecord(
                accessKeyID: "AKIAEXAMPLE0000001", secretAccessKey: "s", accountID: "123456789012", userName: nil, status: .active, createdAt: now)
        )
    }

    private func version(_ name: String = "hello", revision: String = "r1") -> FunctionVersionRecord {
        FunctionVersionRecord(
            key: FunctionKey(accountID: "123456789012", region: "us-east-1", name: name), version: "$LATEST",
            configuration: Data("{}".utf8), codeSHA256: String(repeating: "a", count: 64), codeSize: 10, revisionID: revision
        )
    }

    @Test func bootstrapHappensOnce() async throws {
        try await bootstrap()
        #expect(try await database.accounts.account()?.id == "123456789012")
        #expect(try await database.accounts.accessKey("AKIAEXAMPLE0000001")?.secretAccessKey == "s")
        await #expect(throws: StoreError.conflict) { try await bootstrap() }
    }

    @Test func survivesReopening() async throws {
        try await bootstrap()
        try await database.functions.create(version(), createdAt: Date(), tags: ["team": "a"], tagResource: "arn:f")
        let reopened = try BulwarkDatabase(directory: directory, schemas: [.iam, .lambda])
        #expect(try await reopened.functions.version(key, "$LATEST")?.revisionID == "r1")
        #expect(try await reopened.tags.tags(of: "arn:f") == ["team": "a"])
    }

    @Test func createRefusesDuplicates() async throws {
        try await bootstrap()
        try await database.functions.create(version(), createdAt: Date(), tags: [:], tagResource: "arn:f")
        await #expect(throws: StoreError.conflict) {
            try await database.functions.create(version(), createdAt: Date(), tags: [:], tagResource: "arn:f")
        }
    }

    @Test("A function whose code signing configuration is gone is not created")
    func createNeedsItsCodeSigningConfiguration() async throws {
        try await bootstrap()
        await #expect(throws: StoreError.notFound) {
            try await database.functions.create(version(), createdAt: Date(), tags: [:], tagResource: "arn:f", codeSigningConfigID: "csc-gone")
        }
        #expect(try await database.functions.version(key, "$LATEST") == nil)
        try await database.functions.create(version(), createdAt: Date(), tags: [:], tagResource: "arn:f")
    }

    @Test func updatesCheckTheRevision() async throws {
        try await bootstrap()
        try await database.functions.create(version(), createdAt: Date(), tags: [:], tagResource: "arn:f")
        await #expect(throws: FunctionStoreError.revisionMismatch(current: "r1")) {
            _ = try await database.functions.update(key, expectedRevision: "old") { $0.revisionID = "r2" }
        }
        let updated = try await database.functions.update(key, expectedRevision: "r1") { $0.revisionID = "r2" }
        #expect(updated.revisionID == "r2")
        #expect(try await database.functions.version(key, "$LATEST")?.revisionID == "r2")
        await #expect(throws: StoreError.notFound) {
            _ = try await database.functions.update(FunctionKey(accountID: "123456789012", region: "us-east-1", name: "nope"), expectedRevision: nil)
            { _ in }
        }
    }

    @Test func aFailedChangeLeavesNoTrace() async throws {
        struct Refused: Error {}
        try await bootstrap()
        try await database.functions.create(version(), createdAt: Date(), tags: [:], tagResource: "arn:f")
        await #expect(throws: Refused.self) {
            _ = try await database.functions.update(key, expectedRevision: nil) { record in
                record.revisionID = "changed"
                throw Refused()
            }
        }
        #expect(try await database.functions.version(key, "$LATEST")?.revisionID == "r1")
    }

    @Test func listsInPages() async throws {
        try await bootstrap()
        for name in ["c", "a", "b", "d"] {
            try await database.functions.create(version(name), createdAt: Date(), tags: [:], tagResource: "arn:\(name)")
        }
        let first = try await database.functions.list(accountID: "123456789012", region: "us-east-1", latestOnly: true, after: nil, limit: 3)
        #expect(first.map(\.key.name) == ["a", "b", "c"])
        let second = try await database.functions.list(
            accountID: "123456789012", region: "us-east-1", latestOnly: true, after: ("c", "$LATEST"), limit: 3)
        #expect(second.map(\.key.name) == ["d"])
        #expect(try await database.functions.list(accountID: "123456789012", region: "eu-west-1", latestOnly: true, after: nil, limit: 3).isEmpty)
        #expect(try await database.functions.usage(accountID: "123456789012", region: "us-east-1") == (4, 40))
    }

    @Test func deleteRemovesVersionsAndTags() async throws {
        try await bootstrap()
        try await database.functions.create(version(), createdAt: Date(), tags: ["a": "b"], tagResource: "arn:f")
        _ = try await database.functions.delete(key, tagResource: "arn:f")
        #expect(try await database.functions.version(key, "$LATEST") == nil)
        #expect(try await database.tags.tags(of: "arn:f").isEmpty)
        #expect(try await !database.functions.isCodeReferenced(String(repeating: "a", count: 64)))
        await #expect(throws: StoreError.notFound) { _ = try await database.functions.delete(key, tagResource: "arn:f") }
    }

    @Test func layerArchivesStayWhileAVersionOrAFunctionUsesThem() async throws {
        try await bootstrap()
        let archive = String(repeating: "b", count: 64)
        let layer = LayerKey(accountID: "123456789012", region: "us-east-1", name: "deps")
        let record: @Sendable (Int64) -> LayerVersionRecord = { number in
            LayerVersionRecord(
                key: layer, version: number, description: "", licenseInfo: nil, compatibleRuntimes: ["python3.12"],
                compatibleArchitectures: [], codeSHA256: archive, codeSize: 7, unzippedSize: 9, createdAt: Date())
        }
        #expect(try await database.layers.publish(layer, record).version == 1)
        #expect(try await database.functions.isCodeReferenced(archive))
        #expect(try await database.functions.usage(accountID: "123456789012", region: "us-east-1") == (0, 7))
        // A function whose configuration uses the version keeps its archive after the version is deleted.
        var using = version()
        using.configuration = Data(#"{"layers":[{"codeSHA256":"\#(archive)"}]}"#.utf8)
        try await database.functions.create(using, createdAt: Date(), tags: [:], tagResource: "arn:f")
        try await database.layers.delete(layer, 1)
        #expect(try await database.layers.versions(accountID: "123456789012", region: "us-east-1").isEmpty)
        #expect(try await database.functions.isCodeReferenced(archive))
        _ = try await database.functions.delete(key, tagResource: "arn:f")
        #expect(try await !database.functions.isCodeReferenced(archive))
        // The number of a deleted version is never given again.
        #expect(try await database.layers.publish(layer, record).version == 2)
    }

    @Test("ListLayers reads one row a layer: its newest version matching the filters, by name, paged in the store")
    func latestLayerVersions() async throws {
        try await bootstrap()
        let archive = String(repeating: "c", count: 64)
        // (layer, runtimes, architectures) of each version in the order published.
        let published: [(String, [String], [String])] =
            [
                ("alpha", ["python3.12"], ["x86_64"]), ("alpha", ["python3.11", "python3.12"], ["arm64"]), ("alpha", ["nodejs20.x"], []),
                ("beta", ["python3.12"], ["arm64", "x86_64"]), ("beta", ["python3.1"], ["x86_64"]),
                ("gone", ["python3.12"], []), ("omega", [], []),
            ] + (0..<60).map { ("many", [$0 % 2 == 0 ? "python3.12" : "java21"], ["arm64"]) }
        for (name, runtimes, architectures) in published {
            let layer = LayerKey(accountID: "123456789012", region: "us-east-1", name: name)
            _ = try await database.layers.publish(layer) { number in
                LayerVersionRecord(
                    key: layer, version: number, description: "", licenseInfo: nil, compatibleRuntimes: runtimes,
                    compatibleArchitectures: architectures, codeSHA256: archive, codeSize: 7, unzippedSize: 9, createdAt: Date())
            }
        }
        try await database.layers.delete(LayerKey(accountID: "123456789012", region: "us-east-1", name: "gone"), 1)
        let other = LayerKey(accountID: "210987654321", region: "us-east-1", name: "alpha")
        _ = try await database.layers.publish(other) { number in
            LayerVersionRecord(
                key: other, version: number, description: "", licenseInfo: nil, compatibleRuntimes: ["python3.12"],
                compatibleArchitectures: [], codeSHA256: archive, codeSize: 7, unzippedSize: 9, createdAt: Date())
        }
        func latest(_ runtime: String?, _ architecture: String?, after marker: String? = nil, limit: Int = 50) async throws -> [String] {
            try await database.layers.latestVersions(
                accountID: "123456789012", region: "us-east-1", runtime: runtime, architecture: architecture, after: marker, limit: limit
            ).map { "\($0.key.name):\($0.version)" }
        }
        #expect(try await latest(nil, nil) == ["alpha:3", "beta:2", "many:60", "omega:1"])
        #expect(try await latest("python3.12", nil) == ["alpha:2", "beta:1", "many:59"])
        #expect(try await latest("python3.12", "x86_64") == ["alpha:1", "beta:1"])
        // Whole identifiers: python3.1 is not python3.12, x86 not x86_64.
        #expect(try await latest("python3.1", nil) == ["beta:2"])
        #expect(try await latest(nil, "x86") == [])
        #expect(try await latest(nil, "arm64") == ["alpha:2", "beta:1", "many:60"])
        #expect(try await latest(nil, nil, limit: 2) == ["alpha:3", "beta:2"])
        #expect(try await latest(nil, nil, after: "beta", limit: 2) == ["many:60", "omega:1"])
        #expect(try await latest("java21", "arm64", after: "alpha") == ["many:60"])
        #expect(try await latest(nil, nil, after: "omega") == [])
        // The same as filtering every version, newest of each layer first.
        let every = try await database.layers.versions(accountID: "123456789012", region: "us-east-1")
        for runtime in [nil, "python3.12", "python3.11", "java21", "nodejs20.x"] as [String?] {
            for architecture in [nil, "x86_64", "arm64"] as [String?] {
                var expected: [String] = []
                for record in every
                where (runtime.map(record.compatibleRuntimes.contains) ?? true)
                    && (architecture.map(record.compatibleArchitectures.contains) ?? true)
                    && expected.last?.hasPrefix("\(record.key.name):") != true
                {
                    expected.append("\(record.key.name):\(record.version)")
                }
                #expect(try await latest(runtime, architecture) == expected)
            }
        }
    }

    @Test func tagsMergeAndRemove() async throws {
        try await database.tags.merge(["a": "1", "b": "2"], into: "arn:x") { _ in }
        try await database.tags.merge(["b": "3"], into: "arn:x") { _ in }
        #expect(try await database.tags.tags(of: "arn:x") == ["a": "1", "b": "3"])
        struct TooMany: Error {}
        await #expect(throws: TooMany.self) {
            try await database.tags.merge(["c": "4"], into: "arn:x") { merged in if merged.count > 2 { throw TooMany() } }
        }
        try await database.tags.remove(["a", "zzz"], from: "arn:x")
        #expect(try await database.tags.tags(of: "arn:x") == ["b": "3"])
    }

    @Test func serviceSecretsAreStable() async throws {
        let first = try await database.accounts.serviceSecret("k") { Data([1, 2, 3]) }
        let second = try await database.accounts.serviceSecret("k") { Data([9]) }
        #expect(first == second)
    }
}

@Suite("The code store")
struct CodeStoreTests {
    @Test func contentAddressed() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-code-\(UUID().uuidString)")
        let store = try CodeStore(directory: directory, key: SymmetricKey(size: .bits256))
        let blob = try store.put(Data("hello".utf8))
        #expect(blob.sha256Hex == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
        #expect(blob.sha256Base64 == "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=")
        #expect(try store.put(Data("hello".utf8)) == blob)
        #expect(try store.read(blob.sha256Hex) == Data("hello".utf8))
        #expect(store.packages().map(\.sha256Hex) == [blob.sha256Hex])
        let mode = try FileManager.default.attributesOfItem(atPath: store.url(for: blob.sha256Hex).path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        store.remove(blob.sha256Hex)
        #expect(throws: StoreError.notFound) { try store.read(blob.sha256Hex) }
        #expect(throws: StoreError.notFound) { try store.read("../../etc/passwd") }
    }
}
