import Foundation
import Glibc
import Synchronization

/// Who may read what the server stages for sandboxes: the server and the sandboxes that mount it,
/// never another local user.
///
/// When the server is root, each sandbox runs as a host user of its own, from the server's block of
/// host ids (``HostIDBlock``), so staged files cannot belong to the sandbox's user. They belong to
/// root and to a group that only this server's sandboxes are given, as supplementary groups:
/// ``sandboxGroup`` opens the staging directory, `bulwark-init`, the runtime clients and `/etc`; each
/// deployment package's code has a group of its own, given only to the sandboxes running that code.
/// Directories are 0750 and files 0640 (0750 when executable). When the server is not root,
/// sandboxes run as the server's own uid: everything is 0700 or 0600, shared with no group.
final class StagingPermissions: Sendable {
    /// The server's host ids when staged files are shared with sandboxes through groups (the server is root).
    let ids: HostIDBlock?
    private let packageGroups = Mutex<PackageGroups>(PackageGroups())

    private struct PackageGroups {
        var assigned: [String: gid_t] = [:]
        var last: gid_t?
    }

    init(ids: HostIDBlock?) {
        self.ids = ids
    }

    /// Whether staged files are shared with sandboxes through groups.
    var sharesThroughGroups: Bool { ids != nil }

    /// The supplementary host groups of a sandbox running the package `sha256Hex`: none when the
    /// server is not root (the sandbox is then the owner of what it reads).
    func sandboxGroups(forPackage sha256Hex: String) -> [UInt32] {
        sandboxGroups(forPackages: [sha256Hex])
    }

    /// The supplementary host groups of a sandbox that reads the staged packages `packages` (its code,
    /// its layers and their merged tree): none when the server is not root.
    func sandboxGroups(forPackages packages: [String]) -> [UInt32] {
        guard let ids else { return [] }
        return [ids.sandboxGroup] + packages.map { packageGroup($0, in: ids.packageGroups) }
    }

    /// Opens the directories of a merged layer tree to the sandboxes given its group (`key`), leaving
    /// its files — hard links to the layers' extracted files, which carry each layer's group — and
    /// links as they are.
    func protectMergedLayers(_ root: URL, key: String) throws {
        let group = ids.map { packageGroup(key, in: $0.packageGroups) }
        try protectDirectories(root.path, group: group)
    }

    private func protectDirectories(_ path: String, group: gid_t?) throws {
        guard let status = FileStatus(path: path), status.kind == .directory else { return }
        if let group {
            guard lchown(path, geteuid(), group) == 0 else { throw Self.failure("change the owner of", path) }
        }
        guard chmod(path, group == nil ? 0o700 : 0o750) == 0 else { throw Self.failure("set the mode of", path) }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw SandboxError.unavailable("cannot list \(path) in the sandbox staging directory: \(error)")
        }
        for name in names { try protectDirectories(path + "/" + name, group: group) }
    }

    /// The package's group: one per package for the server's lifetime (the staged code does not
    /// outlive it). After half a million packages, groups are reused.
    private func packageGroup(_ sha256Hex: String, in range: ClosedRange<gid_t>) -> gid_t {
        packageGroups.withLock { groups in
            if let group = groups.assigned[sha256Hex] { return group }
            let group = groups.last.map { $0 == range.upperBound ? range.lowerBound : $0 + 1 } ?? range.lowerBound
            groups.last = group
            groups.assigned[sha256Hex] = group
            return group
        }
    }

    /// Makes `root`, and everything under it when it is a directory, readable by sandboxes and by
    /// no other user: 0750 directories, 0640 files, 0750 files with any execute bit.
    func protectStaged(_ root: URL) throws {
        try protect(root.path, group: ids?.sandboxGroup) { isDirectory, mode in
            isDirectory || mode & 0o111 != 0 ? 0o5 : 0o4
        }
    }

    /// Opens the directories under `root` (itself included) to sandboxes as ``protectStaged(_:)``
    /// does, leaving every other entry as it is: a staged interpreter's files are links to the
    /// installation's own, whose owner and mode are not the staging directory's to change.
    func protectStagedDirectories(_ root: URL) throws {
        guard let status = FileStatus(path: root.path) else { throw Self.failure("inspect", root.path) }
        guard status.kind == .directory else { return }
        if let ids {
            guard lchown(root.path, geteuid(), ids.sandboxGroup) == 0 else { throw Self.failure("change the owner of", root.path) }
        }
        guard chmod(root.path, sharesThroughGroups ? 0o750 : 0o700) == 0 else { throw Self.failure("set the mode of", root.path) }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: root.path)
        } catch {
            throw SandboxError.unavailable("cannot list \(root.path) in the sandbox staging directory: \(error)")
        }
        for name in names { try protectStagedDirectories(root.appendingPathComponent(name)) }
    }

    /// Makes the extracted code of a package readable by the sandboxes running it and by no other
    /// user. What a sandbox may do with a file is what the package's mode gives "others" (as on
    /// Lambda, where the function's user owns none of its code): a file without that read bit stays
    /// unreadable, a `bootstrap` without that execute bit cannot run.
    func protectPackage(_ root: URL, sha256Hex: String) throws {
        try protect(root.path, group: ids.map { packageGroup(sha256Hex, in: $0.packageGroups) }) { _, mode in mode & 0o5 }
    }

    /// Applies owner (the server), group and mode to `path` and, for a directory, to what it holds,
    /// links excepted (their own modes mean nothing, and a link is never followed).
    ///
    /// - Parameter sandboxAccess: the read and execute bits (`0o5`, `0o4`, ...) a sandbox gets on an
    ///   entry, from whether it is a directory and its current mode.
    private func protect(_ path: String, group: gid_t?, sandboxAccess: (_ isDirectory: Bool, _ mode: mode_t) -> mode_t) throws {
        guard let status = FileStatus(path: path) else { throw Self.failure("inspect", path) }
        guard status.kind == .directory || status.kind == .regularFile else { return }
        let isDirectory = status.kind == .directory
        let access = sandboxAccess(isDirectory, mode_t(status.mode & 0o777))
        let mode: mode_t
        if let group {
            guard lchown(path, geteuid(), group) == 0 else { throw Self.failure("change the owner of", path) }
            // The owner keeps what it needs to remove the tree; the group is the sandboxes'.
            mode = (isDirectory ? 0o700 : 0o600 | (access & 0o1) << 6) | access << 3
        } else {
            // The sandbox is the owner: it gets the package's bits, and the server can write.
            mode = isDirectory ? 0o700 : 0o200 | access << 6
        }
        guard chmod(path, mode) == 0 else { throw Self.failure("set the mode of", path) }
        guard isDirectory else { return }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw SandboxError.unavailable("cannot list \(path) in the sandbox staging directory: \(error)")
        }
        for name in names {
            try protect(path + "/" + name, group: group, sandboxAccess: sandboxAccess)
        }
    }

    private static func failure(_ operation: String, _ path: String) -> SandboxError {
        .unavailable("cannot \(operation) \(path) in the sandbox staging directory: \(String(cString: strerror(errno)))")
    }
}
