import Foundation
import Testing

@testable import Execution

@Suite("Sandbox plans and control group discovery")
struct SandboxPlanTests {
    @Test func bubblewrapArgumentsIsolateEverything() {
        let spec = SandboxSpec(
            mounts: [
                .readOnly(host: "/usr", at: "/usr"), .tmpfs(at: "/tmp", sizeBytes: 512 << 20, mode: 0o700), .directory("/opt", mode: 0o755),
                .tmpfs(at: "/var/lang/lib/python3.12/site-packages", sizeBytes: nil),
                .remountReadOnly("/var/lang/lib/python3.12/site-packages"), .proc,
            ],
            environment: ["B": "2", "A": "1"],
            workingDirectory: "/var/task",
            command: ["/var/bulwark/init", "--", "/var/task/bootstrap"]
        )
        let arguments = spec.bubblewrapArguments(environmentDescriptor: 7)
        for flag in ["--unshare-all", "--die-with-parent", "--new-session", "--clearenv"] { #expect(arguments.contains(flag)) }
        #expect(arguments.joined(separator: " ").contains("--cap-drop ALL --uid 993 --gid 990"))
        #expect(arguments.joined(separator: " ").contains("--size 536870912 --perms 700 --tmpfs /tmp --perms 755 --dir /opt"))
        #expect(
            arguments.joined(separator: " ").contains(
                "--tmpfs /var/lang/lib/python3.12/site-packages --remount-ro /var/lang/lib/python3.12/site-packages"))
        // The root turns read-only after the last mount, before the environment and the command.
        #expect(arguments.joined(separator: " ").contains("--proc /proc --remount-ro / --args 7 --chdir /var/task"))
        #expect(Array(arguments.suffix(4)) == ["--", "/var/bulwark/init", "--", "/var/task/bootstrap"])
        #expect(!arguments.contains("--share-net"))
    }

    /// Every local user reads `/proc/<pid>/cmdline`: credentials and the function's variables must
    /// reach bubblewrap through the `--args` descriptor only.
    @Test func noVariableIsOnTheCommandLine() throws {
        let secret = "s3cr3t-\(UUID().uuidString)"
        let spec = SandboxSpec(
            mounts: [.proc],
            environment: ["AWS_SECRET_ACCESS_KEY": secret, "AWS_SESSION_TOKEN": "token-\(secret)", "GREETING": "hello world"],
            workingDirectory: "/var/task",
            command: ["/var/bulwark/init", "--", "/var/task/bootstrap"],
            hostUID: 1_900_000_001,
            hostGroups: [1_899_000_000, 1_899_000_001]
        )
        let arguments = spec.bubblewrapArguments(environmentDescriptor: 7)
        for forbidden in [secret, "hello world", "AWS_SECRET_ACCESS_KEY", "GREETING", "--setenv"] {
            #expect(!arguments.contains { $0.contains(forbidden) }, "\(forbidden) is on the command line")
        }
        let encoded = try spec.environmentArguments()
        let read = encoded.split(separator: 0, omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }
        #expect(
            read == [
                "--setenv", "AWS_SECRET_ACCESS_KEY", secret, "--setenv", "AWS_SESSION_TOKEN", "token-\(secret)",
                "--setenv", "GREETING", "hello world",
            ]
        )
    }

    /// A NUL byte would end a value early in the `--args` encoding, and turn the rest into options.
    @Test(arguments: [
        ["INJECTED": "x\0--bind\0/\0/host"],
        ["BAD\0NAME": "x"],
        ["A=B": "x"],
        ["": "x"],
    ])
    func variablesThatWouldChangeTheArgumentsAreRefused(environment: [String: String]) {
        let spec = SandboxSpec(mounts: [], environment: environment, workingDirectory: "/", command: ["/bin/true"])
        #expect(throws: SandboxError.self) { try spec.environmentArguments() }
    }

    @Test func limitsFollowMemory() {
        #expect(ResourceLimits.lambda(memorySizeMB: 128) == ResourceLimits(memoryBytes: 128 << 20, maxProcesses: 1024, cpuWeight: 7))
        #expect(ResourceLimits.lambda(memorySizeMB: 1769).cpuWeight == 100)
        #expect(ResourceLimits.lambda(memorySizeMB: 10_240).cpuWeight == 578)
    }

    @Test func findsTheServersOwnV1Groups() {
        let mounts = """
            35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
            39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
            32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
            41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
            """
        let membership = "8:pids:/\n4:memory:/jobs/one\n1:cpu:/\n0::/\n"
        let found = CGroupMounts(mountInfo: mounts, membership: membership)
        #expect(found.v1Group(of: "memory")?.path == "/sys/fs/cgroup/memory/jobs/one")
        #expect(found.v1Group(of: "pids")?.path == "/sys/fs/cgroup/pids")
        #expect(found.v1Group(of: "blkio") == nil)
    }

    @Test func interpretersOutsideUsrBindTheirPrefix() {
        #expect(RuntimeCatalog.installationPrefix(of: "/usr/bin/python3.11").isEmpty)
        #expect(RuntimeCatalog.installationPrefix(of: "/opt/python3.12/bin/python3.12") == ["/opt/python3.12"])
    }

    @Test func signalNamesAreGos() {
        #expect(ExitReason.signalName(SIGKILL) == "killed")
        #expect(ExitReason.signalName(SIGSEGV) == "segmentation fault")
        #expect(ExitReason(status: "", bubblewrap: .signaled(SIGABRT), outOfMemory: false).detail == "signal: aborted")
    }

    @Test func bubblewrapsReportGivesTheChild() {
        #expect(Sandbox.childPID(in: Array(#"{ "child-pid": 4242, "cgroup-namespace": 1 }"#.utf8)) == 4242)
        #expect(Sandbox.childPID(in: Array("garbage".utf8)) == nil)
        #expect(Sandbox.childPID(in: Array(#"{"child-pid": 1}"#.utf8)) == nil)
    }
}
