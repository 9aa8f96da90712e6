import BulwarkCore
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
        server: RuntimeAPIServer, endpoint: PrivateEndpointServer?, pump: OutputPump, hostUID: HostUIDLease?,
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
        logSink: (any FunctionLogSink)? = nil,
        logPermissions: (any FunctionLogPermissions)? = nil,
        group: any EventLoopGroup,
        access: EnvironmentAccess
    ) async throws -> ExecutionEnvironment {
        let id = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let codeDirectory = try await host.codeDirectory(sha256Hex: function.codeSHA256, code: code)
        let layersDirectory = try await host.layersDirectory(function.layers, code: code)
        if let problem = InvalidEntrypoint.check(entry, codeDirectory: codeDirectory, layersDirectory: layersDirectory) { throw problem }
        // The lines go to CloudWatch Logs only as far as the role allows (decision 0035): with no
        // judge of its permissions, they are not delivered at all.
        let started = Date()
        let streamName = LogStream.newName(version: function.version, date: started)
        var destination: LogDestination?
        if let logSink, let logPermissions {
            switch try await logPermissions.logDelivery(for: function, stream: streamName) {
            case .refused: destination = nil
            case .toExistingGroup:
                destination = LogDestination(sink: logSink, accountID: function.accountID, region: function.region, createsGroup: false)
            case .allowed: destination = LogDestination(sink: logSink, accountID: function.accountID, region: function.region)
            }
        }
        let hostUID = try host.leaseHostUID()
        let stream = LogStream(
            directory: logs, group: function.logGroup, version: function.version, date: started, name: streamName, destination: destination)
        stream.appendPlatformLine(PlatformLog(for: function).initStart(of: function, at: Date()))
        let session = RuntimeSession()
        var cgroup: ControlGroup?
        var sandbox: Sandbox?
        var server: RuntimeAPIServer?
        // Listeners handed to a server are the server's to close, even when it failed to start.
        var taken = 0
        do {
            cgroup = try host.controlGroups?.makeGroup(
                named: host.groupName(forEnvironment: id), limits: .lambda(memorySizeMB: function.memorySize)
            )
            guard let tools = host.tools else { throw SandboxError.unavailable(host.blocker ?? "bubblewrap is missing") }
            let spec = SandboxLayout.spec(
                for: function, entry: entry, host: host, codeDirectory: codeDirectory, layersDirectory: layersDirectory,
                logStream: stream.name, hostUID: hostUID?.uid,
                hostGroups: host.sandboxGroups(forPackage: function.codeSHA256, layers: function.layers), access: access
            )
            let launched = try await Sandbox.launch(spec, seccomp: host.seccomp, group: cgroup, tools: tools)
            sandbox = launched
            // The sockets come in the order of the layout's `--listen` addresses: the Runtime API, then the endpoint.
            taken = 1
            let runtimeAPI = try await RuntimeAPIServer.start(listener: launched.listeners[0], session: session, group: group)
            server = runtimeAPI
            var endpoint: PrivateEndpointServer?
            if let handler = access.endpoint {
                taken = 2
                endpoint = try await PrivateEndpointServer.start(
                    listener: launched.listeners[1], functionARN: function.functionARN, handler: handler, group: group
                )
            }
            let pump = OutputPump(descriptor: launched.output, stream: stream)
            launched.bubblewrap.onTermination { _ in session.runtimeExited() }
            return ExecutionEnvironment(
                id: id, function: function, stream: stream, sandbox: launched, session: session, server: runtimeAPI, endpoint: endpoint,
                pump: pump, hostUID: hostUID, credentialsExpire: access.credentials?.expiration
            )
        } catch {
            if let sandbox {
                sandbox.terminate()
                _ = await sandbox.bubblewrap.wait()
                for listener in sandbox.listeners.dropFirst(taken) { close(listener) }
                close(sandbox.output)
                close(sandbox.status)
            }
            await server?.stop()
            await cgroup?.remove()
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

    /// Ends the environment: its processes, its Runtime API and its control groups.
    func shutdown() async {
        sandbox.terminate()
        session.end()
        _ = await sandbox.bubblewrap.wait()
        pump.drain()
        close(sandbox.status)
        await server.stop()
        await endpoint?.stop()
        await sandbox.group?.remove()
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
