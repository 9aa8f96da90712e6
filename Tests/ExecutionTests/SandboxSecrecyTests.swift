import Foundation
import Testing

@testable import Execution

#if canImport(Glibc)
    import Glibc
#endif

/// Issue #8: while a function runs, its variables and role credentials are nowhere another local user can read
/// them — on no process's command line, in no staged file — and neither is its code.
@Suite(
    "Secrets of a running function",
    .serialized,
    .enabled(if: RunningFunction.canRun, "needs /usr/bin/bwrap, /usr/bin/python3 and a built bulwark-init (swift build)")
)
struct SandboxSecrecyTests {
    /// What the function was given that nobody else may read.
    static func secrets(of function: RunningFunction) -> [String] {
        [function.secret, function.credentials.secretAccessKey, function.credentials.sessionToken]
    }

    @Test func theFunctionSeesItsVariablesAndCredentials() async throws {
        let function = RunningFunction()
        do {
            try await function.start()
            #expect(function.seen["BULWARK_TEST_SECRET"] == function.secret)
            #expect(function.seen["AWS_SECRET_ACCESS_KEY"] == function.credentials.secretAccessKey)
            #expect(function.seen["AWS_SESSION_TOKEN"] == function.credentials.sessionToken)
        } catch {
            Issue.record(error)
        }
        await function.stop()
    }

    /// What every user can read of the running function's processes: their command lines.
    @Test func noCommandLineHoldsASecret() async throws {
        let function = RunningFunction()
        do {
            try await function.start()
            let commandLines = Self.allCommandLines()
            // The sandbox runs, and the scan sees it: init and the function's bootstrap.
            #expect(commandLines.contains { $0.contains("/var/bulwark/init") && $0.contains("--status-fd") })
            #expect(commandLines.contains { $0.contains("/var/task/bootstrap") && !$0.contains("/var/bulwark/init") })
            #expect(commandLines.contains { $0.hasPrefix("/usr/bin/setpriv") || $0.contains("bwrap") })
            for secret in Self.secrets(of: function) {
                let holders = commandLines.filter { $0.contains(secret) }
                #expect(holders.isEmpty, "on a command line: \(holders)")
            }
        } catch {
            Issue.record(error)
        }
        await function.stop()
    }

    /// No staged file holds a secret (the environment is never written to disk), and no staged entry gives
    /// anything to other users.
    @Test func noStagedFileHoldsASecretOrIsOpenToOthers() async throws {
        let function = RunningFunction()
        do {
            try await function.start()
            var contents: [String: Data] = [:]
            var openToOthers: [String] = []
            // Links and the Runtime API sockets carry no content; the sockets' directory is the sandbox user's alone.
            Self.walk(function.staging.path) { path, info in
                guard info.kind == .regularFile || info.kind == .directory else { return }
                if info.mode & 0o007 != 0 { openToOthers.append(path) }
                if info.kind == .regularFile, let bytes = FileManager.default.contents(atPath: path) { contents[path] = bytes }
            }
            #expect(openToOthers.isEmpty, "open to other users: \(openToOthers)")
            // The scan reads the staged code.
            #expect(contents.contains { Self.contains($0.value, function.codeMarker) })
            for secret in Self.secrets(of: function) {
                let holders = contents.filter { Self.contains($0.value, secret) }.keys.sorted()
                #expect(holders.isEmpty, "in a staged file: \(holders)")
            }
        } catch {
            Issue.record(error)
        }
        await function.stop()
    }

    /// As another, unprivileged user (nobody): every command line and environment of every process, every
    /// file under the staging directory. Switching users needs root, which `make test` has in CI.
    @Test(.enabled(if: geteuid() == 0, "reading as another user (nobody) needs root to switch to it; run as root, as CI does"))
    func anotherUserReadsNoSecretAndNoCode() async throws {
        let function = RunningFunction()
        do {
            try await function.start()
            let script = """
                for process in /proc/[0-9]*; do cat "$process/cmdline" "$process/environ"; echo; done 2>/dev/null
                find "$1" -type f -exec cat -- {} + 2>/dev/null
                exit 0
                """
            let read = try InitTestProcess(
                [
                    "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--",
                    "/bin/sh", "-c", script, "reader", function.staging.path,
                ]
            ).finish(within: 60)
            #expect(read.code == 0, "\(read.stderr)")
            let seen = Data(read.stdout.utf8)
            // Without hidepid on /proc, another user sees the sandbox's processes, and this scan reads them.
            if !Self.procHidesProcesses() {
                #expect(Self.contains(seen, "/var/bulwark/init"))
            }
            for secret in Self.secrets(of: function) + [function.codeMarker] {
                #expect(!Self.contains(seen, secret), "another user read \(secret)")
            }
        } catch {
            Issue.record(error)
        }
        await function.stop()
    }

    /// Every process's command line, arguments joined by spaces.
    static func allCommandLines() -> [String] {
        let processes = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return processes.filter { $0.allSatisfy(\.isNumber) }.compactMap { pid in
            FileManager.default.contents(atPath: "/proc/\(pid)/cmdline").map { bytes in
                String(decoding: bytes.map { $0 == 0 ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
            }
        }
    }

    /// Calls `visit` with every entry under `path`, `path` included, never following a link.
    static func walk(_ path: String, _ visit: (String, FileStatus) -> Void) {
        guard let status = FileStatus(path: path) else { return }
        visit(path, status)
        guard status.kind == .directory else { return }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
            walk(path + "/" + name, visit)
        }
    }

    static func contains(_ bytes: Data, _ text: String) -> Bool {
        bytes.range(of: Data(text.utf8)) != nil
    }

    /// Whether /proc is mounted with `hidepid` (then other users' processes are invisible).
    static func procHidesProcesses() -> Bool {
        let mounts = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
        return mounts.split(separator: "\n").contains { line in
            line.split(separator: " ").dropFirst(4).first == "/proc"
                && line.split(whereSeparator: { $0 == "," || $0 == " " }).contains {
                    $0.hasPrefix("hidepid=") && $0 != "hidepid=0" && $0 != "hidepid=off"
                }
        }
    }
}
