import Foundation
import Glibc

/// A CPython installation of this host, as a sandbox gets it: only the interpreter, its standard
/// library and its shared library, placed under `/var/lang` as on AWS's Python runtimes — never the
/// installation's own site-packages nor the host's dist-packages.
public struct PythonInstallation: Sendable, Equatable {
    /// `3.12`.
    public let version: String
    /// The interpreter's executable (symbolic links resolved).
    public let executable: String
    /// `<prefix>/lib/python3.X`, the standard library with `lib-dynload`.
    public let standardLibrary: String
    /// `libpython3.X.so.1.0`, for an interpreter built with a shared library.
    public let sharedLibrary: String?
    /// The interpreter as installed, when these files are a staged copy of it.
    public let origin: String

    public init(version: String, executable: String, standardLibrary: String, sharedLibrary: String?, origin: String? = nil) {
        self.version = version
        self.executable = executable
        self.standardLibrary = standardLibrary
        self.sharedLibrary = sharedLibrary
        self.origin = origin ?? executable
    }

    /// Inside the sandbox.
    static let root = "/var/lang"
    var sandboxExecutable: String { "\(Self.root)/bin/python\(version)" }
    var sandboxStandardLibrary: String { "\(Self.root)/lib/python\(version)" }

    /// The host paths the sandbox binds, each with where it appears.
    var binds: [(host: String, sandbox: String)] {
        var binds = [(executable, sandboxExecutable), (standardLibrary, sandboxStandardLibrary)]
        if let sharedLibrary {
            binds.append((sharedLibrary, "\(Self.root)/lib/\(URL(fileURLWithPath: sharedLibrary).lastPathComponent)"))
        }
        return binds
    }

    /// Whether the standard library directory holds the installation's own `site-packages`, which
    /// the sandbox hides (what was installed into that Python is not part of the runtime).
    var hasSitePackages: Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: standardLibrary + "/site-packages", isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// The same installation with its files at other host paths (a staged copy).
    func relocated(executable: String, standardLibrary: String, sharedLibrary: String?) -> PythonInstallation {
        PythonInstallation(
            version: version, executable: executable, standardLibrary: standardLibrary, sharedLibrary: sharedLibrary, origin: origin
        )
    }

    /// Asks the interpreter at `path` what it is; nil when it is not a CPython 3 that runs.
    static func inspect(_ path: String) -> PythonInstallation? {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard isNativeExecutable(resolved) else { return nil }
        let script = """
            import sys, sysconfig
            shared = sysconfig.get_config_var("Py_ENABLE_SHARED") and sysconfig.get_config_var("INSTSONAME")
            print("%d.%d" % sys.version_info[:2], sys.implementation.name, sysconfig.get_path("stdlib"),
                  (sysconfig.get_config_var("LIBDIR") + "/" + shared) if shared else "-", sep="\\n")
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: resolved)
        process.arguments = ["-I", "-S", "-c", script]
        process.environment = ["PATH": "/usr/bin:/bin"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        guard process.terminationStatus == 0, lines.count == 4, lines[1] == "cpython", lines[0].hasPrefix("3.") else { return nil }
        let shared = lines[3] == "-" ? nil : lines[3]
        guard FileManager.default.fileExists(atPath: lines[2] + "/os.py"), shared.map(FileManager.default.fileExists) ?? true else {
            return nil
        }
        return PythonInstallation(version: lines[0], executable: resolved, standardLibrary: lines[2], sharedLibrary: shared)
    }

    /// An ELF executable (not a wrapper script such as a pyenv shim).
    private static func isNativeExecutable(_ path: String) -> Bool {
        guard FileManager.default.isExecutableFile(atPath: path), let handle = FileHandle(forReadingAtPath: path),
            let magic = try? handle.read(upToCount: 4)
        else { return false }
        try? handle.close()
        return magic == Data([0x7F, 0x45, 0x4C, 0x46])
    }

    /// Whether every user can reach `path` (each ancestor searchable by others), so that a sandbox,
    /// running as a host user of its own, can bind it where it is.
    static func isReachableByEveryone(_ path: String) -> Bool {
        var directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        while directory.path != "/" {
            guard let status = FileStatus(path: directory.path, followingLinks: true), status.mode & 0o001 != 0 else { return false }
            directory = directory.deletingLastPathComponent()
        }
        return true
    }

    /// The directories holding interpreters on a typical machine, for `python3.X`: the system's,
    /// then `/opt` installations, pyenv's and uv's versions (of `home`), then `searchPath`.
    static func candidateDirectories(home: String, searchPath: [String]) -> [String] {
        let manager = FileManager.default
        func subdirectories(of directory: String, then suffix: String) -> [String] {
            ((try? manager.contentsOfDirectory(atPath: directory)) ?? []).sorted().reversed().map { "\(directory)/\($0)\(suffix)" }
        }
        let pyenvRoot = ProcessInfo.processInfo.environment["PYENV_ROOT"] ?? "\(home)/.pyenv"
        let uvRoot = ProcessInfo.processInfo.environment["UV_PYTHON_INSTALL_DIR"] ?? "\(home)/.local/share/uv/python"
        return ["/usr/bin", "/usr/local/bin"] + subdirectories(of: "/opt", then: "/bin")
            + subdirectories(of: "\(pyenvRoot)/versions", then: "/bin") + subdirectories(of: uvRoot, then: "/bin") + searchPath
    }
}
