import BulwarkCore
import CBulwarkSystem
import Foundation
import Glibc

/// A running bubblewrap sandbox: the namespaces, the control group and the first process inside.
///
/// Launch order, so that no process of the sandbox ever runs outside its limits: bubblewrap builds
/// the namespaces and reports its child (`--info-fd`), then waits (`--block-fd`) while the server
/// moves that child into the environment's control groups, and only then runs the command.
///
/// The environment, role credentials included, reaches bubblewrap as `--setenv` arguments in an
/// in-memory file (`--args`), never on a command line: `/proc/<pid>/cmdline` is readable by every
/// local user, whereas `/proc/<pid>/environ` only by the process's own user and root.
///
/// The sandbox's own network namespace has the TCP addresses the runtime calls (the Runtime API's
/// 127.0.0.1:9001): `bulwark-init` listens on them before the runtime starts and hands the listening
/// sockets over (``SandboxSpec/handedOffListeners``), so that the server accepts the runtime's
/// connections itself, with no relay inside the sandbox.
final class Sandbox: Sendable {
    /// The bubblewrap process (outside the PID namespace).
    let bubblewrap: ChildProcess
    /// The host PID of the first process inside the PID namespace; killing it ends them all.
    let initPID: pid_t
    /// Read end of the sandbox's standard output and error, merged in order.
    let output: Int32
    /// Read end of `bulwark-init`'s status line (`exited N` / `signaled N`).
    let status: Int32
    /// The listening sockets `bulwark-init` handed over, in the order of its `--listen` addresses.
    let listeners: [Int32]
    let group: ControlGroup?

    private init(bubblewrap: ChildProcess, initPID: pid_t, output: Int32, status: Int32, listeners: [Int32], group: ControlGroup?) {
        self.bubblewrap = bubblewrap
        self.initPID = initPID
        self.output = output
        self.status = status
        self.listeners = listeners
        self.group = group
    }

    /// The descriptor on which the command (`bulwark-init --handoff-fd`) sends its listening sockets.
    static let handoffDescriptor: Int32 = 8

    /// Where the programs that start sandboxes are.
    struct Tools: Sendable {
        var bubblewrap: String
    }

