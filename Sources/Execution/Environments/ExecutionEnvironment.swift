import Foundation
import Lambda
import Logging
import NIOCore
import Store
import Synchronization

/// One execution environment: a sandbox running one function version's runtime, its Runtime API
/// and its log stream. It serves one invocation at a time.
final class ExecutionEnvironment: Sendable {
    let id: String
    let function: FunctionSnapshot
    let stream: LogStream
    private let sandbox: Sandbox
    private let session: RuntimeSession
    private let server: RuntimeAPIServer
    private let endpoint: PrivateEndpointServer?
    private let pump: OutputPump
    /// When the role credentials in the environment expire; it is retired before then.
    let credentialsExpire: Date?
    private let directory: URL
    /// The host user the sandbox runs as, held until the environment is gone.
    private let hostUID: HostUIDLease?
    private let initialization = Mutex<InitializationState>(.pending)

    private enum InitializationState {
        case pending
        /// Initialized; the first invocation's report still has to carry the init duration.
        case ready(initDuration: Duration)
        case done
    }

    /// AWS's limit for the init phase of on-demand environments.
    static let initTimeout: Duration = .seconds(10)

    private init(
        id: String, function: FunctionSnapshot, stream: LogStream, sandbox: Sandbox, session: RuntimeSession,
        server: RuntimeAPIServer, endpoint: PrivateEndpointServer?, pump: OutputPump, directory: URL, hostUID: HostUIDLease?,
        credentialsExpire: Date?
    ) {
        self.id = id
        self.function = function
        self.stream = stream
        self.sandbox = sandbox
        self.session = session
        self.server = server
        self.endpoint = endpoint
        self.pump = pump
        self.directory = directory
        self.hostUID = hostUID
        self.credentialsExpire = credentialsExpire
    }

