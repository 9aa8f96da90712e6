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
