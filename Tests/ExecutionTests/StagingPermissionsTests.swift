import Foundation
import Testing

@testable import Execution

/// Modes of staged code: the sandbox gets what the package gives "others" (as on Lambda); other users get nothing.
@Suite("Staging permissions")
struct StagingPermissionsTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var packageMode: mode_t
        /// When the server is root: root owns it, the package's group reads it.
        var sharedThroughGroup: mode_t
        /// Otherwise: the server's user, which is also the sandbox's, owns it.
        var ownedBySandbox: mode_t

        var testDescription: String { String(packageMode, radix: 8) }
    }

    @Test(arguments: [
        Case(packageMode: 0o755, sharedThroughGroup: 0o750, ownedBySandbox: 0o700),
        Case(packageMode: 0o644, sharedThroughGroup: 0o640, ownedBySandbox: 0o600),
        Case(packageMode: 0o744, sharedThroughGroup: 0o640, ownedBySandbox: 0o600),
        Case(packageMode: 0o600, sharedThroughGroup: 0o600, ownedBySandbox: 0o200),
    ])
    func packageFiles(_ row: Case) throws {
        // Changing a file's group to another needs root: without it, only the server user's layout can be tested.
        try check(row, permissions: StagingPermissions(ids: nil))
        if geteuid() == 0 { try check(row, permissions: StagingPermissions(ids: try HostIDBlock.claim())) }
    }

    func check(_ row: Case, permissions: StagingPermissions) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("staging-modes-\(UUID().uuidString)")
        let directory = root.appendingPathComponent("lib")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let file = directory.appendingPathComponent("handler.py")
        try Data("print()\n".utf8).write(to: file)
        chmod(file.path, row.packageMode)
        chmod(directory.path, 0o755)
        chmod(root.path, 0o755)

        try permissions.protectPackage(root, sha256Hex: "modes")
        let shared = permissions.sharesThroughGroups
        #expect(Self.status(file).permissions == (shared ? row.sharedThroughGroup : row.ownedBySandbox))
        #expect(Self.status(directory).permissions == (shared ? 0o750 : 0o700))
        #expect(Self.status(root).permissions == (shared ? 0o750 : 0o700))
        if shared {
            let group = try #require(permissions.sandboxGroups(forPackage: "modes").last)
            #expect(Self.status(file).groupID == group && Self.status(file).ownerID == 0)
            #expect(group != permissions.ids?.sandboxGroup && permissions.ids?.packageGroups.contains(group) == true)
            #expect(permissions.sandboxGroups(forPackage: "other").last != group)
        } else {
            #expect(permissions.sandboxGroups(forPackage: "modes").isEmpty)
        }
    }

    static func status(_ url: URL) -> FileStatus {
        FileStatus(path: url.path)!
    }
}
