import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The data directory's lock: one `bulwark serve` per data directory, held for the life of the
/// process (the kernel releases it when the process ends, however it ends).
final class DataDirectoryLock: Sendable {
    private let descriptor: Int32

    /// Takes the lock of `directory` (`bulwark.lock`, holding the holder's process id).
    /// - Throws: ``BulwarkServer/StartupError`` when another process holds it.
    init(_ directory: URL) throws {
        let path = directory.appendingPathComponent("bulwark.lock").path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw BulwarkServer.StartupError(description: "Cannot open \(path): \(String(cString: strerror(errno))).")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = Self.holder(descriptor)
            close(descriptor)
            throw BulwarkServer.StartupError(
                description: "Another bulwark serve\(holder.map { " (process \($0))" } ?? "") is using the data directory "
                    + "\(directory.path); stop it or give a different --data-dir."
            )
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pwrite(descriptor, pid, pid.count, 0)
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// The process id the holder wrote, if readable.
    private static func holder(_ descriptor: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = pread(descriptor, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty || !text.allSatisfy(\.isNumber) ? nil : text
    }
}
