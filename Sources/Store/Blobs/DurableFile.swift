import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// File writes that are on disk when they return: data flushed with `fsync`, renames made durable by
/// flushing the directory.
public enum DurableFile {
    /// Writes `data` to a new file at `url` (mode 0600) and flushes it.
    public static func write(_ data: Data, to url: URL, mode: mode_t = 0o600) throws {
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw POSIXError(errno) }
        defer { close(descriptor) }
        try data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress!.advanced(by: offset), buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw POSIXError(errno)
                }
                offset += written
            }
        }
        guard fsync(descriptor) == 0 else { throw POSIXError(errno) }
    }

    /// Renames `source` to `target` atomically and flushes `directory` so the new name is durable.
    public static func rename(_ source: URL, to target: URL, directory: URL) throws {
        guard Glibc.rename(source.path, target.path) == 0 else { throw POSIXError(errno) }
        try syncDirectory(directory)
    }

    public static func syncDirectory(_ directory: URL) throws {
        let descriptor = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw POSIXError(errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw POSIXError(errno) }
    }
}

extension POSIXError {
    init(_ code: Int32) {
        self.init(POSIXErrorCode(rawValue: code) ?? .EIO)
    }
}
