import CBulwarkSystem
import Foundation
import Glibc

/// A Python installation that sandboxes cannot reach where it is — under a private home such as
/// `/root/.pyenv` (0700), whose mode is never loosened — made reachable as a read-only tree of the
/// staging directory: its files hard-linked (copied when the staging directory is on another file
/// system), its directories new.
///
/// The linked files keep their owner and mode (a file is the same inode as the original, so its mode
/// is never changed): a sandbox reads what the installation lets every user read. Only the staged
/// directories get the staging directory's permissions.
enum StagedInterpreter {
    /// Stages `installation` in `directory` (replacing what was there) and returns it as staged. The
    /// caller opens the staged directories to sandboxes (``StagingPermissions/protectStagedDirectories(_:)``).
    static func stage(_ installation: PythonInstallation, in directory: URL) throws -> PythonInstallation {
        let manager = FileManager.default
        try? manager.removeItem(at: directory)
        try manager.createDirectory(at: directory.appendingPathComponent("lib"), withIntermediateDirectories: true)
        let executable = directory.appendingPathComponent("python\(installation.version)")
        try linkFile(installation.executable, to: executable.path)
        let library = directory.appendingPathComponent("lib/python\(installation.version)")
        try linkTree(installation.standardLibrary, to: library.path, skipping: ["site-packages"])
        var shared: String?
        if let sharedLibrary = installation.sharedLibrary {
            let target = directory.appendingPathComponent("lib/" + URL(fileURLWithPath: sharedLibrary).lastPathComponent)
            try linkFile(sharedLibrary, to: target.path)
            shared = target.path
        }
        return installation.relocated(executable: executable.path, standardLibrary: library.path, sharedLibrary: shared)
    }

    /// Recreates the directories of `source` at `target` and links every regular file and symbolic
    /// link in them (other kinds are left out), except the top-level names in `skipping`.
    private static func linkTree(_ source: String, to target: String, skipping: Set<String> = []) throws {
        guard mkdir(target, 0o700) == 0 else { throw failure("create", target) }
        let names = try FileManager.default.contentsOfDirectory(atPath: source)
        for name in names where !skipping.contains(name) {
            let from = source + "/" + name
            let to = target + "/" + name
            guard let status = FileStatus(path: from) else { continue }
            switch status.kind {
            case .directory: try linkTree(from, to: to)
            case .regularFile: try linkFile(from, to: to)
            case .symbolicLink:
                let destination = try FileManager.default.destinationOfSymbolicLink(atPath: from)
                try FileManager.default.createSymbolicLink(atPath: to, withDestinationPath: destination)
            default: continue
            }
        }
    }

    /// A hard link, or a copy (owner, mode and times kept: see ``StagedFile/copyTree(_:to:)``) across
    /// file systems.
    private static func linkFile(_ source: String, to target: String) throws {
        if link(source, target) == 0 { return }
        guard errno == EXDEV || errno == EPERM else { throw failure("link", target) }
        try FileManager.default.copyItem(atPath: source, toPath: target)
        guard bulwark_copy_times(source, target) == 0 else { throw failure("keep the times of", target) }
    }

    private static func failure(_ operation: String, _ path: String) -> SandboxError {
        .unavailable("cannot \(operation) \(path) while staging an interpreter: \(String(cString: strerror(errno)))")
    }
}
