import Foundation
import Glibc

/// A process's hold on a staging directory: an exclusive lock on its `owner.lock`, kept while the
/// process lives (the kernel lets it go when the process ends, however it ends). Another server —
/// in another PID namespace too — cannot claim or reclaim a staging directory that is held.
public final class StagingClaim: Sendable {
    static let lockName = "owner.lock"
    private let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// Takes the lock of `directory`; nil when another process holds it.
    /// - Throws: ``SandboxError`` when the lock file cannot be opened (or is a link).
    static func take(_ directory: URL) throws -> StagingClaim? {
        let path = directory.appendingPathComponent(lockName).path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw SandboxError.unavailable("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            return nil
        }
        return StagingClaim(descriptor: descriptor)
    }

    /// Whether some process holds the lock of `directory` now (false when it has no lock file).
    static func isHeld(_ directory: URL) -> Bool {
        let descriptor = open(directory.appendingPathComponent(lockName).path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return flock(descriptor, LOCK_SH | LOCK_NB) != 0
    }
}
