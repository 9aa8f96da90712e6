import Foundation
import Testing

@testable import Execution

/// How a Python installation of the host becomes a sandbox's /var/lang: what is bound, what is hidden,
/// and the staged copy of an installation sandboxes cannot reach.
@Suite("Python runtime layout")
struct PythonRuntimeLayoutTests {
    /// A fake installation `<prefix>/bin/python3.12`, `<prefix>/lib/python3.12/{os.py,site-packages/x.pth,
    /// lib-dynload/m.so}`, `<prefix>/lib/libpython3.12.so.1.0`, in a fresh temporary directory.
    static func fakeInstallation() throws -> (prefix: URL, installation: PythonInstallation) {
        let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("python-layout-\(UUID().uuidString)")
        let library = prefix.appendingPathComponent("lib/python3.12")
        for directory in ["bin", "lib/python3.12/site-packages", "lib/python3.12/lib-dynload"] {
            try FileManager.default.createDirectory(at: prefix.appendingPathComponent(directory), withIntermediateDirectories: true)
        }
        for (path, mode) in [
            ("bin/python3.12", 0o755), ("lib/python3.12/os.py", 0o644), ("lib/python3.12/site-packages/x.pth", 0o644),
            ("lib/python3.12/lib-dynload/m.so", 0o755), ("lib/libpython3.12.so.1.0", 0o755),
        ] {
            let file = prefix.appendingPathComponent(path)
            try Data(path.utf8).write(to: file)
            chmod(file.path, mode_t(mode))
        }
        let installation = PythonInstallation(
            version: "3.12", executable: prefix.appendingPathComponent("bin/python3.12").path, standardLibrary: library.path,
            sharedLibrary: prefix.appendingPathComponent("lib/libpython3.12.so.1.0").path
        )
        return (prefix, installation)
    }

    @Test func theInterpreterLivesUnderVarLangWithItsSitePackagesHidden() throws {
        let (prefix, installation) = try Self.fakeInstallation()
        defer { try? FileManager.default.removeItem(at: prefix) }

        let mounts = SandboxLayout.pythonMounts(installation)

        #expect(
            mounts == [
                .readOnly(host: installation.executable, at: "/var/lang/bin/python3.12"),
                .readOnly(host: installation.standardLibrary, at: "/var/lang/lib/python3.12"),
                .readOnly(host: installation.sharedLibrary!, at: "/var/lang/lib/libpython3.12.so.1.0"),
                .symlink(target: "python3.12", at: "/var/lang/bin/python3"),
                .symlink(target: "python3.12", at: "/var/lang/bin/python"),
                .tmpfs(at: "/var/lang/lib/python3.12/site-packages", sizeBytes: nil, mode: 0o755),
                .remountReadOnly("/var/lang/lib/python3.12/site-packages"),
            ])
    }

    /// Debian's python3.X: a static interpreter whose standard library has no site-packages (the host's
    /// packages are in /usr/lib/python3/dist-packages, which is not bound under /var/lang).
    @Test func inspectsTheSystemsPython() throws {
        let system = try #require(
            ["3.10", "3.11", "3.12", "3.13", "3.14"].lazy.compactMap { PythonInstallation.inspect("/usr/bin/python\($0)") }.first)
        #expect(system.executable.hasPrefix("/usr/bin/python3."))
        #expect(system.standardLibrary == "/usr/lib/python\(system.version)")
        #expect(!SandboxLayout.pythonMounts(system).contains { "\($0)".contains("dist-packages") })
        #expect(PythonInstallation.inspect("/usr/bin/true") == nil)
        #expect(PythonInstallation.inspect("/nonexistent/python3.12") == nil)
    }

    /// A staged installation links the original files (same inodes, modes untouched), leaves the
    /// installation's site-packages out, and only its own directories get the staging's permissions.
    @Test func stagingLinksTheFilesAndLeavesSitePackagesOut() throws {
        let (prefix, installation) = try Self.fakeInstallation()
        defer { try? FileManager.default.removeItem(at: prefix) }
        let staging = prefix.appendingPathComponent("staged")

        let staged = try StagedInterpreter.stage(installation, in: staging)
        try StagingPermissions(ids: nil).protectStagedDirectories(staging)

        #expect(staged.version == "3.12")
        #expect(staged.origin == installation.executable)
        #expect(staged.executable == staging.appendingPathComponent("python3.12").path)
        #expect(staged.sharedLibrary == staging.appendingPathComponent("lib/libpython3.12.so.1.0").path)
        #expect(!staged.hasSitePackages)
        #expect(!FileManager.default.fileExists(atPath: staged.standardLibrary + "/site-packages"))
        for (original, copy) in [
            (installation.executable, staged.executable), (installation.standardLibrary + "/os.py", staged.standardLibrary + "/os.py"),
            (installation.standardLibrary + "/lib-dynload/m.so", staged.standardLibrary + "/lib-dynload/m.so"),
        ] {
            let before = try #require(FileStatus(path: original, followingLinks: true))
            let after = try #require(FileStatus(path: copy, followingLinks: true))
            #expect(before.inode == after.inode, "\(copy) is a link to \(original)")
            #expect(after.mode & 0o777 == (original.hasSuffix(".py") ? 0o644 : 0o755), "the original's mode is unchanged")
        }
        #expect(FileStatus(path: staged.standardLibrary + "/lib-dynload", followingLinks: true)?.permissions == 0o700)
    }

    @Test func resourceLimitsAreLambdas() {
        #expect(
            SandboxLayout.resourceLimits(coreDumps: true) == [
                "nofile=1024:1024", "nproc=1024:1024", "memlock=65536:65536", "stack=8388608:unlimited", "core=unlimited:unlimited",
            ])
        #expect(SandboxLayout.resourceLimits(coreDumps: false).last == "core=0:0")
    }
}
