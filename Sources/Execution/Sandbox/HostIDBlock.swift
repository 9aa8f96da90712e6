import Foundation
import Glibc
import Synchronization

/// The host ids a server running as root gives its sandboxes: a block of users and groups that no
/// other Bulwark server on the host uses while this one runs.
///
/// Blocks lie from ``first`` upwards, ``size`` ids each, all below 2³¹ and above the ids of system
/// and user accounts. A block's first id is the group of everything staged (``sandboxGroup``), the
/// ids up to half the block are the groups of deployment packages, the upper half the sandboxes'
/// users. A server claims the first block whose lock file in ``registry`` (root's own directory) no
/// process holds, and holds that `flock` until it exits — so two servers, also from different data
/// directories or PID namespaces, never share a sandbox user or a package group, and a killed
/// server's block is free again at once.
final class HostIDBlock: Sendable {
    /// Above the fixed ids of Bulwark before blocks (groups from 1 899 000 000, users up to
    /// 1 900 999 999), so that a server of an earlier version shares none with a block.
    static let first: UInt32 = 1_901_000_000
    static let size: UInt32 = 1 << 20
    /// Blocks a host can hand out: one per server running at the same time.
    static let count: UInt32 = 200
    /// Where blocks are claimed.
    static let registry = URL(fileURLWithPath: "/run/bulwark/host-ids")

    let index: UInt32
    private let lock: Int32

    private init(index: UInt32, lock: Int32) {
        self.index = index
        self.lock = lock
    }

    deinit { close(lock) }

    /// The group of what every sandbox of this server reads (`bulwark-init`, runtime clients, `/etc`).
    var sandboxGroup: gid_t { Self.first + index * Self.size }
    /// The groups of deployment packages, one per package.
    var packageGroups: ClosedRange<gid_t> { sandboxGroup + 1...sandboxGroup + Self.size / 2 - 1 }
    /// The sandboxes' users, one per environment.
    var users: ClosedRange<uid_t> { sandboxGroup + Self.size / 2...sandboxGroup + Self.size - 1 }

    /// Claims the first free block. The registry and its parent are created 0700 when missing, and
    /// refused when they are not directories of this user that no one else may write.
    static func claim(in registry: URL = registry) throws(SandboxError) -> HostIDBlock {
        // `/run` itself, on the rare host without it (a minimal container), as the system would make it.
        _ = mkdir(registry.deletingLastPathComponent().deletingLastPathComponent().path, 0o755)
        try ensurePrivateDirectory(registry.deletingLastPathComponent().path)
        try ensurePrivateDirectory(registry.path)
        for index in 0..<count {
            let path = registry.appendingPathComponent("block-\(index).lock").path
            let descriptor = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else {
                throw .unavailable("cannot open \(path) to claim sandbox host ids: \(String(cString: strerror(errno)))")
            }
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 {
                let owner = Array("\(getpid())\n".utf8)
                _ = ftruncate(descriptor, 0)
                _ = owner.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
                return HostIDBlock(index: index, lock: descriptor)
            }
            let failure = errno
            close(descriptor)
            guard failure == EWOULDBLOCK else {
                throw .unavailable("cannot lock \(path) to claim sandbox host ids: \(String(cString: strerror(failure)))")
            }
        }
        throw .unavailable("all \(count) blocks of sandbox host ids in \(registry.path) are held by running servers")
    }

    private static func ensurePrivateDirectory(_ path: String) throws(SandboxError) {
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw .unavailable("cannot create \(path): \(String(cString: strerror(errno)))")
        }
        guard let status = FileStatus(path: path), status.kind == .directory, status.ownerID == geteuid(),
            status.permissions & 0o022 == 0
        else {
            throw .unavailable("\(path) must be a directory of uid \(geteuid()) that no other user may write")
        }
    }
}

/// Hands out the sandbox users of a block: a user per environment, never one an environment still
/// holds, and the least recently used first (the next one after the last given, around the block).
final class HostUIDAllocator: Sendable {
    private let users: ClosedRange<uid_t>
    private let state = Mutex<State>(State())

    private struct State {
        var last: uid_t?
        var held: Set<uid_t> = []
    }

    init(users: ClosedRange<uid_t>) {
        self.users = users
    }

    /// A user no running environment holds, until the lease is released.
    func lease() -> HostUIDLease? {
        let uid: uid_t? = state.withLock { state in
            guard state.held.count < users.count else { return nil }
            var candidate = state.last ?? users.upperBound
            repeat {
                candidate = candidate == users.upperBound ? users.lowerBound : candidate + 1
            } while state.held.contains(candidate)
            state.last = candidate
            state.held.insert(candidate)
            return candidate
        }
        return uid.map { HostUIDLease(uid: $0, allocator: self) }
    }

    fileprivate func release(_ uid: uid_t) {
        _ = state.withLock { $0.held.remove(uid) }
    }
}

/// A sandbox user held by one environment; released when the environment is gone.
final class HostUIDLease: Sendable {
    let uid: uid_t
    private let allocator: HostUIDAllocator

    fileprivate init(uid: uid_t, allocator: HostUIDAllocator) {
        self.uid = uid
        self.allocator = allocator
    }

    deinit { allocator.release(uid) }
}
