import Foundation
import Testing

@testable import Execution

/// The owner record of a staging directory, and when a later server may reclaim the directory.
@Suite("Staging owner")
struct StagingOwnerTests {
    /// Above any pid_max Linux allows (2^22): no process has it.
    static let endedProcess: pid_t = 4_194_305

    func directory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("staging-owner-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        return directory
    }

    @Test(arguments: [Optional("/var/lib/bulwark"), "/tmp/with\nnewline", nil])
    func recordedAndReadBack(_ dataDirectory: String?) throws {
        let staging = try directory()
        defer { try? FileManager.default.removeItem(at: staging) }
        let owner = StagingOwner(processID: 42, dataDirectory: dataDirectory)
        try owner.record(in: staging)

        #expect(StagingOwner(recordedIn: staging) == owner)
        let mode = try FileManager.default.attributesOfItem(atPath: staging.appendingPathComponent("owner").path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test(arguments: ["", "42", "42\n", "x\n/data\n", "-3\n/data\n", "42\nrelative\n", "42\n/data", "0\n/data\n"])
    func malformedRecordsAreNone(_ text: String) throws {
        let staging = try directory()
        defer { try? FileManager.default.removeItem(at: staging) }
        try Data(text.utf8).write(to: staging.appendingPathComponent("owner"))

        #expect(StagingOwner(recordedIn: staging) == nil)
    }

    @Test func aDirectoryLongerThanAUnixSocketPathIsAccepted() throws {
        // No Unix socket lives under the staging directory any more (sandboxes hand their listening sockets over),
        // so the 107 bytes of a socket path bound it no longer.
        let parent = URL(fileURLWithPath: "/tmp/staging-length-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(at: parent) }
        let long = parent.appendingPathComponent(String(repeating: "s", count: 200))
        _ = try ExecutionHost.claimStagingDirectory(long, dataDirectory: nil)
        #expect(FileStatus(path: long.path)?.kind == .directory)
    }

    @Test func aLinkIsNoRecord() throws {
        let staging = try directory()
        defer { try? FileManager.default.removeItem(at: staging) }
        let elsewhere = staging.appendingPathComponent("elsewhere")
        try Data("42\n/data\n".utf8).write(to: elsewhere)
        try FileManager.default.createSymbolicLink(atPath: staging.appendingPathComponent("owner").path, withDestinationPath: elsewhere.path)

        #expect(StagingOwner(recordedIn: staging) == nil)
    }

    @Test func abandonedOnlyWhenTheProcessEndedAndTheDataDirectoryIsGone() throws {
        let existing = try directory()
        defer { try? FileManager.default.removeItem(at: existing) }
        let gone = existing.appendingPathComponent("gone").path

        #expect(StagingOwner(processID: Self.endedProcess, dataDirectory: gone).isAbandoned)
        #expect(StagingOwner(processID: Self.endedProcess, dataDirectory: nil).isAbandoned)
        #expect(!StagingOwner(processID: Self.endedProcess, dataDirectory: existing.path).isAbandoned)
        #expect(!StagingOwner(processID: getpid(), dataDirectory: gone).isAbandoned)
        #expect(!StagingOwner(processID: getpid(), dataDirectory: nil).isAbandoned)
    }
}
