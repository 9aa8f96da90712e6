import BulwarkCore
import Foundation
import Testing

@testable import Lambda

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("Deployment package: extraction")
struct DeploymentPackageExtractionTests {
    /// Runs `body` with a fresh, empty directory that is removed afterwards.
    func withScratch(_ body: (URL) throws -> Void) throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-zip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(at: scratch) }
        try body(scratch)
    }

    /// Every path under `root` with its type and permission bits, walked without following links.
    func tree(_ root: URL) throws -> [String: String] {
        var result: [String: String] = [:]
        func walk(_ relative: String) throws {
            let directory = relative.isEmpty ? root : root.appendingPathComponent(relative)
            for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
                let path = relative.isEmpty ? name : relative + "/" + name
                let attributes = try FileManager.default.attributesOfItem(atPath: root.appendingPathComponent(path).path)
                let permissions = String((attributes[.posixPermissions] as? Int ?? 0) & 0o7777, radix: 8)
                switch attributes[.type] as? FileAttributeType {
                case .typeDirectory?:
                    result[path] = "directory \(permissions)"
                    try walk(path)
                case .typeRegular?:
                    result[path] = "file \(permissions)"
                case .typeSymbolicLink?:
                    result[path] =
                        "link "
                        + (try FileManager.default.destinationOfSymbolicLink(
                            atPath: root.appendingPathComponent(path).path))
                default:
                    result[path] = "other"
                }
            }
        }
        try walk("")
        return result
    }

    @Test func writesTheTreeWithItsModesAndLinks() throws {
        let package = try DeploymentPackage.inspect(DeploymentPackageTests.package.data)
        try withScratch { scratch in
            let task = scratch.appendingPathComponent("task")
            try package.extract(to: task)

            #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path) == ["task"])
            #expect(
                try tree(task) == [
                    "bootstrap": "file 755",
                    "lib": "directory 755",
                    "lib/handler.py": "file 644",
                    "lib/data": "directory 750",
                    "lib/data/config.json": "file 644",
                    "lib/current": "link data",
                    "config.json": "link lib/current/config.json",
                ]
            )
            let attributes = try FileManager.default.attributesOfItem(atPath: task.path)
            #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o7777 } == 0o755)
            let handler = try String(contentsOf: task.appendingPathComponent("lib/handler.py"), encoding: .utf8)
            #expect(handler == DeploymentPackageTests.handler)
            // The links resolve inside the package.
            let config = try String(contentsOf: task.appendingPathComponent("config.json"), encoding: .utf8)
            #expect(config == "{\"answer\": 42}\n")
        }
    }

    @Test func keepsTheExecuteBitOfAnInfoZipBootstrapSoThatItRuns() throws {
        let package = try DeploymentPackage.inspect(InfoZipFixtures.plain)
        try withScratch { scratch in
            let task = scratch.appendingPathComponent("task")
            try package.extract(to: task)
            let process = Process()
            process.executableURL = task.appendingPathComponent("bootstrap")
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            #expect(String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) == "hello\n")
        }
    }

    @Test func createsDirectoriesThatAreOnlyImplied() throws {
        let package = try DeploymentPackage.inspect(InfoZipFixtures.streamed)
        try withScratch { scratch in
            let task = scratch.appendingPathComponent("task")
            try package.extract(to: task)
            #expect(
                try tree(task) == [
                    "bootstrap": "file 755",
                    "lib": "directory 755",
                    "lib/handler.py": "file 644",
                    "lib/data": "directory 755",
                    "lib/data/config.json": "file 644",
                ]
            )
        }
    }

    @Test func neverWritesSpecialOrWritableBits() throws {
        var setuid = TestZip.Entry.file("setuid", "x")
        setuid.mode = 0o104777
        var sticky = TestZip.Entry.directory("sticky", mode: 0o1777)
        sticky.name = Array("sticky/".utf8)
        let package = try DeploymentPackage.inspect(TestZip([setuid, sticky, .file("open", "x", mode: 0o666)]).data)
        try withScratch { scratch in
            let task = scratch.appendingPathComponent("task")
            try package.extract(to: task)
            #expect(try tree(task) == ["setuid": "file 755", "sticky": "directory 755", "open": "file 644"])
        }
    }

    @Test func refusesADestinationThatExistsAndLeavesItAlone() throws {
        let package = try DeploymentPackage.inspect(DeploymentPackageTests.package.data)
        try withScratch { scratch in
            let task = scratch.appendingPathComponent("task")
            try FileManager.default.createDirectory(at: task, withIntermediateDirectories: false)
            try Data("keep".utf8).write(to: task.appendingPathComponent("bootstrap"))
            let error = try #require(throws: AWSError.self) { try package.extract(to: task) }
            #expect(error.code == "ServiceException")
            #expect(error.status == 500)
            #expect(try tree(task) == ["bootstrap": "file 644"])
            #expect(try Data(contentsOf: task.appendingPathComponent("bootstrap")) == Data("keep".utf8))
        }
    }

    /// A name the file system refuses (longer than `NAME_MAX`) fails extraction part way, after
    /// other entries were written; nothing may remain.
    @Test(arguments: [
        TestZip.Entry.file(String(repeating: "n", count: 256), "x"),
        TestZip.Entry.symlink(String(repeating: "n", count: 256), to: "bootstrap"),
        TestZip.Entry.directory(String(repeating: "n", count: 256)),
    ])
    func removesEverythingWhenExtractionFails(failing: TestZip.Entry) throws {
        var entries = DeploymentPackageTests.package.entries
        entries.insert(failing, at: 3)
        entries.append(.file("z/last", "x"))
        var limits = DeploymentPackage.Limits.aws
        limits.pathComponentLength = 300
        let package = try DeploymentPackage.inspect(TestZip(entries).data, limits: limits)
        try withScratch { scratch in
            let task = scratch.appendingPathComponent("task")
            let error = try #require(throws: AWSError.self) { try package.extract(to: task) }
            #expect(error.code == "ServiceException")
            #expect(error.message.contains("File name too long"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty)
        }
    }
}
