import CBulwarkSystem
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A file that lives in memory only (`memfd_create`), read from its start: how a child process
/// is handed data that must reach neither a file system nor a command line.
///
/// Nothing else can open it: it has no path, and its descriptor is reachable through
/// `/proc/<pid>/fd` only by processes of the same user (or root).
struct MemoryFile: Sendable {
    let descriptor: Int32

    /// - Parameter name: shown only in `/proc/<pid>/fd` links, for whoever debugs.
    init(named name: String, contents: [UInt8]) throws {
        let descriptor = bulwark_memfd_cloexec(name)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        let written = contents.withUnsafeBytes { FileDescriptorIO.writeAll(descriptor, $0) }
        guard written, lseek(descriptor, 0, SEEK_SET) == 0 else {
            let code = errno
            Glibc.close(descriptor)
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
        }
        self.descriptor = descriptor
    }

    func close() {
        Glibc.close(descriptor)
    }
}
