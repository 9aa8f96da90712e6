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

    /// Replaces `target` with a copy of the directory `source`.
    static func copyTree(_ source: URL, to target: URL) throws {
        let manager = FileManager.default
        let temporary = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).\(UUID().uuidString)")
        try manager.copyItem(at: source, to: temporary)
        try? manager.removeItem(at: target)
        try manager.moveItem(at: temporary, to: target)
    }
}
