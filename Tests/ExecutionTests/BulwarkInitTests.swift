import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// bulwark-init (Sources/BulwarkInit), run as the built binary in real bubblewrap sandboxes: the TCP-to-Unix
/// relay with peers on both sides, and the supervision of the command (status line, signals, orphans).
/// Serialized: each test blocks a thread on its child processes.
@Suite(.serialized)
struct BulwarkInitTests {
    static let forward = "127.0.0.1:9001=/var/bulwark/run/peer.sock"

    // MARK: - Relay

    @Test func relaysRuntimeAPICallsOnOneKeepAliveConnection() throws {
        let sandbox = try InitSandbox(.sandbox)
        let server = try sandbox.startServer("http")
        let run = try sandbox.run(["--forward", Self.forward], command: sandbox.peer("http", "127.0.0.1", "9001"))
        #expect(run.stdout == "event {\"hello\":\"world\"} status 202 {\"status\":\"OK\"}\n", "\(run.stderr)")
        #expect(try server.stdout.line() == "response {\"answer\":42}")
        #expect(run.status == ["exited 0"])
        #expect(run.code == 0)
    }

    @Test(arguments: [InitSandbox.Placement.sandbox, .sandboxAsPID1])
    func relaysSeveralMegabytesBothWaysIntact(placement: InitSandbox.Placement) throws {
        let sandbox = try InitSandbox(placement)
        let server = try sandbox.startServer("echo")
        let run = try sandbox.run(
            ["--forward", Self.forward], command: sandbox.peer("echo", "127.0.0.1", "9001", "\(8 << 20)"))
        #expect(run.stdout.hasPrefix("echo ok \(8 << 20) "), "\(run.stderr)")
        #expect(run.status == ["exited 0"])
        #expect(try server.stop().stdout == "ready\n", "the server reported no errors")
    }

    /// 200 connections at once, each echoing 64 KiB; afterwards init holds exactly the descriptors it held
    /// before them, so closing on both sides leaks nothing.
    @Test func relaysManyConcurrentConnectionsWithoutLeaking() throws {
        let sandbox = try InitSandbox(.sandbox)
        let server = try sandbox.startServer("echo")
        let run = try sandbox.run(
            ["--forward", Self.forward], command: sandbox.peer("many", "127.0.0.1", "9001", "200", "65536"))
        let words = run.stdout.split(whereSeparator: \.isWhitespace)
        #expect(words.count == 5 && words.prefix(3) == ["many", "ok", "200"], "\(run.stdout) \(run.stderr)")
        #expect(words.count == 5 && words[3] == words[4], "init's descriptors before and after")
        #expect(run.status == ["exited 0"])
        #expect(try server.stop().stdout == "ready\n", "the server reported no errors")
    }

    /// The Unix side shuts down its writing first and keeps reading: the client sees EOF at once, yet what it
    /// sends afterwards still arrives in full.
    @Test func relaysHalfCloseFromTheUnixSide() throws {
        let sandbox = try InitSandbox(.sandbox)
        let server = try sandbox.startServer("shut-first")
        let run = try sandbox.run(
            ["--forward", Self.forward], command: sandbox.peer("shut-first", "127.0.0.1", "9001", "3000000"))
        let sent = try #require(run.stdout.split(separator: "\n").first, "\(run.stderr)")
        #expect(sent.hasPrefix("sent 3000000 "))
        #expect(try server.stdout.line() == "received" + sent.dropFirst("sent".count))
        #expect(run.status == ["exited 0"])
    }

    @Test func closesTheConnectionWhenTheUnixSocketIsMissing() throws {
        let sandbox = try InitSandbox(.sandbox)
        let run = try sandbox.run(
            ["--forward", "127.0.0.1:9001=/var/bulwark/run/missing.sock"],
            command: sandbox.peer("closed", "127.0.0.1", "9001"))
        #expect(run.stdout == "closed\n", "\(run.stderr)")
        #expect(run.status == ["exited 0"])
    }

