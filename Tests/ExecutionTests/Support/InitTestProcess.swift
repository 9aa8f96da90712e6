#if canImport(Glibc)
    import Glibc
#endif

/// A child process of the bulwark-init tests: stdin from /dev/null, stdout and stderr on pipes, and any other
/// descriptors handed over at chosen numbers (which Foundation's `Process` cannot do: it closes them all).
/// Every wait has a deadline, so a test that goes wrong fails instead of hanging; the child is killed when the
/// object goes away.
final class InitTestProcess {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// How the process ended, and everything it wrote.
    struct Outcome {
        /// The exit code, or 128 + the signal number, as a shell reports it.
        let code: Int32
        let stdout: String
        let stderr: String
    }

    let pid: pid_t
    let stdout: InitTestPipe
    let stderr: InitTestPipe
    private var reaped = false

    /// Starts `arguments[0]` (an absolute path) with `descriptors[n]` of ours as its descriptor `n`.
    init(_ arguments: [String], descriptors: [Int32: Int32] = [:]) throws {
        let out = try InitTestPipe.make()
        let err = try InitTestPipe.make()
        defer {
            close(out.write)
            close(err.write)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, out.write, 1)
        posix_spawn_file_actions_adddup2(&actions, err.write, 2)
        for (child, ours) in descriptors {
            posix_spawn_file_actions_adddup2(&actions, ours, child)
        }
        // The test runner's threads may block signals; children start with none blocked.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))

        let argv = arguments.map { strdup($0) } + [nil]
        let variables: [String] = ["PATH=/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE=1"]
        let environment = variables.map { strdup($0) } + [nil]
        defer { (argv + environment).forEach { free($0) } }
        var pid = pid_t()
        let result = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, environment)
        guard result == 0 else {
            close(out.read)
            close(err.read)
            throw Failure(description: "cannot start \(arguments[0]): \(String(cString: strerror(result)))")
        }
        self.pid = pid
        stdout = InitTestPipe(fd: out.read)
        stderr = InitTestPipe(fd: err.read)
    }

    deinit {
        if !reaped {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
    }

    /// Kills the process (a server that runs until told) and returns what it wrote.
    func stop() throws -> Outcome {
        kill(pid, SIGKILL)
        return try finish(within: 10)
    }

    /// Waits until the process has exited and closed its stdout and stderr, collecting both, and `also`'s
    /// contents (a pipe it shares with the process) as well.
    func finish(within seconds: Double = 20, also others: [InitTestPipe] = []) throws -> Outcome {
        let deadline = InitTestPipe.now() + seconds
        var code: Int32?
        let pipes = [stdout, stderr] + others
        while code == nil || pipes.contains(where: { !$0.atEOF }) {
            guard InitTestPipe.now() < deadline else {
                throw Failure(
                    description: "process \(pid) not finished within \(seconds) s; stdout: \(stdout.text) "
                        + "stderr: \(stderr.text)")
            }
            InitTestPipe.pump(pipes, milliseconds: 10)
            if code == nil {
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid {
                    reaped = true
                    let signal = status & 0x7f
                    code = signal == 0 ? (status >> 8) & 0xff : 128 + signal
                }
            }
        }
        return Outcome(code: code ?? -1, stdout: stdout.text, stderr: stderr.text)
    }
}
