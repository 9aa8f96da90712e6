import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// bulwark-init (Sources/BulwarkInit), run as the built binary in real bubblewrap sandboxes: the listening sockets
/// it hands over to a peer on the host, and the supervision of the command (status line, signals, orphans).
/// Serialized: each test blocks a thread on its child processes.
@Suite(.serialized)
struct BulwarkInitTests {
    // MARK: - Listening sockets handed over

    /// Runs `command` under init listening on `addresses`, handing the sockets to a host peer serving `modes`.
    private func runHandingOver(
        _ sandbox: InitSandbox, addresses: [String], modes: [String], command: [String]
    ) throws -> (run: InitSandbox.Run, server: InitTestProcess) {
        let (server, handoff) = try sandbox.startHandedServer(modes)
        defer { close(handoff) }
        let run = try sandbox.run(
            addresses.flatMap { ["--listen", $0] } + ["--handoff-fd", "4"], command: command, descriptors: [4: handoff])
        return (run, server)
    }

    @Test(arguments: [InitSandbox.Placement.sandbox, .sandboxAsPID1])
    func theRuntimeTalksToTheHostOnTheListenerInitHandedOver(placement: InitSandbox.Placement) throws {
        let sandbox = try InitSandbox(placement)
        let (run, server) = try runHandingOver(
            sandbox, addresses: ["127.0.0.1:9001"], modes: ["http"], command: sandbox.peer("http", "127.0.0.1", "9001"))
        #expect(run.stdout == "event {\"hello\":\"world\"} status 202 {\"status\":\"OK\"}\n", "\(run.stderr)")
        #expect(try server.stdout.line() == "listening 1")
        #expect(try server.stdout.line() == "response {\"answer\":42}")
        #expect(run.status == ["exited 0"])
        #expect(run.code == 0)
    }

    @Test func severalListenersAreHandedOverInTheirOrder() throws {
        let sandbox = try InitSandbox(.sandbox)
        let (run, server) = try runHandingOver(
            sandbox, addresses: ["127.0.0.1:9001", "127.0.0.1:4566"], modes: ["http", "echo"],
            command: [
                "/bin/sh", "-c",
                "\(sandbox.peer("http", "127.0.0.1", "9001").joined(separator: " ")) && "
                    + sandbox.peer("echo", "127.0.0.1", "4566", "\(1 << 20)").joined(separator: " "),
            ])
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 2 && lines[0].hasPrefix("event ") && lines[1].hasPrefix("echo ok \(1 << 20) "), "\(run)")
        #expect(try server.stdout.line() == "listening 2")
        #expect(try server.stdout.line() == "response {\"answer\":42}")
        #expect(run.status == ["exited 0"])
    }

    /// Once handed over, no listening socket stays inside: neither init nor the command holds one (a runtime that
    /// held it could accept its own calls), nor the channel they went through.
    @Test func neitherInitNorTheCommandKeepsASocket() throws {
        let sandbox = try InitSandbox(.sandbox)
        let (run, server) = try runHandingOver(
            sandbox, addresses: ["127.0.0.1:9001", "127.0.0.1:4566"], modes: ["echo", "echo"], command: sandbox.peer("sockets"))
        #expect(run.stdout == "command 0 init 0\n", "\(run.stderr)")
        #expect(try server.stdout.line() == "listening 2")
        #expect(run.status == ["exited 0"])
    }

    /// A second listener on the same address cannot bind: init says so and exits 1 before the command runs,
    /// having handed nothing over.
    @Test func failsWhenItCannotListen() throws {
        let sandbox = try InitSandbox(.sandbox)
        let (run, _) = try runHandingOver(
            sandbox, addresses: ["127.0.0.1:9001", "127.0.0.1:9001"], modes: ["echo", "echo"],
            command: ["/usr/bin/touch", "/var/bulwark/run/ran"])
        #expect(run.code == 1)
        #expect(run.stderr.contains("cannot listen on 127.0.0.1:9001"), "\(run.stderr)")
        #expect(run.status.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: "\(sandbox.hostDirectory)/ran"))
    }

    /// Nobody at the other end of the channel: init cannot hand over and exits 1 before the command runs.
    @Test func failsWhenNobodyTakesTheListeners() throws {
        let sandbox = try InitSandbox(.sandbox)
        var ends: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0)
        close(ends[0])
        defer { close(ends[1]) }
        let run = try sandbox.run(
            ["--listen", "127.0.0.1:9001", "--handoff-fd", "4"], command: ["/usr/bin/touch", "/var/bulwark/run/ran"],
            descriptors: [4: ends[1]])
        #expect(run.code == 1)
        #expect(run.stderr.contains("handing off the listening sockets"), "\(run.stderr)")
        #expect(run.status.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: "\(sandbox.hostDirectory)/ran"))
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
        ["--listen"],
        ["--listen", "9001", "--handoff-fd", "4", "--", "COMMAND"],
        ["--listen", "localhost:9001", "--handoff-fd", "4", "--", "COMMAND"],
        ["--listen", "127.0.0.1:0", "--handoff-fd", "4", "--", "COMMAND"],
        ["--listen", "127.0.0.1:65536", "--handoff-fd", "4", "--", "COMMAND"],
        ["--listen", "127.0.0.1:90a1", "--handoff-fd", "4", "--", "COMMAND"],
        ["--listen", "127.0.0.1:", "--handoff-fd", "4", "--", "COMMAND"],
        ["--listen", "127.0.0.1:9001", "--", "COMMAND"],
        ["--handoff-fd", "4", "--", "COMMAND"],
        ["--handoff-fd"],
        ["--listen", "127.0.0.1:9001", "--handoff-fd", "1", "--", "COMMAND"],
        ["--listen", "127.0.0.1:9001", "--handoff-fd", "987", "--", "COMMAND"],
        ["--listen", "127.0.0.1:9001", "--handoff-fd", "4", "--handoff-fd", "4", "--", "COMMAND"],
        ["--listen", "127.0.0.1:9001", "--handoff-fd", "4", "--status-fd", "4", "--", "COMMAND"],
        Array(repeating: ["--listen", "127.0.0.1:9001"], count: 9).flatMap { $0 } + ["--handoff-fd", "4", "--", "COMMAND"],
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

    /// Refused with a usage message and exit 2, before anything runs (descriptor 4 is open, so that only what is
    /// wrong with each line refuses it).
    @Test(arguments: malformed)
    func rejectsMalformedArguments(arguments: [String]) throws {
        let sandbox = try InitSandbox(.direct)
        let marker = "\(sandbox.hostDirectory)/ran"
        let open4 = open("/dev/null", O_RDONLY | O_CLOEXEC)
        defer { close(open4) }
        let process = try InitTestProcess(
            [InitSandbox.binary] + arguments.flatMap { $0 == "COMMAND" ? ["/usr/bin/touch", marker] : [$0] },
            descriptors: [4: open4])
        let outcome = try process.finish()
        #expect(outcome.code == 2)
        #expect(outcome.stderr.contains("usage: bulwark-init"))
        #expect(!FileManager.default.fileExists(atPath: marker))
    }
}
