import Foundation
import Testing

@testable import Execution

#if os(Linux)
    import Glibc

    /// The filter loaded for real: bwrap runs python3 as in a Lambda sandbox (new namespaces, no capabilities, uid 993),
    /// once with the Lambda program on `--seccomp 9` and once without, and python attempts each call in a forked child.
    ///
    /// Without the filter, most attempts fail differently (argument checks come before the kernel's capability checks,
    /// or the call succeeds), which shows that the filter, not the missing capabilities, produced the answer. The
    /// probe script carries its own x86_64 syscall numbers, independent of ``SeccompSyscall``'s table.
    @Suite(
        "Seccomp filter under bwrap",
        .enabled(if: SeccompArchitecture.host == .x86_64 && SandboxRun.canRun, "needs x86_64, /usr/bin/bwrap and /usr/bin/python3"))
    struct SeccompSandboxTests {
        struct Probe: Sendable, CustomTestStringConvertible {
            var name: String
            /// errno; 0 for success; a negative signal number for a child killed by it.
            var expected: Int
            /// Whether the attempt ends otherwise without the filter; not where the kernel checks the capability first
            /// (EPERM either way) or where its answer depends on the kernel's configuration (calls compiled out).
            var baselineDiffers = true

            var testDescription: String { name }
        }

        static let eperm = 1, enotty = 25, enosys = 38, eprotonosupport = 93, eafnosupport = 97, sigsys = -31

        static let probes: [Probe] = [
            Probe(name: "mount", expected: eperm),
            Probe(name: "umount2", expected: eperm),
            Probe(name: "pivot_root", expected: eperm, baselineDiffers: false),
            Probe(name: "chroot", expected: eperm),
            Probe(name: "ptrace_traceme", expected: eperm),
            Probe(name: "ptrace_peek", expected: eperm),
            Probe(name: "process_vm_readv", expected: eperm),
            Probe(name: "process_vm_writev", expected: eperm),
            Probe(name: "kcmp", expected: eperm),
            Probe(name: "pidfd_getfd", expected: eperm),
            Probe(name: "bpf", expected: eperm),
            Probe(name: "perf_event_open", expected: eperm),
            // Absent (ENOSYS) or capability-checked first, depending on the kernel's configuration.
            Probe(name: "kexec_load", expected: eperm, baselineDiffers: false),
            Probe(name: "kexec_file_load", expected: eperm, baselineDiffers: false),
            Probe(name: "init_module", expected: eperm, baselineDiffers: false),
            Probe(name: "finit_module", expected: eperm, baselineDiffers: false),
            Probe(name: "delete_module", expected: eperm, baselineDiffers: false),
            Probe(name: "iopl", expected: eperm, baselineDiffers: false),
            Probe(name: "ioperm", expected: eperm, baselineDiffers: false),
            Probe(name: "lookup_dcookie", expected: eperm, baselineDiffers: false),
            Probe(name: "keyctl", expected: eperm),
            Probe(name: "add_key", expected: eperm),
            Probe(name: "request_key", expected: eperm),
            Probe(name: "unshare_invalid", expected: eperm),
            Probe(name: "unshare_newuser", expected: eperm),
            Probe(name: "setns", expected: eperm),
            Probe(name: "swapon", expected: eperm, baselineDiffers: false),
            Probe(name: "swapoff", expected: eperm, baselineDiffers: false),
            Probe(name: "reboot", expected: eperm, baselineDiffers: false),
            Probe(name: "acct", expected: eperm, baselineDiffers: false),
            Probe(name: "quotactl", expected: eperm),
            Probe(name: "syslog", expected: eperm, baselineDiffers: false),
            Probe(name: "userfaultfd", expected: eperm),
            Probe(name: "open_by_handle_at", expected: eperm),
            Probe(name: "name_to_handle_at", expected: eperm),
            Probe(name: "fanotify_init", expected: eperm, baselineDiffers: false),
            Probe(name: "mbind", expected: eperm),
            Probe(name: "set_mempolicy", expected: eperm),
            Probe(name: "migrate_pages", expected: eperm),
            Probe(name: "move_pages", expected: eperm),
            Probe(name: "clock_settime", expected: eperm),
            Probe(name: "settimeofday", expected: eperm),
            Probe(name: "adjtimex", expected: eperm),
            Probe(name: "clock_adjtime", expected: eperm),
            Probe(name: "fsopen", expected: eperm, baselineDiffers: false),
            Probe(name: "fsconfig", expected: eperm),
            Probe(name: "fsmount", expected: eperm, baselineDiffers: false),
            Probe(name: "fspick", expected: eperm, baselineDiffers: false),
            Probe(name: "move_mount", expected: eperm, baselineDiffers: false),
            Probe(name: "open_tree", expected: eperm),
            Probe(name: "mount_setattr", expected: eperm),
            Probe(name: "io_uring_setup", expected: eperm),
            Probe(name: "io_uring_enter", expected: eperm),
            Probe(name: "io_uring_register", expected: eperm),
            Probe(name: "personality_query", expected: 0, baselineDiffers: false),
            Probe(name: "personality_linux", expected: 0, baselineDiffers: false),
            Probe(name: "personality_norandom", expected: eperm),
            Probe(name: "tiocsti", expected: eperm),
            Probe(name: "tioclinux", expected: eperm),
            Probe(name: "ioctl_tcgets", expected: enotty, baselineDiffers: false),
            Probe(name: "clone_newuser", expected: eperm),
            Probe(name: "clone_newns", expected: eperm),
            Probe(name: "clone3", expected: enosys),
            Probe(name: "fork", expected: 0, baselineDiffers: false),
            Probe(name: "thread", expected: 0, baselineDiffers: false),
            Probe(name: "file_io", expected: 0, baselineDiffers: false),
            Probe(name: "socket_inet", expected: 0, baselineDiffers: false),
            Probe(name: "socket_inet6", expected: 0, baselineDiffers: false),
            Probe(name: "socket_unix", expected: 0, baselineDiffers: false),
            Probe(name: "socket_netlink_route", expected: 0, baselineDiffers: false),
            Probe(name: "socket_netlink_audit", expected: eprotonosupport),
            Probe(name: "socket_packet", expected: eafnosupport),
            Probe(name: "socket_alg", expected: eafnosupport, baselineDiffers: false),
            Probe(name: "loopback_tcp", expected: 0, baselineDiffers: false),
            Probe(name: "x32_getpid", expected: sigsys),
            Probe(name: "i386_getpid", expected: sigsys),
        ]

        static let filtered = ProbeRun(filter: SeccompFilter.lambda(for: .x86_64))
        static let unfiltered = ProbeRun(filter: nil)

        @Test("Each call answers as the policy says under the filter", arguments: probes)
        func underFilter(probe: Probe) throws {
            let results = try Self.filtered.results()
            #expect(results[probe.name] == probe.expected, "output: \(Self.filtered.output)")
        }

        @Test("Without the filter the denied calls answer otherwise", arguments: probes.filter(\.baselineDiffers))
        func withoutFilter(probe: Probe) throws {
            let results = try Self.unfiltered.results()
            let baseline = try #require(results[probe.name], "output: \(Self.unfiltered.output)")
            #expect(baseline != probe.expected)
        }

        @Test("The filter is installed in the sandbox, and only when passed")
        func installed() throws {
            #expect(try Self.filtered.results()["seccomp_mode"] == 2)
            #expect(try Self.unfiltered.results()["seccomp_mode"] == 0)
            #expect(try Self.filtered.results().count == Self.probes.count + 1)
        }

        @Test("python3 runs normally: files, threads, subprocesses, sockets, getaddrinfo")
        func python() throws {
            let script = """
                import json, os, socket, subprocess, threading
                with open("/tmp/a.txt", "w") as f: f.write("data")
                box = []
                t = threading.Thread(target=lambda: box.append(open("/tmp/a.txt").read())); t.start(); t.join()
                child = subprocess.run(["/bin/sh", "-c", "echo from-child"], capture_output=True, text=True).stdout.strip()
                server = socket.socket(); server.bind(("127.0.0.1", 0)); server.listen()
                client = socket.create_connection(server.getsockname()); peer, _ = server.accept()
                client.sendall(b"ping"); got = peer.recv(4).decode()
                names = [n for _, n in socket.if_nameindex()]
                addresses = sorted({a[4][0] for a in socket.getaddrinfo("127.0.0.1", 80)})
                print(json.dumps({"thread": box[0], "child": child, "tcp": got, "lo": "lo" in names, "addr": addresses}))
                """
            let run = try SandboxRun.run(["/usr/bin/python3", "-c", script], filter: SeccompFilter.lambda(for: .x86_64))
            #expect(run.status == 0, "\(run.output)")
            #expect(run.output.contains(#"{"thread": "data", "child": "from-child", "tcp": "ping", "lo": true, "addr": ["127.0.0.1"]}"#))
        }

        @Test("/bin/sh runs normally: pipelines, redirections, subshells")
        func shell() throws {
            let script = "echo hello > /tmp/x && tr a-z A-Z < /tmp/x | cat; (ls / > /dev/null && echo $((6 * 7))) & wait"
            let run = try SandboxRun.run(["/bin/sh", "-c", script], filter: SeccompFilter.lambda(for: .x86_64))
            #expect(run.status == 0, "\(run.output)")
            #expect(run.output == "HELLO\n42\n")
        }

        @Test(
            "node runs normally: fs, child processes, workers, network interfaces, TCP",
            .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/node")))
        func node() throws {
            let script = """
                const fs = require('fs'), cp = require('child_process'), os = require('os'), net = require('net');
                const { Worker } = require('worker_threads');
                fs.writeFileSync('/tmp/n.txt', 'node-data');
                const child = cp.execFileSync('/bin/sh', ['-c', 'echo from-child']).toString().trim();
                const lo = Object.keys(os.networkInterfaces()).includes('lo');
                new Worker('require("worker_threads").parentPort.postMessage(6 * 7)', { eval: true }).on('message', (worker) => {
                  const server = net.createServer((s) => s.end('pong')).listen(0, '127.0.0.1', () => {
                    net.connect(server.address().port, '127.0.0.1').on('data', (d) => {
                      console.log(JSON.stringify({ file: fs.readFileSync('/tmp/n.txt', 'utf8'), child, lo, worker, tcp: d.toString() }));
                      server.close();
                    });
                  });
                });
                """
            let run = try SandboxRun.run(["/usr/bin/node", "-e", script], filter: SeccompFilter.lambda(for: .x86_64))
            #expect(run.status == 0, "\(run.output)")
            #expect(run.output.contains(#"{"file":"node-data","child":"from-child","lo":true,"worker":42,"tcp":"pong"}"#))
        }
    }

    /// One run of the probe script, made once per filter and shared by the parameterized cases.
    struct ProbeRun: Sendable {
        let output: String
        let parsed: [String: Int]?

        init(filter: SeccompFilter?) {
            do {
                let run = try SandboxRun.run(["/usr/bin/python3", "-c", Self.script], filter: filter)
                output = run.output
                let lastLine = run.output.split(separator: "\n").last.map(String.init) ?? ""
                parsed = try? JSONDecoder().decode([String: Int].self, from: Data(lastLine.utf8))
            } catch {
                output = "\(error)"
                parsed = nil
            }
        }

        func results() throws -> [String: Int] {
            try #require(parsed, "probe script output: \(output)")
        }

        /// Each probe runs in a forked child, which exits with the errno (0 on success), so that a call that
        /// succeeds without the filter (unshare, ptrace, personality) cannot disturb the next one.
        static let script = #"""
            import ctypes, json, mmap, os, socket, sys, threading
            libc = ctypes.CDLL(None, use_errno=True)
            libc.syscall.restype = ctypes.c_long
            def sc(nr, *args):
                r = libc.syscall(ctypes.c_long(nr), *[ctypes.c_long(a) for a in args])
                return ctypes.get_errno() if r == -1 else 0
            def cstr(s):
                return ctypes.addressof(ctypes.create_string_buffer(s))
            def sock(family, kind, proto=0):
                try:
                    socket.socket(family, kind, proto).close(); return 0
                except OSError as e:
                    return e.errno
            def i386_getpid():
                # mov eax, 20 (i386 getpid); int 0x80; ret
                code = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
                code.write(b"\xb8\x14\x00\x00\x00\xcd\x80\xc3")
                r = ctypes.CFUNCTYPE(ctypes.c_int)(ctypes.addressof(ctypes.c_char.from_buffer(code)))()
                return 0 if r > 0 else -r
            def fork():
                pid = os.fork()
                if pid == 0: os._exit(7)
                return 0 if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 7 else 1
            def thread():
                box = []; t = threading.Thread(target=lambda: box.append(1)); t.start(); t.join()
                return 0 if box == [1] else 1
            def file_io():
                with open("/tmp/probe", "wb") as f: f.write(b"x" * 10000)
                ok = os.path.getsize("/tmp/probe") == 10000 and open("/tmp/probe", "rb").read(3) == b"xxx"
                os.unlink("/tmp/probe"); return 0 if ok else 1
            def loopback_tcp():
                s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
                c = socket.create_connection(s.getsockname()); a, _ = s.accept(); c.sendall(b"hi")
                return 0 if a.recv(2) == b"hi" else 1
            P = {
                "mount": lambda: sc(165, 0, cstr(b"/"), 1, 0, 0),
                "umount2": lambda: sc(166, cstr(b"/"), 0xffffffff),
                "pivot_root": lambda: sc(155, cstr(b"/"), cstr(b"/")),
                "chroot": lambda: sc(161, cstr(b"/nonexistent")),
                "ptrace_traceme": lambda: sc(101, 0),
                "ptrace_peek": lambda: sc(101, 2, 999999, 0, 0),
                "process_vm_readv": lambda: sc(310, 999999, 0, 0, 0, 0, 0),
                "process_vm_writev": lambda: sc(311, 999999, 0, 0, 0, 0, 0),
                "kcmp": lambda: sc(312, os.getpid(), os.getpid(), 99, 0, 0),
                "pidfd_getfd": lambda: sc(438, -1, 0, 0),
                "bpf": lambda: sc(321, 9999, 0, 0),
                "perf_event_open": lambda: sc(298, 0, 0, -1, -1, 0),
                "kexec_load": lambda: sc(246, 0, 0, 0, 0),
                "kexec_file_load": lambda: sc(320, -1, -1, 0, 0, 0),
                "init_module": lambda: sc(175, 0, 0, 0),
                "finit_module": lambda: sc(313, -1, 0, 0),
                "delete_module": lambda: sc(176, 0, 0),
                "iopl": lambda: sc(172, 99),
                "ioperm": lambda: sc(173, 0, 1, 1),
                "lookup_dcookie": lambda: sc(212, 0, 0, 0),
                "keyctl": lambda: sc(250, 9999, 0, 0, 0, 0),
                "add_key": lambda: sc(248, 1, 1, 0, 0, 0),
                "request_key": lambda: sc(249, 1, 1, 0, 0),
                "unshare_invalid": lambda: sc(272, 1),
                "unshare_newuser": lambda: sc(272, 0x10000000),
                "setns": lambda: sc(308, -1, 0),
                "swapon": lambda: sc(167, 0, 0),
                "swapoff": lambda: sc(168, 0),
                "reboot": lambda: sc(169, 0, 0, 0, 0),
                "acct": lambda: sc(163, 1),
                "quotactl": lambda: sc(179, 0, 0, 0, 0),
                "syslog": lambda: sc(103, 9999, 0, 0),
                "userfaultfd": lambda: sc(323, 0xffffffff),
                "open_by_handle_at": lambda: sc(304, -1, 0, 0),
                "name_to_handle_at": lambda: sc(303, -1, 1, 0, 0, 0),
                "fanotify_init": lambda: sc(300, 0xffffffff, 0),
                "mbind": lambda: sc(237, 1, 0, 99, 0, 0, 0),
                "set_mempolicy": lambda: sc(238, 99, 0, 0),
                "migrate_pages": lambda: sc(256, 999999, 0, 0, 0),
                "move_pages": lambda: sc(279, 999999, 0, 0, 0, 0, 0xffffffff),
                "clock_settime": lambda: sc(227, 9999, 0),
                "settimeofday": lambda: sc(164, 1, 0),
                "adjtimex": lambda: sc(159, 1),
                "clock_adjtime": lambda: sc(305, 9999, 0),
                "fsopen": lambda: sc(430, 0, 0xffffffff),
                "fsconfig": lambda: sc(431, -1, 0, 0, 0, 0),
                "fsmount": lambda: sc(432, -1, 0, 0),
                "fspick": lambda: sc(433, -1, 0, 0xffffffff),
                "move_mount": lambda: sc(429, -1, 0, -1, 0, 0xffffffff),
                "open_tree": lambda: sc(428, -1, 0, 0xffffffff),
                "mount_setattr": lambda: sc(442, -1, 0, 0xffffffff, 0, 0),
                "io_uring_setup": lambda: sc(425, 0, 0),
                "io_uring_enter": lambda: sc(426, -1, 0, 0, 0, 0, 0),
                "io_uring_register": lambda: sc(427, -1, 0, 0, 0),
                "personality_query": lambda: sc(135, 0xffffffff),
                "personality_linux": lambda: sc(135, 0),
                "personality_norandom": lambda: sc(135, 0x0040000),
                "tiocsti": lambda: sc(16, 0, 0x5412, cstr(b"x")),
                "tioclinux": lambda: sc(16, 0, 0x541C, cstr(b"\x00")),
                "ioctl_tcgets": lambda: sc(16, 0, 0x5401, cstr(b"\x00" * 64)),
                # CLONE_FS makes both invalid without the filter, so no child ever starts.
                "clone_newuser": lambda: sc(56, 0x10000000 | 0x200, 0, 0, 0, 0),
                "clone_newns": lambda: sc(56, 0x20000 | 0x200, 0, 0, 0, 0),
                "clone3": lambda: sc(435, 0, 0),
                "fork": fork,
                "thread": thread,
                "file_io": file_io,
                "socket_inet": lambda: sock(socket.AF_INET, socket.SOCK_STREAM),
                "socket_inet6": lambda: sock(socket.AF_INET6, socket.SOCK_DGRAM),
                "socket_unix": lambda: sock(socket.AF_UNIX, socket.SOCK_STREAM),
                "socket_netlink_route": lambda: sock(16, socket.SOCK_RAW, 0),
                "socket_netlink_audit": lambda: sock(16, socket.SOCK_RAW, 9),
                "socket_packet": lambda: sock(17, socket.SOCK_RAW, 0),
                "socket_alg": lambda: sock(38, socket.SOCK_SEQPACKET, 0),
                "loopback_tcp": loopback_tcp,
                "x32_getpid": lambda: sc(0x40000000 | 39),
                "i386_getpid": i386_getpid,
            }
            results = {}
            for name, probe in P.items():
                pid = os.fork()
                if pid == 0:
                    try:
                        os._exit(probe())
                    except BaseException:
                        os._exit(255)
                _, status = os.waitpid(pid, 0)
                results[name] = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -os.WTERMSIG(status)
            status = open("/proc/self/status").read()
            results["seccomp_mode"] = int(status.split("Seccomp:")[1].split()[0])
            print(json.dumps(results))
            """#
    }

    /// Starts a command under bwrap the way a Lambda sandbox is set up, with the filter's program on descriptor 9
    /// through a pipe, and collects its exit status and its output (stdout and stderr together).
    enum SandboxRun {
        static let bwrap = "/usr/bin/bwrap"
        /// Bounds a run that would hang (a stopped, traced child), so the suite fails instead of waiting forever.
        static let timeout = "/usr/bin/timeout"
        static let seccompDescriptor: Int32 = 9

        static var canRun: Bool {
            [bwrap, timeout, "/usr/bin/python3"].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
        }

        struct Failure: Error, CustomStringConvertible {
            var description: String
        }

        static func run(_ command: [String], filter: SeccompFilter?) throws -> (status: Int32, output: String) {
            var arguments = [timeout, "-k", "5", "120", bwrap, "--unshare-all", "--die-with-parent"]
            arguments += ["--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64"]
            arguments += ["--symlink", "usr/bin", "/bin", "--symlink", "usr/sbin", "/sbin"]
            arguments += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--chdir", "/tmp", "--uid", "993", "--gid", "993"]
            if filter != nil { arguments += ["--seccomp", String(seccompDescriptor)] }
            arguments += ["--"] + command

            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)

            // Every descriptor here is close-on-exec, so that children spawned by tests running alongside never hold
            // them; the file actions give the child its own copies.
            let output = try pipeDescriptors()
            defer { close(output.read) }
            posix_spawn_file_actions_adddup2(&actions, output.write, 1)
            posix_spawn_file_actions_adddup2(&actions, output.write, 2)

            var seccompRead: Int32 = -1
            if let filter {
                let program = try pipeDescriptors()
                do {
                    try filter.write(to: program.write)
                } catch {
                    close(program.read)
                    close(program.write)
                    throw error
                }
                close(program.write)
                // dup2 onto itself would keep close-on-exec, so move the read end above 9 first.
                seccompRead = fcntl(program.read, F_DUPFD_CLOEXEC, seccompDescriptor + 1)
                close(program.read)
                guard seccompRead >= 0 else { throw Failure(description: "fcntl failed: errno \(errno)") }
                posix_spawn_file_actions_adddup2(&actions, seccompRead, seccompDescriptor)
            }
            defer { if seccompRead >= 0 { close(seccompRead) } }

            let environmentStrings = ["PATH=/usr/bin:/bin", "LANG=C.UTF-8", "HOME=/tmp"]
            let argv = arguments.map { strdup($0) } + [nil]
            let environment = environmentStrings.map { strdup($0) } + [nil]
            defer { (argv + environment).forEach { free($0) } }
            var pid: pid_t = 0
            let spawned = posix_spawn(&pid, timeout, &actions, nil, argv, environment)
            close(output.write)
            guard spawned == 0 else { throw Failure(description: "posix_spawn failed: errno \(spawned)") }

            var collected: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(output.read, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                collected += buffer[0..<count]
            }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 {
                guard errno == EINTR else { throw Failure(description: "waitpid failed: errno \(errno)") }
            }
            // WIFEXITED / WEXITSTATUS; a signal death is reported as 128 + signal, as the shell does.
            let exitStatus = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
            return (exitStatus, String(decoding: collected, as: UTF8.self))
        }

        private static func pipeDescriptors() throws -> (read: Int32, write: Int32) {
            // Glibc's module map hides pipe2; a spawn that slips between pipe and fcntl only delays our end of file.
            var fds: [Int32] = [0, 0]
            guard pipe(&fds) == 0 else { throw Failure(description: "pipe failed: errno \(errno)") }
            for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            return (fds[0], fds[1])
        }
    }
#endif
