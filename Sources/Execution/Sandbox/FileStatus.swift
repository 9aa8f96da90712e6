import CBulwarkSystem

/// The type, permission bits, owner and inode of a file, as `lstat` (or `stat`) reports them, read
/// through CBulwarkSystem (whose header says why Glibc's `struct stat` is not used directly).
struct FileStatus: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case directory, regularFile, symbolicLink, other
    }

    /// `st_mode`: the type and the permission bits.
    let mode: UInt32
    let ownerID: UInt32
    let groupID: UInt32
    let inode: UInt64

    /// The status of `path` itself, or of what it links to when `followingLinks`; nil when it cannot be read.
    init?(path: String, followingLinks: Bool = false) {
        var status = bulwark_file_status()
        guard bulwark_file_status(path, followingLinks ? 1 : 0, &status) == 0 else { return nil }
        (mode, ownerID, groupID, inode) = (status.mode, status.owner, status.group, status.inode)
    }

    /// The permission bits (with set-id and sticky bits).
    var permissions: UInt32 { mode & 0o7777 }

    var kind: Kind {
        switch mode & 0o170000 {
        case 0o040000: .directory
        case 0o100000: .regularFile
        case 0o120000: .symbolicLink
        default: .other
        }
    }
}