    /// Starts an environment for `function`: its Runtime API, its sandbox, and the runtime inside.
    static func start(
        for function: FunctionSnapshot,
        entry: RuntimeCatalog.Entry,
        host: ExecutionHost,
        code: CodeStore,
        logs: URL,
        group: any EventLoopGroup,
        access: EnvironmentAccess
    ) async throws -> ExecutionEnvironment {
        let id = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let codeDirectory = try await host.codeDirectory(sha256Hex: function.codeSHA256, code: code)
        let layersDirectory = try await host.layersDirectory(function.layers, code: code)
        if let problem = InvalidEntrypoint.check(entry, codeDirectory: codeDirectory, layersDirectory: layersDirectory) { throw problem }
        let hostUID = try host.leaseHostUID()
        let directory = host.environmentsDirectory.appendingPathComponent(id)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        chmod(directory.path, 0o700)
        if let hostUID { chown(directory.path, hostUID.uid, hostUID.uid) }

        let session = RuntimeSession()
        let server: RuntimeAPIServer
        var endpoint: PrivateEndpointServer?
        do {
            server = try await RuntimeAPIServer.start(
                socketPath: directory.appendingPathComponent("runtime.sock").path, session: session, group: group
            )
            if let handler = access.endpoint {
                do {
                    endpoint = try await PrivateEndpointServer.start(
                        socketPath: directory.appendingPathComponent("edge.sock").path, functionARN: function.functionARN,
                        handler: handler, group: group
                    )
                } catch {
                    await server.stop()
                    throw error
                }
            }
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        let stream = LogStream(directory: logs, group: function.logGroup, version: function.version, date: Date())
        stream.appendPlatformLine(PlatformLog(for: function).initStart(of: function, at: Date()))
        var cgroup: ControlGroup?
        do {
            cgroup = try host.controlGroups?.makeGroup(
                named: host.groupName(forEnvironment: id), limits: .lambda(memorySizeMB: function.memorySize)
            )
            guard let tools = host.tools else { throw SandboxError.unavailable(host.blocker ?? "bubblewrap is missing") }
            let spec = SandboxLayout.spec(
                for: function, entry: entry, host: host, codeDirectory: codeDirectory, layersDirectory: layersDirectory,
                environmentDirectory: directory, logStream: stream.name, hostUID: hostUID?.uid,
                hostGroups: host.sandboxGroups(forPackage: function.codeSHA256, layers: function.layers), access: access
            )
            let sandbox = try await Sandbox.launch(spec, seccomp: host.seccomp, group: cgroup, tools: tools)
            let pump = OutputPump(descriptor: sandbox.output, stream: stream)
            sandbox.bubblewrap.onTermination { _ in session.runtimeExited() }
            return ExecutionEnvironment(
                id: id, function: function, stream: stream, sandbox: sandbox, session: session, server: server, endpoint: endpoint,
                pump: pump, directory: directory, hostUID: hostUID, credentialsExpire: access.credentials?.expiration
            )
        } catch {
            await server.stop()
            await endpoint?.stop()
            await cgroup?.remove()
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    /// Whether the runtime's processes are still running.
    var isAlive: Bool { sandbox.bubblewrap.ended == nil }

    /// Whether the environment may serve another invocation: alive, and its role credentials valid
    /// for long enough (15 minutes, the longest timeout of a function).
    var isServiceable: Bool {
        isAlive && (credentialsExpire.map { $0.timeIntervalSinceNow > 15 * 60 } ?? true)
    }

    /// Whether the environment has already served an invocation (a warm start).
    var isInitialized: Bool {
        initialization.withLock { if case .pending = $0 { false } else { true } }
    }

    /// Completes the init phase of a new environment, so that what the runtime writes while it
    /// initializes precedes the invocation's START line: nil when the environment is ready (a warm
    /// one at once), or the outcome of the invocation when init failed.
    func initialize(invokeTimeout: Duration) async -> EnvironmentOutcome? {
        guard !isInitialized else { return nil }
        switch await waitForInit(limit: Self.initTimeout + invokeTimeout) {
        case .ready(let duration):
            initialization.withLock { $0 = .ready(initDuration: duration) }
            pump.drain()
            return nil
        case .failed(let payload, let errorType):
            return .initFailed(payload: payload, errorType: errorType)
        case .none:
            return await ended(timedOut: sandbox.bubblewrap.ended == nil)
        }
    }

    /// Runs one invocation through the Runtime API, with its deadline, once ``initialize(invokeTimeout:)``
    /// found the environment ready.
    func run(_ invocation: Invocation, timeout: Duration) async -> EnvironmentOutcome {
        let initDuration: Duration? = initialization.withLock { state in
            guard case .ready(let duration) = state else { return nil }
            state = .done
            return duration
        }
        let started = ContinuousClock.now
        let invocation = invocation.startingNow(timeout: timeout)
        // One wait, ended by the runtime's answer, the deadline (a timer on the Runtime API's event
        // loop) or the runtime's exit (the session hears of it from the process's waiter).
        var reply: RuntimeReply?
        var expired = false
        do {
            reply = try await session.run(invocation, deadline: (timeout, server.channel.eventLoop))
        } catch RuntimeSession.Interruption.timedOut {
            expired = true
        } catch {
            reply = nil
        }
        let duration = ContinuousClock.now - started
        pump.drain()
        guard let reply else {
            let timedOut = expired && sandbox.bubblewrap.ended == nil
            return await ended(timedOut: timedOut, duration: duration, initDuration: initDuration)
        }
        return .replied(reply, duration: duration, initDuration: initDuration)
    }

    /// Waits for the runtime's first `/next` (or init error), at most `limit`.
    private func waitForInit(limit: Duration) async -> InitOutcome? {
        await withTaskGroup(of: InitOutcome?.self) { group in
            group.addTask { try? await self.session.initialized() }
            group.addTask {
                try? await Task.sleep(until: .now + limit, clock: .continuous)
                return nil
            }
            group.addTask {
                guard await self.sandbox.bubblewrap.waitUnlessCancelled() != nil else { return nil }
                // The runtime may have posted its init error just before exiting.
                return try? self.session.initializedIfKnown()
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// The outcome when no answer came: a timeout, or the runtime's exit (out of memory or not).
    private func ended(timedOut: Bool, duration: Duration = .zero, initDuration: Duration? = nil) async -> EnvironmentOutcome {
        if timedOut { return .timedOut(duration: duration, initDuration: initDuration) }
        let termination = await sandbox.bubblewrap.wait()
        pump.drain()
        let status = String(decoding: await FileDescriptorIO.readToEnd(sandbox.status, limit: 256, timeout: 0.2), as: UTF8.self)
        let outOfMemory = (sandbox.group?.oomKills() ?? 0) > 0
        return .exited(ExitReason(status: status, bubblewrap: termination, outOfMemory: outOfMemory), duration: duration, initDuration: initDuration)
    }

    /// The peak memory of the environment, in MB.
    var maxMemoryUsedMB: Int? {
        sandbox.group?.peakMemory().map { Int(($0 + (1 << 20) - 1) >> 20) }
    }

    /// Ends the environment: its processes, its Runtime API, its control groups and its directory.
    func shutdown() async {
        sandbox.terminate()
        session.end()
        _ = await sandbox.bubblewrap.wait()
        pump.drain()
        close(sandbox.status)
        await server.stop()
        await endpoint?.stop()
        await sandbox.group?.remove()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// How a run in an environment ended.
enum EnvironmentOutcome: Sendable {
    case replied(RuntimeReply, duration: Duration, initDuration: Duration?)
    case initFailed(payload: Data, errorType: String)
    case timedOut(duration: Duration, initDuration: Duration?)
    case exited(ExitReason, duration: Duration, initDuration: Duration?)
}

/// Why a runtime's processes ended, in AWS's words.
struct ExitReason: Sendable, Equatable {
    /// `exit status 1`, `signal: killed`, or nil for a clean exit.
    let detail: String?
    let outOfMemory: Bool

    init(status: String, bubblewrap: ChildProcess.Termination, outOfMemory: Bool) {
        self.outOfMemory = outOfMemory
        let parts = status.split(whereSeparator: \.isWhitespace)
        if parts.count >= 2, let number = Int32(parts[1]) {
            detail = parts[0] == "signaled" ? "signal: \(Self.signalName(number))" : (number == 0 ? nil : "exit status \(number)")
        } else {
            switch bubblewrap {
            case .exited(let code): detail = code == 0 ? nil : "exit status \(code)"
            case .signaled(let number): detail = "signal: \(Self.signalName(number))"
            }
        }
    }

    /// Go's names for signals, which AWS's messages use.
    static func signalName(_ number: Int32) -> String {
        switch number {
        case SIGKILL: "killed"
        case SIGSEGV: "segmentation fault"
        case SIGABRT: "aborted"
        case SIGTERM: "terminated"
        case SIGBUS: "bus error"
        case SIGILL: "illegal instruction"
        case SIGFPE: "floating point exception"
        case SIGINT: "interrupt"
        case SIGPIPE: "broken pipe"
        default: "signal \(number)"
        }
    }
}