    /// Starts a sandbox. The caller owns the returned descriptors.
    static func launch(_ spec: SandboxSpec, seccomp: [UInt8], group: ControlGroup?, tools: Tools) async throws -> Sandbox {
        let environment = try MemoryFile(named: "bulwark-environment", contents: try spec.environmentArguments())
        defer { environment.close() }
        let output = try Pipe2()
        let info = try Pipe2()
        let block = try Pipe2()
        let filter = try Pipe2()
        let status = try Pipe2()
        let handoff = try HandoffChannel()
        let devNull = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer { if devNull >= 0 { close(devNull) } }

        let arguments =
            ["--info-fd", "3", "--block-fd", "4", "--seccomp", "5"] + spec.bubblewrapArguments(environmentDescriptor: 7)
        // A server running as root starts bubblewrap as the sandbox's own host user.
        let user = spec.hostUID.map { ChildProcess.HostUser(uid: $0, gid: $0, groups: spec.hostGroups) }
        let process: ChildProcess
        do {
            process = try ChildProcess(
                executable: tools.bubblewrap,
                arguments: arguments,
                environment: ["PATH": "/usr/bin:/bin"],
                descriptors: [
                    0: devNull, 1: output.writeEnd, 2: output.writeEnd,
                    3: info.writeEnd, 4: block.readEnd, 5: filter.readEnd, 6: status.writeEnd, 7: environment.descriptor,
                    handoffDescriptor: handoff.sandboxEnd,
                ],
                user: user
            )
        } catch {
            [output, info, block, filter, status].forEach {
                close($0.readEnd); close($0.writeEnd)
            }
            handoff.close()
            throw error
        }
        [output.writeEnd, info.writeEnd, block.readEnd, filter.readEnd, status.writeEnd, handoff.sandboxEnd].forEach { close($0) }
        defer { close(handoff.serverEnd) }

        // bubblewrap reads the program to its end before it builds the sandbox.
        let written = seccomp.withUnsafeBytes { FileDescriptorIO.writeAll(filter.writeEnd, $0) }
        close(filter.writeEnd)

        // The report is one JSON object; bubblewrap may keep the descriptor open after writing it.
        let report = await FileDescriptorIO.readToEnd(info.readEnd, limit: 4096, timeout: 10) { bytes in
            bytes.last(where: { $0 != 0x0A && $0 != 0x20 }) == UInt8(ascii: "}")
        }
        close(info.readEnd)
        guard written, let childPID = Self.childPID(in: report) else {
            let endedOnItsOwn = process.ended
            process.signal(SIGKILL)
            close(block.writeEnd)
            // What bubblewrap said on its way out explains the failure.
            let said = await FileDescriptorIO.readToEnd(output.readEnd, limit: 2048, timeout: 1)
            close(output.readEnd)
            close(status.readEnd)
            var detail = String(decoding: report.isEmpty ? said : report, as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            if detail.isEmpty, let endedOnItsOwn { detail = "it ended with \(endedOnItsOwn)" }
            throw SandboxError.launchFailed("bubblewrap did not start the sandbox\(detail.isEmpty ? "" : ": \(detail)")")
        }
        do {
            try group?.add(pid: childPID)
        } catch {
            kill(childPID, SIGKILL)
            process.signal(SIGKILL)
            close(block.writeEnd)
            close(output.readEnd)
            close(status.readEnd)
            throw SandboxError.launchFailed("cannot place the sandbox in its control groups: \(error)")
        }
        // Release the sandbox: it now runs within its limits.
        _ = [UInt8(1)].withUnsafeBytes { FileDescriptorIO.writeAll(block.writeEnd, $0) }
        close(block.writeEnd)
        var listeners: [Int32] = []
        if spec.handedOffListeners > 0 {
            listeners = await FileDescriptorIO.receiveDescriptors(handoff.serverEnd, capacity: spec.handedOffListeners, timeout: 10)
            guard listeners.count == spec.handedOffListeners, listeners.allSatisfy({ bulwark_is_listening_tcp4($0) == 1 }) else {
                listeners.forEach { close($0) }
                kill(childPID, SIGKILL)
                process.signal(SIGKILL)
                let said = await FileDescriptorIO.readToEnd(output.readEnd, limit: 2048, timeout: 1)
                close(output.readEnd)
                close(status.readEnd)
                let detail = String(decoding: said, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                throw SandboxError.launchFailed(
                    "the sandbox's init did not hand over its listening sockets\(detail.isEmpty ? "" : ": \(detail)")")
            }
        }
        return Sandbox(
            bubblewrap: process, initPID: childPID, output: output.readEnd, status: status.readEnd, listeners: listeners, group: group)
    }

    /// Kills every process of the sandbox: ending the PID namespace's first process ends them all.
    func terminate() {
        if bubblewrap.ended == nil { kill(initPID, SIGKILL) }
        bubblewrap.signal(SIGKILL)
    }

    /// `{"child-pid": 1234, ...}` → 1234.
    static func childPID(in report: [UInt8]) -> pid_t? {
        guard let object = try? JSONValue.parse(Data(report)), case .int(let pid) = object["child-pid"], pid > 1 else {
            return nil
        }
        return pid_t(pid)
    }
}

/// The Unix socket pair over which `bulwark-init` hands its listening sockets to the server.
private struct HandoffChannel {
    let serverEnd: Int32
    let sandboxEnd: Int32

    init() throws {
        var ends: [Int32] = [0, 0]
        guard bulwark_seqpacket_pair_cloexec(&ends) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        serverEnd = ends[0]
        sandboxEnd = ends[1]
    }

    func close() {
        Glibc.close(serverEnd)
        Glibc.close(sandboxEnd)
    }
}

/// Failures to provide a sandbox.
enum SandboxError: Error, Sendable, CustomStringConvertible {
    case launchFailed(String)
    case unavailable(String)

    var description: String {
        switch self {
        case .launchFailed(let text), .unavailable(let text): text
        }
    }
}
