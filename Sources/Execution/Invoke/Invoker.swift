import BulwarkCore
import Foundation
import Lambda
import Logging
import NIOCore
import Store

/// Runs invocations (DESIGN §2): concurrency, a warm environment of the exact function version or a
/// new one, the Runtime API exchange with its deadline, and the log lines and error shapes of AWS.
public final class Invoker: FunctionInvoker {
    let host: ExecutionHost
    private let code: CodeStore
    private let logsDirectory: URL
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let gate = ConcurrencyGate()
    private let pool = EnvironmentPool()
    let wakeup = Wakeup()

    public init(host: ExecutionHost, code: CodeStore, logsDirectory: URL, eventLoopGroup: any EventLoopGroup, logger: Logger) {
        self.host = host
        self.code = code
        self.logsDirectory = logsDirectory
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    public func unavailability(of runtime: String) -> String? {
        switch host.catalog.support(for: runtime) {
        case .success: nil
        case .failure(let problem): problem.reason
        }
    }

    public func eventEnqueued() {
        wakeup.signal()
    }

    public func invoke(_ request: InvokeRequest) async throws -> InvokeResult {
        let function = request.function
        if let blocker = host.blocker {
            throw AWSError(code: "ServiceException", message: "Bulwark cannot run functions on this host: \(blocker).", status: 500)
        }
        let entry: RuntimeCatalog.Entry
        switch host.catalog.support(for: function.runtime) {
        case .success(let found): entry = found
        case .failure(let problem):
            throw AWSError(code: "InvalidRuntimeException", message: "Bulwark cannot run \(function.runtime) here: \(problem.reason).", status: 502)
        }
        let ticket = try gate.acquire(
            function: function.functionARN, reservedConcurrency: request.reservedConcurrency, unreservedLimit: request.unreservedLimit
        )
        defer { gate.release(ticket) }

        let environment = try await environment(for: function, entry: entry)
        let invocation = Invocation(
            requestID: request.requestID,
            payload: request.payload,
            deadline: Date().addingTimeInterval(TimeInterval(function.timeout)),
            invokedFunctionARN: request.invokedARN,
            traceID: Invocation.makeTraceID(at: Date()),
            clientContext: request.clientContext
        )
        let stream = environment.stream
        stream.beginCapture()
        stream.appendPlatformLine("START RequestId: \(request.requestID) Version: \(function.version)")
        let outcome = await environment.run(invocation, timeout: .seconds(function.timeout))
        let report = InvocationReport(outcome: outcome, invocation: invocation, function: function)
        for line in report.faultLines { stream.appendPlatformLine(line) }
        stream.appendPlatformLine("END RequestId: \(request.requestID)")
        stream.appendPlatformLine(report.reportLine(maxMemoryUsedMB: environment.maxMemoryUsedMB))
        let tail = stream.endCapture()

        if report.keepsEnvironment, await pool.checkin(environment) {
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

    /// A warm environment of this exact function revision, or a new one.
    private func environment(for function: FunctionSnapshot, entry: RuntimeCatalog.Entry) async throws -> ExecutionEnvironment {
        while true {
            let (warm, stale) = await pool.checkout(functionARN: function.functionARN, version: function.version, revision: function.revisionID)
            for environment in stale { await environment.shutdown() }
            guard let warm else { break }
            if warm.isAlive { return warm }
            await warm.shutdown()
        }
        do {
            return try await ExecutionEnvironment.start(
                for: function, entry: entry, host: host, code: code, logs: logsDirectory, group: eventLoopGroup
            )
        } catch {
            logger.error("cannot start an execution environment", metadata: ["function": "\(function.functionARN)", "error": "\(error)"])
            throw AWSError(code: "ServiceException", message: "Bulwark could not start an execution environment: \(error)", status: 500)
        }
    }

    /// Ends environments idle for longer than `limit`.
    public func reclaimIdle(olderThan limit: Duration) async -> Int {
        let expired = await pool.expired(olderThan: limit)
        for environment in expired { await environment.shutdown() }
        return expired.count
    }

    /// Ends every idle environment; running ones end with their invocation.
    public func shutdown() async {
        for environment in await pool.drain() { await environment.shutdown() }
    }

    /// Invocations running now.
    public var runningInvocations: Int { gate.running }
}

/// A signal that wakes one waiter; signals while nobody waits are kept (at most one).
final class Wakeup: Sendable {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() {
        (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    func signal() { continuation.yield() }

    /// Waits for a signal or `timeout`, whichever comes first.
    func wait(timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                var iterator = self.stream.makeAsyncIterator()
                _ = await iterator.next()
            }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }
}
