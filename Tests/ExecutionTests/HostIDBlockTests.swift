import Foundation
import Testing

@testable import Execution

/// Servers running as root on one host never share a sandbox user or group.
@Suite("Host id blocks")
struct HostIDBlockTests {
    /// A registry of the test's own, removed afterwards.
    static func withRegistry(_ body: (URL) throws -> Void) throws {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("host-ids-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: parent) }
        try body(parent.appendingPathComponent("host-ids"))
    }

    @Test func twoServersHoldDisjointBlocksAndAFreedBlockIsClaimedAgain() throws {
        try Self.withRegistry { registry in
            var first: HostIDBlock? = try HostIDBlock.claim(in: registry)
            let second = try HostIDBlock.claim(in: registry)
            let firstIndex = try #require(first?.index)
            #expect(firstIndex != second.index)
            let ranges = [first!, second].map { $0.sandboxGroup...($0.users.upperBound) }
            #expect(!ranges[0].overlaps(ranges[1]))
            #expect(first!.users.upperBound < 1 << 31 && second.users.upperBound < 1 << 31)
            #expect(!first!.packageGroups.contains(first!.sandboxGroup) && !first!.packageGroups.overlaps(first!.users))

            first = nil  // the server stops: its lock is released
            let third = try HostIDBlock.claim(in: registry)
            #expect(third.index == firstIndex)
            let status = try #require(FileStatus(path: registry.path))
            #expect(status.kind == .directory && status.permissions == 0o700)
        }
    }

    @Test func whenEveryBlockIsHeldTheClaimFails() throws {
        try Self.withRegistry { registry in
            let held = try (0..<HostIDBlock.count).map { _ in try HostIDBlock.claim(in: registry) }
            #expect(Set(held.map(\.index)).count == Int(HostIDBlock.count))
            #expect(throws: SandboxError.self) { try HostIDBlock.claim(in: registry) }
        }
    }

    @Test func aRegistryOthersCouldWriteOrALinkIsRefused() throws {
        try Self.withRegistry { registry in
            let parent = registry.deletingLastPathComponent()
            try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: false)
            chmod(parent.path, 0o700)
            try FileManager.default.createDirectory(at: registry, withIntermediateDirectories: false)
            chmod(registry.path, 0o777)
            #expect(throws: SandboxError.self) { try HostIDBlock.claim(in: registry) }

            try FileManager.default.removeItem(at: registry)
            let elsewhere = parent.appendingPathComponent("elsewhere")
            try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: false)
            try FileManager.default.createSymbolicLink(at: registry, withDestinationURL: elsewhere)
            #expect(throws: SandboxError.self) { try HostIDBlock.claim(in: registry) }
            #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path).isEmpty)
        }
    }

    @Test func aLockFilePlantedAsALinkIsNotFollowed() throws {
        try Self.withRegistry { registry in
            let block = try HostIDBlock.claim(in: registry)
            let target = registry.deletingLastPathComponent().appendingPathComponent("target")
            try Data("keep\n".utf8).write(to: target)
            try FileManager.default.createSymbolicLink(
                at: registry.appendingPathComponent("block-\(block.index + 1).lock"), withDestinationURL: target
            )
            #expect(throws: SandboxError.self) { try HostIDBlock.claim(in: registry) }
            #expect(try String(contentsOf: target, encoding: .utf8) == "keep\n")
        }
    }

    @Test func usersAreNeverSharedBetweenLiveEnvironments() throws {
        let allocator = HostUIDAllocator(users: 10...12)
        var leases = [allocator.lease(), allocator.lease(), allocator.lease()].compactMap { $0 }
        #expect(leases.map(\.uid) == [10, 11, 12])
        #expect(allocator.lease() == nil)

        leases.remove(at: 1)  // the environment running as 11 is gone
        let next = try #require(allocator.lease())
        #expect(next.uid == 11)
        leases.removeAll()
        // The least recently used comes next: after 11, around the block.
        #expect(allocator.lease()?.uid == 12)
    }
}
