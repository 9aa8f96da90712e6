import AWSWire
import BulwarkCore
import Foundation
import Lambda
import Logging
import NIOCore
import Store
import Synchronization

/// Runs invocations (DESIGN §2): concurrency, a warm environment of the exact function version or a
/// new one, the Runtime API exchange with its deadline, and the log lines and error shapes of AWS.
public final class Invoker: FunctionInvoker {
    let host: ExecutionHost
    private let code: CodeStore
    private let logsDirectory: URL
    private let logSink: (any FunctionLogSink)?
    private let logPermissions: (any FunctionLogPermissions)?
    private let metrics: (any FunctionMetricSink)?
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let gate = ConcurrencyGate()
    private let pool = EnvironmentPool()
    private let credentials: (any FunctionCredentialsProvider)?
    private let counters: ExecutionMetrics
    private let endpoint = Mutex<PrivateEndpointServer.Handler?>(nil)
    let wakeup = Wakeup()

    /// - Parameters:
    ///   - credentials: issues each environment's role credentials; nil runs functions without any.
    ///   - logSink: where functions' log lines go besides their stream's file (CloudWatch Logs).
    ///   - logPermissions: judges whether a function's role lets its lines reach `logSink`; without
    ///     it, none do.
    ///   - metrics: where each invocation and throttle is reported (CloudWatch's `AWS/Lambda`).
    ///   - counters: counts invocations and cold starts for the operator's metrics (`GET /metrics`).
    public init(
        host: ExecutionHost, code: CodeStore, logsDirectory: URL, eventLoopGroup: any EventLoopGroup,
        credentials: (any FunctionCredentialsProvider)?, logSink: (any FunctionLogSink)? = nil,
        logPermissions: (any FunctionLogPermissions)? = nil, metrics: (any FunctionMetricSink)? = nil,
        counters: ExecutionMetrics = .disabled, logger: Logger
    ) {
        self.host = host
        self.code = code
        self.logsDirectory = logsDirectory
        self.logSink = logSink
        self.logPermissions = logPermissions
        self.metrics = metrics
        self.eventLoopGroup = eventLoopGroup
        self.credentials = credentials
        self.counters = counters
        self.logger = logger
    }

    /// Gives functions their private endpoint: every request through it is answered by `handler`
    /// (the server's pipeline).
    public func connectPrivateEndpoint(_ handler: @escaping @Sendable (WireRequest) async -> WireResponse) {
        endpoint.withLock { $0 = handler }
    }

    public func unavailability(of runtime: String) async -> String? {
        switch await host.prepared().catalog.support(for: runtime) {
        case .success: nil
        case .failure(let problem): problem.reason
        }
    }

    public func eventEnqueued() {
        wakeup.signal()
    }

    public func invoke(_ request: InvokeRequest) async throws -> InvokeResult {
        let function = request.function
        // Right after a start this waits for the staging directory (ExecutionHost.prepared()).
        let preparation = await host.prepared()
        if let blocker = preparation.blocker {
            throw AWSError(code: "ServiceException", message: "Bulwark cannot run functions on this host: \(blocker).", status: 500)
        }
        let entry: RuntimeCatalog.Entry
        switch preparation.catalog.support(for: function.runtime) {
        case .success(let found): entry = found
        case .failure(let problem):
            throw AWSError(code: "InvalidRuntimeException", message: "Bulwark cannot run \(function.runtime) here: \(problem.reason).", status: 502)
        }
        let ticket: ConcurrencyGate.Ticket
        do {
            ticket = try gate.acquire(
                function: function.functionARN, accountID: function.accountID, reservedConcurrency: request.reservedConcurrency,
                unreservedLimit: request.unreservedLimit
            )
        } catch {
            counters.countThrottle()
            recordMetric(.throttled, request)
            throw error
        }
        defer { gate.release(ticket) }

        let invocation = Invocation(
            requestID: request.requestID,
            payload: request.payload,
            deadline: Date().addingTimeInterval(TimeInterval(function.timeout)),
            invokedFunctionARN: request.invokedARN,
            traceID: Invocation.makeTraceID(at: Date()),
            clientContext: request.clientContext
        )
        let environment: ExecutionEnvironment
        do {
            environment = try await self.environment(for: function, entry: entry)
        } catch let problem as InvalidEntrypoint {
            counters.countInvocation(failed: true)
            return Self.invalidEntrypoint(problem, invocation: invocation, function: function)
        }
        let stream = environment.stream
        let platform = PlatformLog(for: function)
        let initFailure = await environment.initialize(invokeTimeout: .seconds(function.timeout))
        // The tail starts at START; after a failed init it keeps what the runtime wrote while failing.
        if initFailure == nil { stream.beginCapture() }
        stream.appendPlatformLine(platform.start(requestID: request.requestID, version: function.version, at: Date()))
        let outcome: EnvironmentOutcome
        if let initFailure {
            outcome = initFailure
        } else {
            outcome = await environment.run(invocation, timeout: .seconds(function.timeout))
        }
        let report = InvocationReport(outcome: outcome, invocation: invocation, function: function)
        counters.countInvocation(failed: report.functionError != nil)
        let now = Date()
        stream.appendPlatformLines(
            report.faultLines.map(Optional.some) + [
                platform.end(report, at: now), platform.report(report, maxMemoryUsedMB: environment.maxMemoryUsedMB, at: now),
            ]
        )
        let tail = stream.endCapture()
        recordMetric(
            .invoked(
                durationMilliseconds: report.durationMilliseconds, functionError: report.functionError != nil,
                functionConcurrency: ticket.functionConcurrency, accountConcurrency: ticket.accountConcurrency),
            request, at: now)

        if report.keepsEnvironment, pool.checkin(environment) {
            logger.debug("environment kept warm", metadata: ["environment": "\(environment.id)"])
        } else {
            await environment.shutdown()
        }
        return InvokeResult(
            payload: report.payload,
            functionError: report.functionError,
            logResult: request.wantsLogTail ? Data(tail).base64EncodedString() : nil,
            executedVersion: function.version
        )
    }

