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
