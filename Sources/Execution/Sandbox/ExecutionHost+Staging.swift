import Foundation
import Glibc
import Logging

/// The life of a staging directory: claimed when a server starts, removed when it stops, and
/// reclaimed by a later server when its server was killed and nothing can use it any more.
extension ExecutionHost {
    /// Creates the staging directory, or accepts an existing one only if it is a real directory owned
    /// by this user (a directory or link planted in /tmp is refused), that no other process holds
    /// (``StagingClaim``) and that is empty or a staging directory already (an operator's
    /// `--sandbox-dir` naming a directory with other content is refused: what Bulwark stages there
    /// is removed when it stops). Records this process and the server's data directory (nil for a
    /// one-off staging) as its owner (``StagingOwner``). It is left open to this user only; the
    /// sandboxes' group is let in once it is laid out.
    /// - Returns: the claim, to keep for as long as the directory is used.
    public static func claimStagingDirectory(_ directory: URL, dataDirectory: URL?) throws -> StagingClaim {
        let created = mkdir(directory.path, 0o700) == 0
        if !created && errno != EEXIST {
            throw SandboxError.unavailable("cannot create the sandbox directory \(directory.path): \(String(cString: strerror(errno)))")
        }
        guard let status = FileStatus(path: directory.path), status.kind == .directory, status.ownerID == geteuid() else {
            throw SandboxError.unavailable("the sandbox directory \(directory.path) is not a directory owned by this user; refusing to use it")
        }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        guard entries.isEmpty || StagingOwner(recordedIn: directory) != nil else {
            throw SandboxError.unavailable(
                "the sandbox directory \(directory.path) is not empty and not a Bulwark sandbox directory; give an empty or new directory")
        }
        guard let claim = try StagingClaim.take(directory) else {
            throw SandboxError.unavailable("the sandbox directory \(directory.path) is in use by another Bulwark process; give another one")
        }
        guard chmod(directory.path, 0o700) == 0 else {
            throw SandboxError.unavailable("cannot restrict the sandbox directory \(directory.path): \(String(cString: strerror(errno)))")
        }
        try StagingOwner(processID: getpid(), dataDirectory: dataDirectory?.standardizedFileURL.path).record(in: directory)
        return claim
    }

    /// Removes what this host staged — once every environment has shut down — and the staging
    /// directory itself when `removingDirectory` (when it is the server's own rather than the operator's).
    /// A preparation still running is ended first (it stops between runtimes) and waited for.
    public func releaseStaging(removingDirectory: Bool, logger: Logger) {
        preparation.stopAndWait()
        let manager = FileManager.default
        let entries = (try? manager.contentsOfDirectory(atPath: staging.path)) ?? []
        for entry in entries where Self.stagedEntries.contains(entry) {
            do {
                try manager.removeItem(at: staging.appendingPathComponent(entry))
            } catch {
                logger.warning("cannot remove a staged directory", metadata: ["path": "\(staging.path)/\(entry)", "error": "\(error)"])
            }
        }
        controlGroups?.removeEmptyGroups(prefix: Self.groupPrefix(staging))
        if removingDirectory && rmdir(staging.path) != 0 && errno != ENOENT {
            logger.warning(
                "cannot remove the sandbox directory", metadata: ["path": "\(staging.path)", "error": "\(String(cString: strerror(errno)))"])
        }
    }

    /// Reclaims the staging directories beside this host's whose names start with `namePrefix` and
    /// whose owner is gone (``StagingOwner/isAbandoned``): what killed servers over since-deleted data
    /// directories left. Only real directories of this user with an owner record, whose lock no
    /// process holds (``StagingClaim``), are considered.
    ///
    /// Each is first renamed — atomically, so that of servers starting together only one takes it —
    /// under the same prefix (its owner record still says it is abandoned, should the removal be cut
    /// short), then removed on a thread of its own: starting does not wait for it.
    /// - Returns: the paths taken for removal.
    @discardableResult
    public func reclaimAbandonedStaging(namePrefix: String, logger: Logger) -> [String] {
        let parent = staging.deletingLastPathComponent()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []
        var taken: [(original: String, directory: URL)] = []
        for name in names where name.hasPrefix(namePrefix) && name != staging.lastPathComponent {
            let directory = parent.appendingPathComponent(name)
            guard let status = FileStatus(path: directory.path), status.kind == .directory, status.ownerID == geteuid(),
                let owner = StagingOwner(recordedIn: directory), owner.isAbandoned, !StagingClaim.isHeld(directory)
            else { continue }
            let reclaiming = parent.appendingPathComponent("\(namePrefix)reclaimed-\(UUID().uuidString.prefix(8))")
            guard rename(directory.path, reclaiming.path) == 0 else { continue }
            taken.append((directory.path, reclaiming))
        }
        guard !taken.isEmpty else { return [] }
        let removals = taken
        let controlGroups = self.controlGroups
        logger.notice("reclaiming sandbox directories of servers that are gone", metadata: ["paths": "\(taken.map(\.original))"])
        Thread.detachNewThread {
            for (original, directory) in removals {
                do {
                    try Self.removeStagingTree(directory)
                } catch {
                    logger.warning("cannot remove an abandoned sandbox directory", metadata: ["path": "\(directory.path)", "error": "\(error)"])
                }
                controlGroups?.removeEmptyGroups(prefix: Self.groupPrefix(URL(fileURLWithPath: original)))
            }
        }
        return taken.map(\.original)
    }

    /// Removes a reclaimed staging directory with its owner record last: should the removal be cut
    /// short, what is left still says it is abandoned, and the next server reclaims it.
    private static func removeStagingTree(_ directory: URL) throws {
        let manager = FileManager.default
        for entry in try manager.contentsOfDirectory(atPath: directory.path) where entry != StagingOwner.fileName {
            try manager.removeItem(at: directory.appendingPathComponent(entry))
        }
        try manager.removeItem(at: directory)
    }

    /// What ``prepareStaging`` and the environments put in a staging directory.
    static let stagedEntries: Set<String> = [
        "bin", "runtimes", "etc", "code", "opt", "env", "lang", "locale", StagingOwner.fileName, StagingClaim.lockName,
    ]
}