    /// Reports an invocation or a throttle for the `AWS/Lambda` metrics (only folded into memory).
    private func recordMetric(_ kind: FunctionMetricEvent.Kind, _ request: InvokeRequest, at time: Date = Date()) {
        guard let metrics else { return }
        let function = request.function
        metrics.record(
            FunctionMetricEvent(
                kind, accountID: function.accountID, region: function.region, functionName: function.name,
                qualifier: FunctionMetricEvent.qualifier(ofInvokedARN: request.invokedARN), executedVersion: function.version, time: time))
    }

    /// A warm environment of this exact function revision, or a new one.
    private func environment(for function: FunctionSnapshot, entry: RuntimeCatalog.Entry) async throws -> ExecutionEnvironment {
        while true {
            let (warm, stale) = pool.checkout(functionARN: function.functionARN, version: function.version, revision: function.revisionID)
            for environment in stale { await environment.shutdown() }
            guard let warm else { break }
            if warm.isServiceable { return warm }
            await warm.shutdown()
        }
        // The variables are opened and the role's credentials issued before anything starts: a key
        // that cannot decrypt or a role Lambda cannot assume fails the invocation with AWS's error.
        let access = EnvironmentAccess(
            variables: try await function.environment.opened(), credentials: try await credentials?.credentials(for: function),
            endpoint: endpoint.withLock { $0 })
        do {
            let started = try await ExecutionEnvironment.start(
                for: function, entry: entry, host: host, code: code, logs: logsDirectory, logSink: logSink, logPermissions: logPermissions,
                group: eventLoopGroup,
                access: access
            )
            counters.countColdStart()
            return started
        } catch let problem as InvalidEntrypoint {
            throw problem
        } catch {
            logger.error("cannot start an execution environment", metadata: ["function": "\(function.functionARN)", "error": "\(error)"])
            throw AWSError(code: "ServiceException", message: "Bulwark could not start an execution environment: \(error)", status: 500)
        }
    }

    /// The answer when the code has no bootstrap to start: an init failure, as AWS reports it.
    private static func invalidEntrypoint(_ problem: InvalidEntrypoint, invocation: Invocation, function: FunctionSnapshot) -> InvokeResult {
        let payload = InvocationReport.errorPayload(
            type: "Runtime.InvalidEntrypoint", message: "RequestId: \(invocation.requestID) Error: \(problem.message)"
        )
        return InvokeResult(payload: payload, functionError: "Unhandled", logResult: nil, executedVersion: function.version)
    }

    /// Ends environments idle for longer than `limit`.
    public func reclaimIdle(olderThan limit: Duration) async -> Int {
        let expired = pool.expired(olderThan: limit)
        for environment in expired { await environment.shutdown() }
        return expired.count
    }

    /// Ends every idle environment; running ones end with their invocation.
    public func shutdown() async {
        for environment in pool.drain() { await environment.shutdown() }
    }

    /// Invocations running now.
    public var runningInvocations: Int { gate.running }

    /// Warm environments waiting for an invocation.
    public var idleEnvironments: Int { pool.idleCount }
}

/// A signal that wakes one waiter; a signal while nobody waits is kept (at most one).
final class Wakeup: Sendable {
    private struct State {
        var pending = false
        var waiter: (id: UInt64, continuation: CheckedContinuation<Void, Never>)?
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    func signal() {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { state in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil
            }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume()
    }

    /// Waits for a signal or `timeout`, whichever comes first.
    func wait(timeout: Duration) async {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        let timer = Task {
            try? await Task.sleep(for: timeout)
            self.release(id)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow: Bool = state.withLock { state in
                    if state.pending || Task.isCancelled {
                        state.pending = false
                        return true
                    }
                    state.waiter = (id, continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            self.release(id)
        }
        timer.cancel()
    }

    private func release(_ id: UInt64) {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { state in
            guard let waiter = state.waiter, waiter.id == id else { return nil }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume()
    }
}
