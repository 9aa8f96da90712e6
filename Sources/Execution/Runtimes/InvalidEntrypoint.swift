import Foundation

/// A `provided` function whose code has no bootstrap the runtime can start: AWS fails the
/// invocation with `Runtime.InvalidEntrypoint` before anything runs.
struct InvalidEntrypoint: Error, Equatable {
    /// AWS's words after `RequestId: <id> Error: `.
    let message: String

    /// The problem with the bootstrap of `entry`, if any. Only `provided` runtimes run a file of the
    /// function's own: the code's `bootstrap` (`/var/task/bootstrap`), else one of its layers'
    /// (`/opt/bootstrap`), as AWS looks for them.
    static func check(_ entry: RuntimeCatalog.Entry, codeDirectory: URL, layersDirectory: URL? = nil) -> InvalidEntrypoint? {
        guard entry.kind == .provided else { return nil }
        let candidates = [(codeDirectory, "/var/task/bootstrap")] + (layersDirectory.map { [($0, "/opt/bootstrap")] } ?? [])
        for (directory, path) in candidates {
            let bootstrap = directory.appendingPathComponent("bootstrap").path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: bootstrap, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            // The staged code carries only what the package's mode gives "others", as on Lambda where the
            // function's user owns none of its code (`StagingPermissions.protectPackage`): any execute
            // bit left is the sandbox's.
            let permissions = (try? FileManager.default.attributesOfItem(atPath: bootstrap)[.posixPermissions] as? Int) ?? 0
            return permissions & 0o111 != 0 ? nil : InvalidEntrypoint(message: "fork/exec \(path): permission denied")
        }
        return InvalidEntrypoint(message: "Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]")
    }

    /// The bootstrap a `provided` runtime starts: the code's own when it has one, else its layers'.
    static func providedBootstrap(codeDirectory: URL) -> String {
        FileManager.default.fileExists(atPath: codeDirectory.appendingPathComponent("bootstrap").path) ? "/var/task/bootstrap" : "/opt/bootstrap"
    }
}
