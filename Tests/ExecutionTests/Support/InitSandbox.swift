import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs the built `bulwark-init` as Bulwark will: first process of a bubblewrap sandbox with every namespace of its
/// own, as uid 993, with a host directory bound at /var/bulwark/run for the Unix sockets of peer servers
/// (`InitPeer`) running on the host. Each instance owns a fresh temporary directory.
final class InitSandbox {
    /// Where init runs, which decides how it must find and kill what the command leaves behind.
    enum Placement: String, CaseIterable, Sendable, CustomStringConvertible {
        /// An ordinary child of the test: neither PID 1 nor in a namespace.
        case direct
        /// Under bwrap's own reaper, which is PID 1: init is PID 2 of the namespace.
        case sandbox
        /// `bwrap --as-pid-1`: init is PID 1 of the namespace.
        case sandboxAsPID1

        var description: String { rawValue }
    }

    /// How one run of init ended.
    struct Run {
        let code: Int32
        let stdout: String
        let stderr: String
        /// The non-empty lines init wrote to its status descriptor.
        let status: [String]
    }

    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let binary = repository.appendingPathComponent(".build/debug/bulwark-init").path

    let placement: Placement
    private let temporaryDirectory: String
    /// The host directory that the sandbox sees as `runDirectory`.
    let hostDirectory: String
    /// `InitPeer.script`, on the host.
    let peerScript: String

    init(_ placement: Placement) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            throw InitTestProcess.Failure(description: "\(Self.binary) is missing: run `swift build` first")
        }
        self.placement = placement
        // Short: the Unix sockets' paths must fit in 108 bytes.
        temporaryDirectory = "/tmp/bulwark-init-test-\(UUID().uuidString)"
        hostDirectory = temporaryDirectory + "/run"
        peerScript = temporaryDirectory + "/peer.py"
        try FileManager.default.createDirectory(atPath: hostDirectory, withIntermediateDirectories: true)
        try InitPeer.script.write(toFile: peerScript, atomically: false, encoding: .utf8)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: temporaryDirectory)
    }

    /// Where the command and init find the Unix sockets.
    var runDirectory: String {
        placement == .direct ? hostDirectory : "/var/bulwark/run"
    }

    /// A command running the peer script with `arguments`, as seen from inside.
    func peer(_ arguments: String...) -> [String] {
        ["/usr/bin/python3", placement == .direct ? peerScript : "/var/bulwark/peer.py"] + arguments
    }

    /// Starts a peer server in `mode` on `<runDirectory>/<name>.sock` and returns once it listens.
    func startServer(_ mode: String, name: String = "peer") throws -> InitTestProcess {
        let server = try InitTestProcess(
            ["/usr/bin/python3", peerScript, "serve", mode, "\(hostDirectory)/\(name).sock"])
        let line = try server.stdout.line(within: 10)
        guard line == "ready" else {
            throw InitTestProcess.Failure(description: "peer server said \"\(line)\": \(server.stderr.text)")
        }
        return server
    }

    /// Starts a peer server for the listening sockets init hands over: serves the i-th in the i-th of `modes`.
    /// Returns it and the descriptor to give init as its `--handoff-fd` (the caller closes it once init has it).
    func startHandedServer(_ modes: [String]) throws -> (server: InitTestProcess, handoff: Int32) {
        var ends: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else {
            throw InitTestProcess.Failure(description: "socketpair: \(String(cString: strerror(errno)))")
        }
        defer { close(ends[0]) }
        let server = try InitTestProcess(
            ["/usr/bin/python3", peerScript, "serve-handed", modes.joined(separator: ","), "3"], descriptors: [3: ends[0]])
        let line = try server.stdout.line(within: 10)
        guard line == "ready" else {
            close(ends[1])
            throw InitTestProcess.Failure(description: "peer server said \"\(line)\": \(server.stderr.text)")
        }
        return (server, ends[1])
    }

    /// The full command line: bulwark-init with `arguments`, then `--` and `command`, under `placement`.
    func commandLine(_ arguments: [String], _ command: [String]) -> [String] {
        switch placement {
        case .direct:
            return [Self.binary] + arguments + ["--"] + command
        case .sandbox, .sandboxAsPID1:
            return ["/usr/bin/bwrap", "--unshare-all", "--die-with-parent"]
                + (placement == .sandboxAsPID1 ? ["--as-pid-1"] : [])
                + [
                    "--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
                    "--symlink", "usr/bin", "/bin", "--proc", "/proc", "--dev", "/dev",
                    "--bind", hostDirectory, "/var/bulwark/run",
                    "--ro-bind", Self.binary, "/var/bulwark/init",
                    "--ro-bind", peerScript, "/var/bulwark/peer.py",
                    "--uid", "993", "--gid", "993",
                    "--", "/var/bulwark/init",
                ]
                + arguments + ["--"] + command
        }
    }

    /// Starts init with `--status-fd 3` (plus `arguments`) running `command`. With `blockingStatus`, the status
    /// pipe is full before init starts, so init blocks writing its status line until `finish` drains it: whatever
    /// init did before reporting can be observed while init and its namespace still live.
    func start(
        _ arguments: [String] = [], command: [String], blockingStatus: Bool = false,
        descriptors: [Int32: Int32] = [:]
    ) throws -> (process: InitTestProcess, status: InitTestPipe) {
        let status = try InitTestPipe.make()
        defer { close(status.write) }
        if blockingStatus {
            let flags = fcntl(status.write, F_GETFL)
            _ = fcntl(status.write, F_SETFL, flags | O_NONBLOCK)
            let filler = [UInt8](repeating: UInt8(ascii: "\n"), count: 4096)
            while write(status.write, filler, filler.count) > 0 {}
            // Only now blocking: the flag belongs to the pipe end that init shares, not to our descriptor.
            _ = fcntl(status.write, F_SETFL, flags)
        }
        var handed = descriptors
        handed[3] = status.write
        let process = try InitTestProcess(
            commandLine(["--status-fd", "3"] + arguments, command), descriptors: handed)
        return (process, InitTestPipe(fd: status.read))
    }

    /// Runs init to its end; see `start`.
    func run(_ arguments: [String] = [], command: [String], descriptors: [Int32: Int32] = [:]) throws -> Run {
        let (process, status) = try start(arguments, command: command, descriptors: descriptors)
        return try finish(process, status: status)
    }

    func finish(_ process: InitTestProcess, status: InitTestPipe) throws -> Run {
        let outcome = try process.finish(also: [status])
        let lines = status.text.split(separator: "\n").map(String.init)
        return Run(code: outcome.code, stdout: outcome.stdout, stderr: outcome.stderr, status: lines)
    }
}
