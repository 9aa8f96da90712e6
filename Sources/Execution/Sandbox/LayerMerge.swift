import Foundation
import Glibc

/// Merges the extracted trees of a function's layers into the one tree mounted at `/opt`, in the
/// order the function names them: a later layer's file (or link) replaces an earlier one's at the
/// same path, directories are united — as Lambda extracts layers into `/opt` one after the other.
///
/// Files are hard links to the layers' extracted files, so a merge copies no byte and each file keeps
/// the owner, group and mode its layer's extraction gave it (``StagingPermissions``: readable only by
/// the sandboxes given that layer's group). Directories are created for the merged tree; the caller
/// protects them. One bind of the merged tree costs a cold start what one layer's would.
enum LayerMerge {
    /// Merges the trees `layers` (in order) into `target`, which must not exist yet.
    static func merge(_ layers: [URL], into target: URL) throws {
        try makeDirectory(target.path)
        for layer in layers {
            try mergeDirectory(from: layer.path, into: target.path)
        }
    }

    private static func mergeDirectory(from source: String, into target: String) throws {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: source)
        } catch {
            throw SandboxError.unavailable("cannot list the layer directory \(source): \(error)")
        }
        for name in names {
            let from = source + "/" + name
            let to = target + "/" + name
            guard let status = FileStatus(path: from) else { throw failure("inspect", from) }
            let existing = FileStatus(path: to)
            switch status.kind {
            case .directory:
                if existing?.kind != .directory {
                    if existing != nil { try remove(to) }
                    try makeDirectory(to)
                }
                try mergeDirectory(from: from, into: to)
            case .regularFile:
                if existing != nil { try remove(to) }
                guard link(from, to) == 0 else { throw failure("link", to) }
            case .symbolicLink:
                if existing != nil { try remove(to) }
                let destination: String
                do {
                    destination = try FileManager.default.destinationOfSymbolicLink(atPath: from)
                } catch {
                    throw SandboxError.unavailable("cannot read the link \(from): \(error)")
                }
                guard symlink(destination, to) == 0 else { throw failure("link", to) }
            default:
                continue
            }
        }
    }

    private static func makeDirectory(_ path: String) throws {
        guard mkdir(path, 0o700) == 0 else { throw failure("create", path) }
    }

    private static func remove(_ path: String) throws {
        do {
            try FileManager.default.removeItem(atPath: path)
        } catch {
            throw SandboxError.unavailable("cannot replace \(path) in the merged layers: \(error)")
        }
    }

    private static func failure(_ operation: String, _ path: String) -> SandboxError {
        .unavailable("cannot \(operation) \(path) in the merged layers: \(String(cString: strerror(errno)))")
    }
}
