import Foundation
import Testing

@testable import Execution

@Suite("Child processes and their descriptors")
struct ChildProcessTests {
    /// A busy server's descriptors are numbered in the hundreds; the child must still find each
    /// pipe at the number it asked for, whatever the numbers of the sources (every source number
    /// from here to past 130 is tried).
    @Test func descriptorsArriveWhereAsked() async throws {
        var held: [Int32] = []
        defer { held.forEach { close($0) } }
        while held.count < 130 {
            try await echoThroughDescriptors()
            held.append(open("/dev/null", O_RDONLY | O_CLOEXEC))
        }
    }

    /// The child runs as the host user, group and exactly the supplementary groups asked for (real, effective and
    /// saved ids), with no capability left — what a server running as root gives each sandbox's bubblewrap.
    @Test(.enabled(if: geteuid() == 0, "switching users needs root, which `make test` has in CI"))
    func runsAsTheHostUserAskedFor() async throws {
        let script = "grep -E '^(Uid|Gid|Groups|CapEff|CapPrm):' /proc/self/status >&3"
        let output = try await run(script, user: ChildProcess.HostUser(uid: 1_900_999_999, gid: 1_900_999_998, groups: [1_900_999_997, 65534]))
        let fields = Dictionary(
            uniqueKeysWithValues: output.split(separator: "\n").map { line in
                let parts = line.split(separator: ":", maxSplits: 1)
                return (String(parts[0]), parts[1].split(whereSeparator: \.isWhitespace).joined(separator: " "))
            }
        )
        #expect(fields["Uid"] == "1900999999 1900999999 1900999999 1900999999")
        #expect(fields["Gid"] == "1900999998 1900999998 1900999998 1900999998")
        #expect(fields["Groups"] == "65534 1900999997")
        #expect(fields["CapEff"] == "0000000000000000")
        #expect(fields["CapPrm"] == "0000000000000000")
    }

    /// Without a user to switch to, the child keeps the server's identity; it inherits no descriptor it was not
    /// given, blocks no signal and ignores none, and leads a process group of its own.
    @Test func inheritsNothingButWhatItIsGiven() async throws {
        let leaked = open("/dev/null", O_RDONLY)  // not close-on-exec: only the spawn's closing keeps it out
        defer { close(leaked) }
        let script = "ls /proc/self/fd >&3; grep -E '^(Uid|SigBlk|SigIgn):' /proc/self/status >&3; cut -d' ' -f5 /proc/$$/stat >&3; echo $$ >&3"
        let output = try await run(script, user: nil)
        let lines = output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        // /bin/sh itself, ls and grep run with 0, 1, 2 and 3; ls also lists the directory it reads.
        let descriptors = Set(lines.prefix { Int($0) != nil }.compactMap { Int32($0) })
        #expect(!descriptors.contains(leaked))
        #expect(descriptors.isSubset(of: [0, 1, 2, 3, 4]))
        #expect(lines.contains { $0.hasPrefix("Uid:") && $0.contains("\(geteuid())") })
        #expect(lines.contains { $0.hasPrefix("SigBlk:") && $0.hasSuffix("0000000000000000") })
        #expect(lines.contains { $0.hasPrefix("SigIgn:") && $0.hasSuffix("0000000000000000") })
        let processGroup = lines[lines.count - 2]
        #expect(processGroup == lines[lines.count - 1], "the shell leads its own process group")
    }

    /// A program that cannot be executed is an error of the spawn itself, not a child that exits 127.
    @Test func aMissingProgramIsAnError() throws {
        #expect(throws: POSIXError.self) {
            _ = try ChildProcess(executable: "/nonexistent/program", arguments: [], environment: [:], descriptors: [:])
        }
    }

    private func run(_ script: String, user: ChildProcess.HostUser?) async throws -> String {
        let output = try Pipe2()
        let child = try ChildProcess(
            executable: "/bin/sh", arguments: ["-c", script], environment: ["PATH": "/usr/bin:/bin"],
            descriptors: [3: output.writeEnd], user: user
        )
        close(output.writeEnd)
        let bytes = await FileDescriptorIO.readToEnd(output.readEnd, limit: 65536, timeout: 10)
        close(output.readEnd)
        #expect(await child.wait() == .exited(0))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The Runtime API hears of a runtime's exit through this observer instead of a task per
    /// invocation: it is called once, with the termination, also when registered after the end.
    @Test func terminationObserversHearTheEnd() async throws {
        let child = try ChildProcess(executable: "/bin/sh", arguments: ["-c", "exit 3"], environment: [:], descriptors: [:])
        let heard = await withCheckedContinuation { (continuation: CheckedContinuation<ChildProcess.Termination, Never>) in
            child.onTermination { continuation.resume(returning: $0) }
        }
        #expect(heard == .exited(3))
        let late = await withCheckedContinuation { (continuation: CheckedContinuation<ChildProcess.Termination, Never>) in
            child.onTermination { continuation.resume(returning: $0) }
        }
        #expect(late == .exited(3))
    }

    @Test(
        "Control group files of one number",
        arguments: [("1036288\n", 1_036_288 as Int64?), ("0\n", 0), ("42", 42), ("max\n", nil), ("", nil), ("-1\n", nil)])
    func controlGroupNumbers(content: String, expected: Int64?) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-number-\(UUID().uuidString)")
        try Data(content.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(CGroupFiles.readNumber(atPath: file.path) == expected)
        #expect(CGroupFiles.readNumber(atPath: file.path + "-absent") == nil)
    }

    private func echoThroughDescriptors() async throws {
        let input = try Pipe2()
        let output = try Pipe2()
        let child = try ChildProcess(
            executable: "/bin/sh", arguments: ["-c", "cat <&5 >&3"], environment: [:],
            descriptors: [3: output.writeEnd, 5: input.readEnd]
        )
        close(output.writeEnd)
        close(input.readEnd)
        let message = Array("through descriptor 5\n".utf8)
        #expect(message.withUnsafeBytes { FileDescriptorIO.writeAll(input.writeEnd, $0) })
        close(input.writeEnd)
        let echoed = await FileDescriptorIO.readToEnd(output.readEnd, limit: 1024, timeout: 10)
        close(output.readEnd)
        #expect(echoed == message)
        #expect(await child.wait() == .exited(0))
    }
}
