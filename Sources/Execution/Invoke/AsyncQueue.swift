import BulwarkCore
import Foundation
import Lambda
import Logging
import Store
import Synchronization

/// Delivers `Event` invocations from the durable queue (DESIGN §2): at least once, retried twice
/// after a function error (one minute, then two), throttles and platform errors retried with
/// backoff for as long as the event may live, and nothing lost across a crash.
public final class AsyncQueue: Sendable {
    private let database: BulwarkDatabase
    private let lambda: LambdaService
    private let invoker: Invoker
    private let logger: Logger
    private let clock: WallClock
    /// Seconds before the first retry after a function error (AWS: 60); the second waits twice as long.
    private let retryDelay: TimeInterval
    /// How many events run at once.
    private let parallelism: Int
    private let running = Mutex(0)
    private let metrics: (any FunctionMetricSink)?

    public init(
        database: BulwarkDatabase, lambda: LambdaService, invoker: Invoker, logger: Logger, clock: WallClock = .system,
        retryDelay: TimeInterval = 60, parallelism: Int = 8, metrics: (any FunctionMetricSink)? = nil
    ) {
        self.database = database
        self.lambda = lambda
        self.invoker = invoker
        self.logger = logger
        self.clock = clock
        self.retryDelay = retryDelay
        self.parallelism = parallelism
        self.metrics = metrics
    }

    /// Runs until the task is cancelled.
    public func run() async {
        do {
            try await database.invocations.releaseClaims()
        } catch {
            logger.error("cannot release the claims of the previous run", metadata: ["error": "\(error)"])
        }
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                let free = parallelism - running.withLock { $0 }
                let due = free > 0 ? ((try? await database.invocations.claimDue(at: clock.now(), limit: free)) ?? []) : []
                for event in due {
                    running.withLock { $0 += 1 }
                    group.addTask {
                        await self.deliver(event)
                        self.running.withLock { $0 -= 1 }
                        self.invoker.wakeup.signal()
                    }
                }
                if due.count < free || free == 0 {
                    // New events, a finished delivery, or the next due time (checked every second).
                    await invoker.wakeup.wait(timeout: .seconds(1))
                }
            }
        }
    }

    private func deliver(_ event: AsyncEventRecord) async {
        var event = event
        let metadata: Logger.Metadata = ["request-id": "\(event.requestID)", "function": "\(event.key.name)"]
        do {
            guard let request = try await lambda.request(for: event) else {
                logger.notice("dropping an event of a deleted function", metadata: metadata)
                try await database.invocations.complete(event.requestID)
                return
            }
            let settings = try await lambda.asyncSettings(of: event.key, qualifier: event.qualifier)
            let age = clock.now().timeIntervalSince(event.enqueuedAt)
            if request.reservedConcurrency == 0 {
                logger.notice("dropping an event: the function's reserved concurrency is 0 (ZeroReservedConcurrency)", metadata: metadata)
                recordDrop(event)
                try await database.invocations.complete(event.requestID)
                return
            }
            if age > TimeInterval(settings.maximumEventAge) {
                logger.notice("dropping an event older than its maximum age (EventAgeExceeded)", metadata: metadata)
                recordDrop(event)
                try await database.invocations.complete(event.requestID)
                return
            }
            let delay: TimeInterval
            do {
                let result = try await invoker.invoke(request)
                guard result.functionError != nil else {
                    try await database.invocations.complete(event.requestID)
                    return
                }
                event.attempts += 1
                guard event.attempts <= settings.maximumRetryAttempts else {
                    logger.notice("event failed on every attempt (RetriesExhausted)", metadata: metadata)
                    recordDrop(event)
                    try await database.invocations.complete(event.requestID)
                    return
                }
                delay = retryDelay * Double(event.attempts)
            } catch let error as AWSError where error.status == 429 || error.status >= 500 {
                // Throttles and platform failures do not count as attempts.
                event.throttles += 1
                delay = min(300, pow(2, Double(min(event.throttles, 9))))
            }
            if age + delay > TimeInterval(settings.maximumEventAge) {
                logger.notice("dropping an event that would outlive its maximum age (EventAgeExceeded)", metadata: metadata)
                recordDrop(event)
                try await database.invocations.complete(event.requestID)
                return
            }
            event.nextAttemptAt = clock.now().addingTimeInterval(delay)
            try await database.invocations.reschedule(event)
        } catch {
            logger.error("asynchronous delivery failed; the event stays queued", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            event.nextAttemptAt = clock.now().addingTimeInterval(5)
            try? await database.invocations.reschedule(event)
        }
    }

    /// Reports an event discarded without a successful invocation (`AsyncEventsDropped`).
    private func recordDrop(_ event: AsyncEventRecord) {
        metrics?.record(
            FunctionMetricEvent(
                .asyncEventDropped, accountID: event.key.accountID, region: event.key.region, functionName: event.key.name,
                qualifier: FunctionMetricEvent.qualifier(ofInvokedARN: event.invokedARN), executedVersion: nil, time: clock.now()))
    }
}
