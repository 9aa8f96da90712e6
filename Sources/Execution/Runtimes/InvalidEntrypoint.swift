import Foundation

/// A `provided` function whose code has no bootstrap the runtime can start: AWS fails the
/// invocation with `Runtime.InvalidEntrypoint` before anything runs.
struct InvalidEntrypoint: Error, Equatable {
    /// AWS's words after `RequestId: <id> Error: `.
    let message: String

    /// The problem with the bootstrap of `entry` in the extracted code, if any. Only `provided`
    /// runtimes run the code's own file; Bulwark has no layers, so `/opt/bootstrap` never exists.
    static func check(_ entry: RuntimeCatalog.Entry, codeDirectory: URL) -> InvalidEntrypoint? {
        guard entry.kind == .provided else { return nil }
        let bootstrap = codeDirectory.appendingPathComponent("bootstrap").path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: bootstrap, isDirectory: &isDirectory), !isDirectory.boolValue else {
            return InvalidEntrypoint(message: "Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]")
        }
        // The staged code carries only what the package's mode gives "others", as on Lambda where the
        // function's user owns none of its code (`StagingPermissions.protectPackage`): any execute
        // bit left is the sandbox's.
        let permissions = (try? FileManager.default.attributesOfItem(atPath: bootstrap)[.posixPermissions] as? Int) ?? 0
        guard permissions & 0o111 != 0 else {
            return InvalidEntrypoint(message: "fork/exec /var/task/bootstrap: permission denied")
        }
        return nil
    }
}
