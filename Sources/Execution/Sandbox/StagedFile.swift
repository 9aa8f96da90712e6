import CBulwarkSystem
import Foundation

/// Files of the staging directory. Their owners and modes are ``StagingPermissions``'s to set.
enum StagedFile {
    static func write(_ text: String, to url: URL) throws {
        try Data(text.utf8).write(to: url, options: .atomic)
    }

    /// Copies a file when it differs from the staged one.
    static func copy(_ source: URL, to target: URL, mode: mode_t) throws {
        let manager = FileManager.default
        if manager.contentsEqual(atPath: source.path, andPath: target.path) { return }
        let temporary = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).\(UUID().uuidString)")
        try manager.copyItem(at: source, to: temporary)
        chmod(temporary.path, mode)
        guard rename(temporary.path, target.path) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }

    /// Replaces `target` with a copy of the directory `source`, modification times included: Python
    /// trusts a module's compiled `__pycache__` file only while the source's time is the one it
    /// recorded, and sandboxes cannot rewrite the cache — a copy with new times makes every cold start
    /// compile the runtime client (and boto3, when a function imports it) again.
    static func copyTree(_ source: URL, to target: URL) throws {
        let manager = FileManager.default
        let temporary = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).\(UUID().uuidString)")
        try manager.copyItem(at: source, to: temporary)
        try copyTimes(of: source.path, to: temporary.path)
        try? manager.removeItem(at: target)
        try manager.moveItem(at: temporary, to: target)
    }

    /// Gives every entry of the tree `target` the times of its counterpart in `source`.
    static func copyTimes(of source: String, to target: String) throws {
        for relative in try [""] + FileManager.default.subpathsOfDirectory(atPath: source) {
            let from = relative.isEmpty ? source : "\(source)/\(relative)"
            let to = relative.isEmpty ? target : "\(target)/\(relative)"
            guard bulwark_copy_times(from, to) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        }
    }
}
