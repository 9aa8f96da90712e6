import Foundation

/// The locales of a sandbox's `/usr/lib/locale` when the host lacks Lambda's `en_US.UTF-8` (a Debian host
/// without generated locales has only `C.utf8`): the host's `C.utf8` and an `en_US.utf8` compiled from
/// the host's locale sources. Without it `LANG=en_US.UTF-8` names no locale, and Python, falling back
/// to the C locale, coerces it and adds `LC_CTYPE=C.UTF-8` to the function's environment.
enum StagedLocales {
    static let hostLocales = "/usr/lib/locale"

    /// Compiles the locales into `directory` unless they are there already; false when the host has
    /// `en_US.UTF-8` itself or cannot compile it (no `localedef` or locale sources), so that
    /// sandboxes keep the host's.
    static func prepare(in directory: URL) -> Bool {
        if let locale = newlocale(Int32(1) << LC_CTYPE, "en_US.UTF-8", nil) {
            freelocale(locale)
            return false
        }
        let manager = FileManager.default
        let english = directory.appendingPathComponent("en_US.utf8")
        if manager.fileExists(atPath: english.appendingPathComponent("LC_CTYPE").path) { return true }
        guard let localedef = ["/usr/bin/localedef", "/bin/localedef"].first(where: manager.isExecutableFile) else { return false }
        try? manager.removeItem(at: directory)
        do {
            try manager.createDirectory(at: directory, withIntermediateDirectories: true)
            let hostC = URL(fileURLWithPath: hostLocales).appendingPathComponent("C.utf8")
            if manager.fileExists(atPath: hostC.path) {
                try manager.copyItem(at: hostC, to: directory.appendingPathComponent("C.utf8"))
            }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: localedef)
            process.arguments = ["-i", "en_US", "-f", "UTF-8", english.path]
            process.environment = ["PATH": "/usr/bin:/bin"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
        } catch {
            try? manager.removeItem(at: directory)
            return false
        }
        guard manager.fileExists(atPath: english.appendingPathComponent("LC_CTYPE").path) else {
            try? manager.removeItem(at: directory)
            return false
        }
        return true
    }
}
