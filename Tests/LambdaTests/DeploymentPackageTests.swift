import BulwarkCore
import Foundation
import Testing
import ZIPFoundation

@testable import Lambda

@Suite("Deployment package: inspection of valid packages")
struct DeploymentPackageTests {
    static let handler = String(repeating: "def handler(event, context):\n    return 'hello'\n", count: 50)

    /// Nested directories, an executable `bootstrap`, links inside the package (one through another).
    static let package = TestZip([
        .file("bootstrap", "#!/bin/sh\nexec python3 lib/handler.py\n", mode: 0o755),
        .directory("lib"),
        .file("lib/handler.py", handler),
        .directory("lib/data", mode: 0o750),
        .file("lib/data/config.json", "{\"answer\": 42}\n"),
        .symlink("lib/current", to: "data"),
        .symlink("config.json", to: "lib/current/config.json"),
    ])

    @Test func summarisesAPackage() throws {
        let zip = Self.package.data
        let package = try DeploymentPackage.inspect(zip)

        #expect(package.entryCount == 7)
        #expect(package.codeSize == zip.count)
        let bootstrapSize = "#!/bin/sh\nexec python3 lib/handler.py\n".utf8.count
        #expect(package.unzippedSize == bootstrapSize + Self.handler.utf8.count + 15 + 4 + 23)
        #expect(
            package.entries == [
                .init(path: "bootstrap", kind: .file, size: bootstrapSize, mode: 0o755),
                .init(path: "lib", kind: .directory, size: 0, mode: 0o755),
                .init(path: "lib/handler.py", kind: .file, size: Self.handler.utf8.count, mode: 0o644),
                .init(path: "lib/data", kind: .directory, size: 0, mode: 0o750),
                .init(path: "lib/data/config.json", kind: .file, size: 15, mode: 0o644),
                .init(path: "lib/current", kind: .symbolicLink(target: "data"), size: 4, mode: 0o777),
                .init(
                    path: "config.json", kind: .symbolicLink(target: "lib/current/config.json"), size: 23, mode: 0o777),
            ]
        )
        #expect(package.entries[0].isExecutable)
        #expect(!package.entries[2].isExecutable)
    }

    /// The hashes were computed with `python3 -c 'import hashlib, base64; ...'` over the same bytes.
    @Test(arguments: [
        ("plain", InfoZipFixtures.plain, "80ovqmAIVqkl+L72SqYKMkzEDioxByn6N84zXrT+YuM="),
        ("zip64", InfoZipFixtures.zip64, "rrMthLTSctfhQaILXmIlQFMz8Za8rFQkBMou0Mj+1iU="),
        ("streamed", InfoZipFixtures.streamed, "gEUyI2n/M/Qf7qYO/2MTEvW4tGnNaFuRypVSAYMxFfs="),
    ])
    func readsArchivesWrittenByInfoZip(name: String, zip: Data, codeSha256: String) throws {
        let package = try DeploymentPackage.inspect(zip)
        #expect(package.codeSha256 == codeSha256)
        #expect(package.codeSize == zip.count)
        let byPath = Dictionary(uniqueKeysWithValues: package.entries.map { ($0.path, $0) })
        #expect(byPath["bootstrap"]?.mode == 0o755)
        #expect(byPath["bootstrap"]?.isExecutable == true)
        #expect(byPath["lib/handler.py"]?.size == 2125)
        #expect(byPath["lib/handler.py"]?.mode == 0o644)
        #expect(byPath["lib/data/config.json"]?.size == 15)
        if name == "streamed" {
            #expect(package.entryCount == 3)
        } else {
            #expect(package.entryCount == 6)
            #expect(byPath["lib/current"]?.kind == .symbolicLink(target: "data"))
            #expect(byPath["lib/data"]?.kind == .directory)
        }
    }

    @Test func readsArchivesWrittenByZIPFoundation() throws {
        let archive = try Archive(accessMode: .create)
        let script = Data("#!/bin/sh\necho hi\n".utf8)
        let text = Data(String(repeating: "some text ", count: 500).utf8)
        try archive.addEntry(with: "bin/", type: .directory, uncompressedSize: Int64(0), permissions: 0o755) { _, _ in
            Data()
        }
        try archive.addEntry(
            with: "bin/bootstrap", type: .file, uncompressedSize: Int64(script.count), permissions: 0o755,
            compressionMethod: .deflate
        ) { position, size in script.subdata(in: Int(position)..<Int(position) + size) }
        try archive.addEntry(
            with: "notes.txt", type: .file, uncompressedSize: Int64(text.count), permissions: 0o644,
            compressionMethod: .deflate
        ) { position, size in text.subdata(in: Int(position)..<Int(position) + size) }
        let target = Data("bin/bootstrap".utf8)
        try archive.addEntry(with: "start", type: .symlink, uncompressedSize: Int64(target.count)) { position, size in
            target.subdata(in: Int(position)..<Int(position) + size)
        }
        let zip = try #require(archive.data)

        let package = try DeploymentPackage.inspect(zip)
        #expect(package.entries.map(\.path) == ["bin", "bin/bootstrap", "notes.txt", "start"])
        #expect(package.entries[1].mode == 0o755)
        #expect(package.entries[2].size == text.count)
        #expect(package.entries[3].kind == .symbolicLink(target: "bin/bootstrap"))
    }

    @Test func acceptsAnArchiveComment() throws {
        var zip = Self.package
        zip.comment = Array("built by CI, with a signature PK\u{05}\u{06} in it".utf8)
        #expect(try DeploymentPackage.inspect(zip.data).entries.count == 7)
    }

    @Test func readsZip64Records() throws {
        var zip = Self.package
        zip.zip64 = true
        let package = try DeploymentPackage.inspect(zip.data)
        #expect(package.entries == (try DeploymentPackage.inspect(Self.package.data)).entries)
    }

    @Test(
        arguments: [
            (0o100755, 0o755), (0o104755, 0o755), (0o102755, 0o755), (0o101777, 0o755), (0o100777, 0o755),
            (0o100666, 0o644), (0o100600, 0o600), (0o100700, 0o700), (0o100000, 0o000), (0o000644, 0o644),
        ] as [(UInt32, UInt32)])
    func keepsTheExecuteBitButNeverSpecialOrWritableBits(stored: UInt32, extracted: UInt32) throws {
        var entry = TestZip.Entry.file("bootstrap", "#!/bin/sh\n")
        entry.mode = stored
        let package = try DeploymentPackage.inspect(TestZip([entry]).data)
        #expect(package.entries.first?.mode == extracted)
        #expect(package.entries.first?.kind == .file)
    }

    @Test func givesDirectoriesOwnerAccessSoThatTheyCanBeFilled() throws {
        let package = try DeploymentPackage.inspect(TestZip([.directory("d", mode: 0o555), .file("d/f", "x")]).data)
        #expect(package.entries.first?.mode == 0o755)
    }

    @Test func readsEntriesWrittenOnMSDOSHosts() throws {
        var file = TestZip.Entry.file("handler.js", "exports.handler = async () => 1;\n")
        file.mode = nil
        var directory = TestZip.Entry.directory("lib")
        directory.mode = nil
        var flagged = TestZip.Entry.directory("flagged")
        flagged.name = Array("flagged".utf8)  // no trailing slash: only the DOS flag says "directory"
        flagged.mode = nil
        flagged.dosAttributes = 0x10
        let package = try DeploymentPackage.inspect(TestZip([file, directory, flagged]).data)
        #expect(
            package.entries == [
                .init(path: "handler.js", kind: .file, size: 33, mode: 0o644),
                .init(path: "lib", kind: .directory, size: 0, mode: 0o755),
                .init(path: "flagged", kind: .directory, size: 0, mode: 0o755),
            ]
        )
    }

    @Test func normalisesDotAndEmptyComponentsAndSkipsTheRootEntry() throws {
        let zip = TestZip([.directory("./"), .file("./bootstrap", "x", mode: 0o755), .file("lib//./a.py", "y")])
        let package = try DeploymentPackage.inspect(zip.data)
        #expect(package.entryCount == 3)
        #expect(package.entries.map(\.path) == ["bootstrap", "lib/a.py"])
    }

    @Test func acceptsAnImpliedDirectoryListedLater() throws {
        let package = try DeploymentPackage.inspect(TestZip([.file("a/b", "x"), .directory("a", mode: 0o700)]).data)
        #expect(package.entries.map(\.path) == ["a/b", "a"])
    }

    @Test(arguments: [
        ["l": "."],
        ["l": "d/.."],
        ["d/l": "../d/f"],
        ["d/l": "../missing/../d/f"],
        ["l1": "d/l2", "d/l2": "f"],
        ["l1": "d/l2/f", "d/l2": "."],
        ["dangling": "d/nothing/here"],
    ])
    func acceptsLinksThatStayInside(links: [String: String]) throws {
        var entries: [TestZip.Entry] = [.directory("d"), .file("d/f", "x")]
        for (path, target) in links.sorted(by: { $0.key < $1.key }) { entries.append(.symlink(path, to: target)) }
        let package = try DeploymentPackage.inspect(TestZip(entries).data)
        #expect(package.entries.count == entries.count)
    }

    @Test(arguments: [Data(), TestZip([]).data])
    func refusesAnEmptyPackageAsAWSDoes(zip: Data) throws {
        let error = try #require(throws: AWSError.self) { try DeploymentPackage.inspect(zip) }
        #expect(error.code == "InvalidParameterValueException")
        #expect(error.status == 400)
        #expect(error.message == "Uploaded file must be a non-empty zip")
    }
}