    @Test func servesSeveralForwardsAtOnce() throws {
        let sandbox = try InitSandbox(.sandbox)
        let api = try sandbox.startServer("http", name: "runtime")
        let edge = try sandbox.startServer("echo", name: "edge")
        let run = try sandbox.run(
            [
                "--forward", "127.0.0.1:9001=/var/bulwark/run/runtime.sock",
                "--forward", "127.0.0.1:4566=/var/bulwark/run/edge.sock",
            ],
            command: [
                "/bin/sh", "-c",
                "\(sandbox.peer("http", "127.0.0.1", "9001").joined(separator: " ")) && "
                    + sandbox.peer("echo", "127.0.0.1", "4566", "1000").joined(separator: " "),
            ])
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 2 && lines[0].hasPrefix("event ") && lines[1].hasPrefix("echo ok 1000 "), "\(run)")
        #expect(try api.stdout.line() == "response {\"answer\":42}")
        #expect(try edge.stop().stdout == "ready\n", "the server reported no errors")
    }

    // MARK: - Supervision

    struct Ending: Sendable, CustomStringConvertible {
        let script: String
        let status: String
        let code: Int32
        var description: String { script }
    }

    static let endings = [
        Ending(script: "exit 0", status: "exited 0", code: 0),
        Ending(script: "exit 3", status: "exited 3", code: 3),
        Ending(script: "kill -9 $$", status: "signaled 9", code: 137),
        Ending(script: "exec /nonexistent/bootstrap", status: "exited 127", code: 127),
    ]

    @Test(arguments: InitSandbox.Placement.allCases, endings)
    func reportsHowTheCommandEnded(placement: InitSandbox.Placement, ending: Ending) throws {
        let sandbox = try InitSandbox(placement)
        let run = try sandbox.run(command: ["/bin/sh", "-c", ending.script])
        #expect(run.status == [ending.status], "\(run.stderr)")
        #expect(run.code == ending.code)
    }

    @Test(arguments: InitSandbox.Placement.allCases)
    func reportsACommandThatCannotBeFound(placement: InitSandbox.Placement) throws {
        let sandbox = try InitSandbox(placement)
        let run = try sandbox.run(command: ["no-such-bootstrap"])
        #expect(run.status == ["exited 127"])
        #expect(run.code == 127)
        #expect(run.stderr.contains("no-such-bootstrap"))
    }

    /// The command sends SIGTERM to init (its parent), which passes it back: a handler's exit code, or the
    /// signal itself when the command does not catch it.
    @Test(arguments: InitSandbox.Placement.allCases, [true, false])
    func forwardsSIGTERMToTheCommand(placement: InitSandbox.Placement, handled: Bool) throws {
        let sandbox = try InitSandbox(placement)
        let handler = handled ? "signal.signal(signal.SIGTERM, lambda *_: sys.exit(42)); " : ""
        let run = try sandbox.run(command: [
            "/usr/bin/python3", "-c",
            "import os, signal, sys, time; \(handler)os.kill(os.getppid(), signal.SIGTERM); time.sleep(20)",
        ])
        #expect(run.status == [handled ? "exited 42" : "signaled 15"], "\(run.stderr)")
        #expect(run.code == (handled ? 42 : 143))
    }

    /// The command leaves two processes behind, one of them in a session of its own, each holding a connection
    /// to a host server. Init blocks on its (full) status pipe after the command exits: both connections must
    /// close while it is blocked, so it killed them itself, before reporting, in every placement.
    @Test(arguments: InitSandbox.Placement.allCases)
    func killsWhatTheCommandLeavesBehind(placement: InitSandbox.Placement) throws {
        let sandbox = try InitSandbox(placement)
        let server = try sandbox.startServer("hold")
        let (process, status) = try sandbox.start(
            command: sandbox.peer("orphans", "\(sandbox.runDirectory)/peer.sock"), blockingStatus: true)
        let lines = try (0..<4).map { _ in try server.stdout.line(within: 10) }
        #expect(lines.sorted() == ["closed", "closed", "open", "open"])
        let run = try sandbox.finish(process, status: status)
        #expect(run.stdout == "left two orphans\n", "\(run.stderr)")
        #expect(run.status == ["exited 0"])
    }

    /// Descriptors leaked by whoever started init (here 5) reach neither init nor the command; the command's
    /// stdin is /dev/null whatever init's was, and it can gain no privileges.
    @Test(arguments: InitSandbox.Placement.allCases)
    func startsTheCommandClean(placement: InitSandbox.Placement) throws {
        let sandbox = try InitSandbox(placement)
        let leaked = open("/etc/hostname", O_RDONLY | O_CLOEXEC)
        defer { close(leaked) }
        let script = """
            import os
            def is_open(fd):
                try:
                    os.fstat(fd)
                    return True
                except OSError:
                    return False
            print(*[fd for fd in range(1024) if is_open(fd)])
            print(os.readlink("/proc/self/fd/0"))
            print("".join(line for line in open("/proc/self/status") if line.startswith(("SigBlk", "NoNewPrivs"))))
            """
        let run = try sandbox.run(command: ["/usr/bin/python3", "-c", script], descriptors: [0: leaked, 5: leaked])
        #expect(run.stdout == "0 1 2\n/dev/null\nSigBlk:\t0000000000000000\nNoNewPrivs:\t1\n\n", "\(run.stderr)")
        #expect(run.status == ["exited 0"])
    }

    /// `--rlimit` sets the command's limits; one above the hard limit init has is lowered to it (raising a hard
    /// limit needs privilege).
    @Test(arguments: InitSandbox.Placement.allCases)
    func setsTheCommandsResourceLimits(placement: InitSandbox.Placement) throws {
        let sandbox = try InitSandbox(placement)
        var inherited = rlimit()
        getrlimit(__rlimit_resource_t(__RLIMIT_NPROC.rawValue), &inherited)
        let above = inherited.rlim_max == rlim_t.max ? "unlimited" : String(inherited.rlim_max + 1)
        let script = """
            import resource
            for name in ("NOFILE", "MEMLOCK", "STACK", "NPROC"):
                print(name, *resource.getrlimit(getattr(resource, "RLIMIT_" + name)))
            """
        let run = try sandbox.run(
            [
                "--rlimit", "nofile=1024:1024", "--rlimit", "memlock=65536:65536", "--rlimit", "stack=8388608:unlimited",
                "--rlimit", "nproc=512:\(above)",
            ],
            command: ["/usr/bin/python3", "-c", script])
        let hard = inherited.rlim_max == rlim_t.max ? "-1" : String(inherited.rlim_max)
        #expect(run.stdout == "NOFILE 1024 1024\nMEMLOCK 65536 65536\nSTACK 8388608 -1\nNPROC 512 \(hard)\n", "\(run.stderr)")
        #expect(run.status == ["exited 0"])
    }

    // MARK: - Arguments

    /// "COMMAND" stands for a command that would leave a file behind if it ran.
    static let malformed: [[String]] = [
        [],
        ["--"],
        ["COMMAND"],
        ["--bogus", "--", "COMMAND"],
        ["--forward"],
        ["--forward", "9001=/x", "--", "COMMAND"],
        ["--forward", "127.0.0.1:9001", "--", "COMMAND"],
        ["--forward", "localhost:9001=/x", "--", "COMMAND"],
        ["--forward", "127.0.0.1:0=/x", "--", "COMMAND"],
        ["--forward", "127.0.0.1:65536=/x", "--", "COMMAND"],
        ["--forward", "127.0.0.1:90a1=/x", "--", "COMMAND"],
        ["--forward", "127.0.0.1:9001=", "--", "COMMAND"],
        ["--forward", "127.0.0.1:9001=/" + String(repeating: "x", count: 200), "--", "COMMAND"],
        ["--rlimit"],
        ["--rlimit", "nofile", "--", "COMMAND"],
        ["--rlimit", "nofile=1024", "--", "COMMAND"],
        ["--rlimit", "files=1024:1024", "--", "COMMAND"],
        ["--rlimit", "nofile=2048:1024", "--", "COMMAND"],
        ["--rlimit", "nofile=-1:1024", "--", "COMMAND"],
        ["--rlimit", "nofile=1024:lots", "--", "COMMAND"],
        ["--rlimit", "nofile=unlimitedx:unlimited", "--", "COMMAND"],
        ["--status-fd"],
        ["--status-fd", "1", "--", "COMMAND"],
        ["--status-fd", "-3", "--", "COMMAND"],
        ["--status-fd", "99999999999", "--", "COMMAND"],
        ["--status-fd", "987", "--", "COMMAND"],
        ["--status-fd", "x", "--", "COMMAND"],
    ]

    /// Refused with a usage message and exit 2, before anything runs.
    @Test(arguments: malformed)
    func rejectsMalformedArguments(arguments: [String]) throws {
        let sandbox = try InitSandbox(.direct)
        let marker = "\(sandbox.hostDirectory)/ran"
        let process = try InitTestProcess(
            [InitSandbox.binary] + arguments.flatMap { $0 == "COMMAND" ? ["/usr/bin/touch", marker] : [$0] })
        let outcome = try process.finish()
        #expect(outcome.code == 2)
        #expect(outcome.stderr.contains("usage: bulwark-init"))
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test func failsWhenItCannotListen() throws {
        let sandbox = try InitSandbox(.sandbox)
        let run = try sandbox.run(
            ["--forward", Self.forward, "--forward", "127.0.0.1:9001=/var/bulwark/run/other.sock"],
            command: ["/bin/true"])
        #expect(run.code == 1)
        #expect(run.stderr.contains("cannot listen on 127.0.0.1:9001"))
        #expect(run.status.isEmpty)
    }
}
