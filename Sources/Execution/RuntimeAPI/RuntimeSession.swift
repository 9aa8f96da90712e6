import Foundation
import NIOCore
import Synchronization

/// The Runtime API's state for one execution environment: the runtime on one side (`/next`,
/// `/response`, `/error`, `/init/error`) and the invoker on the other.
///
/// Rules, as AWS's runtime interface emulator has them: the request id is checked before any state
/// changes; one `/next` may be outstanding at a time; a `/next` while an invocation is running hands
/// out that invocation again; a second answer for one invocation is an invalid state transition.
///
/// The runtime's calls arrive on the Runtime API's event loop and are answered there, without a hop:
/// the state is a small critical section under a lock, and every waiter (a parked `/next`, the
/// invoker's wait for the reply or for init) is resumed after the lock is released (decision 0022).
final class RuntimeSession: Sendable {
    /// An answer of the Runtime API to the runtime.
    struct Answer: Sendable, Equatable {
        let status: Int
        let body: String

        static let accepted = Answer(status: 202, body: #"{"status":"OK"}"#)

        static func error(_ status: Int, _ type: String, _ message: String) -> Answer {
            Answer(status: status, body: #"{"errorMessage":"\#(message)","errorType":"\#(type)"}"#)
        }

        static let invalidRequestID = error(400, "InvalidRequestID", "Invalid request ID")

        static func invalidTransition(from: String, to: String) -> Answer {
            error(403, "InvalidStateTransition", "State transition from \(from) to \(to) failed for runtime. Error: State transition is not allowed")
        }
    }

    /// Failures of the invoker's waits.
    enum Interruption: Error, Sendable {
        /// The environment ended (the runtime exited, was killed, or the session was ended).
        case ended
        /// The invocation's deadline passed before the runtime answered.
        case timedOut
    }

    /// Hands a `/next` its invocation or its refusal.
    typealias NextDelivery = @Sendable (Result<Invocation, any Error>) -> Void

    private enum Phase {
        case started
        case initFailed
        case ready
        case running(Invocation)
        case responded(Invocation)

        var name: String {
            switch self {
            case .started: "Started"
            case .initFailed: "InitError"
            case .ready: "Ready"
            case .running: "Running"
            case .responded: "RuntimeResponseSentState"
            }
        }
    }

    /// The invoker's wait for one invocation's answer, with the deadline that ends it.
    private struct ReplyWaiter {
        let id: String
        let continuation: CheckedContinuation<RuntimeReply, any Error>
        let deadline: Scheduled<Void>?
    }

    private struct State {
        var phase: Phase = .started
        var ended = false
        /// The runtime's processes are gone: no reply can come any more.
        var exited = false
        var initOutcome: InitOutcome?
        var initWaiters: [UInt64: CheckedContinuation<InitOutcome, any Error>] = [:]
        /// A `/next` waiting for work, with a token so that a closed connection can withdraw it.
        var parkedNext: (token: UInt64, deliver: NextDelivery)?
        var nextToken: UInt64 = 0
        var queued: Invocation?
        var replyWaiter: ReplyWaiter?

        mutating func takeReplyWaiter(id: String) -> ReplyWaiter? {
            guard let waiter = replyWaiter, waiter.id == id else { return nil }
            replyWaiter = nil
            return waiter
        }
    }

    /// The largest response or error body a runtime may post (6 MB + 100 bytes, as AWS).
    static let maximumResponseBytes = 6 * 1024 * 1024 + 100

    private let state = Mutex(State())
    private let startedAt = ContinuousClock.now

    // MARK: - The runtime's side

    /// A token identifying one `/next` request.
    func makeToken() -> UInt64 {
        state.withLock { state in
            state.nextToken += 1
            return state.nextToken
        }
    }

    /// `GET /runtime/invocation/next`: `deliver` receives the invocation — at once when one is
    /// waiting, else when the invoker hands one over — or the refusal when another `/next` is
    /// already outstanding.
    func next(token: UInt64, deliver: @escaping NextDelivery) {
        enum Effect {
            case deliver(Result<Invocation, any Error>)
            case parked
        }
        var released: [CheckedContinuation<InitOutcome, any Error>] = []
        var outcome: InitOutcome?
        let effect: Effect = state.withLock { state in
            if state.ended { return .deliver(.failure(Interruption.ended)) }
            switch state.phase {
            case .started:
                outcome = InitOutcome.ready(duration: ContinuousClock.now - startedAt)
                state.initOutcome = outcome
                released = Array(state.initWaiters.values)
                state.initWaiters = [:]
                state.phase = .ready
            case .running(let invocation):
                return .deliver(.success(invocation))
            case .responded:
                state.phase = .ready
            case .ready, .initFailed:
                break
            }
            if let invocation = state.queued {
                state.queued = nil
                state.phase = .running(invocation)
                return .deliver(.success(invocation))
            }
            if state.parkedNext != nil {
                return .deliver(.failure(RuntimeAPIRefusal(answer: .invalidTransition(from: "Ready", to: "Ready"))))
            }
            state.parkedNext = (token, deliver)
            return .parked
        }
        if let outcome { released.forEach { $0.resume(returning: outcome) } }
        if case .deliver(let result) = effect { deliver(result) }
    }

    /// `GET /runtime/invocation/next`, awaiting the invocation (``next(token:deliver:)``).
    func next(token: UInt64) async throws -> Invocation {
        try await withCheckedThrowingContinuation { continuation in
            next(token: token) { continuation.resume(with: $0) }
        }
    }

    /// The connection of a parked `/next` closed: the runtime no longer waits there.
    func withdraw(token: UInt64) {
        let parked: NextDelivery? = state.withLock { state in
            guard let parked = state.parkedNext, parked.token == token else { return nil }
            state.parkedNext = nil
            return parked.deliver
        }
        parked?(.failure(CancellationError()))
    }

    /// `POST /runtime/invocation/{id}/response`.
    func respond(id: String, body: Data, contentType: String?, tooLarge: Bool) -> Answer {
        answer(id: id, target: "InvocationResponse") {
            tooLarge ? .responseTooLarge : .response(body, contentType: contentType)
        }
    }

    /// `POST /runtime/invocation/{id}/error`.
    func fail(id: String, body: Data, errorTypeHeader: String?) -> Answer {
        answer(id: id, target: "InvocationErrorResponse") {
            .error(body, errorType: Self.platformErrorType(errorTypeHeader))
        }
    }

    /// The state change of a `/response` or an `/error`, and the delivery of its reply.
    private func answer(id: String, target: String, reply: () -> RuntimeReply) -> Answer {
        let delivered = reply()
        let checked: Result<ReplyWaiter?, RuntimeAPIRefusal> = state.withLock { state in
            guard case .running(let invocation) = state.phase, invocation.requestID == id else {
                return .failure(RuntimeAPIRefusal(answer: Self.answerForWrongState(state.phase, id: id, target: target)))
            }
            state.phase = .responded(invocation)
            return .success(state.takeReplyWaiter(id: id))
        }
        switch checked {
        case .failure(let refusal):
            return refusal.answer
        case .success(let waiter):
            if let waiter {
                waiter.deadline?.cancel()
                waiter.continuation.resume(returning: delivered)
            }
        }
        if case .responseTooLarge = delivered {
            return .error(413, "RequestEntityTooLarge", "Exceeded maximum allowed payload size (\(Self.maximumResponseBytes) bytes).")
        }
        return .accepted
    }

    /// `POST /runtime/init/error`.
    func initError(body: Data, errorTypeHeader: String?) -> Answer {
        let outcome = InitOutcome.failed(payload: body, errorType: Self.platformErrorType(errorTypeHeader))
        let released: [CheckedContinuation<InitOutcome, any Error>]? = state.withLock { state in
            guard case .started = state.phase else { return nil }
            state.phase = .initFailed
            state.initOutcome = outcome
            let waiters = Array(state.initWaiters.values)
            state.initWaiters = [:]
            return waiters
        }
        guard let released else {
            return .invalidTransition(from: state.withLock { $0.phase.name }, to: "InitError")
        }
        released.forEach { $0.resume(returning: outcome) }
        return .accepted
    }

    private static func answerForWrongState(_ phase: Phase, id: String, target: String) -> Answer {
        switch phase {
        case .running(let invocation) where invocation.requestID == id: .invalidTransition(from: phase.name, to: target)
        case .responded(let invocation) where invocation.requestID == id: .invalidTransition(from: phase.name, to: target)
        default: .invalidRequestID
        }
    }

    // MARK: - The invoker's side

    /// Waits until the runtime asks for its first invocation or reports an init error. Cancellable.
    func initialized() async throws -> InitOutcome {
        let token = makeToken()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let result: Result<InitOutcome, any Error>? = state.withLock { state in
                    if let outcome = state.initOutcome { return .success(outcome) }
                    if state.ended { return .failure(Interruption.ended) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.initWaiters[token] = continuation
                    return nil
                }
                if let result { continuation.resume(with: result) }
            }
        } onCancel: {
            state.withLock { $0.initWaiters.removeValue(forKey: token) }?.resume(throwing: CancellationError())
        }
    }

    /// How initialization ended, if it has; it never waits.
    func initializedIfKnown() throws -> InitOutcome {
        guard let outcome = state.withLock({ $0.initOutcome }) else { throw Interruption.ended }
        return outcome
    }

    /// Hands `invocation` to the runtime and waits for its answer. Cancellable.
    ///
    /// - Parameter deadline: when given, the wait ends with ``Interruption/timedOut`` once the
    ///   duration has passed on that event loop; the timer is cancelled as soon as the answer comes.
    func run(_ invocation: Invocation, deadline: (timeout: Duration, eventLoop: any EventLoop)? = nil) async throws -> RuntimeReply {
        let id = invocation.requestID
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let timer = deadline.map { deadline in
                    deadline.eventLoop.scheduleTask(in: .nanoseconds(Self.nanoseconds(deadline.timeout))) {
                        self.interruptRun(id, with: Interruption.timedOut)
                    }
                }
                enum Effect {
                    case refuse(any Error)
                    case hand(NextDelivery)
                    case wait
                }
                let effect: Effect = state.withLock { state in
                    if state.ended || state.exited { return .refuse(Interruption.ended) }
                    if Task.isCancelled { return .refuse(CancellationError()) }
                    state.replyWaiter = ReplyWaiter(id: id, continuation: continuation, deadline: timer)
                    guard let parked = state.parkedNext else {
                        state.queued = invocation
                        return .wait
                    }
                    state.parkedNext = nil
                    state.phase = .running(invocation)
                    return .hand(parked.deliver)
                }
                switch effect {
                case .refuse(let error):
                    timer?.cancel()
                    continuation.resume(throwing: error)
                case .hand(let deliver):
                    deliver(.success(invocation))
                case .wait:
                    break
                }
            }
        } onCancel: {
            interruptRun(id, with: CancellationError())
        }
    }

    /// Ends the wait for invocation `id` (cancelled, or past its deadline); an invocation the
    /// runtime has not taken yet is withdrawn.
    private func interruptRun(_ id: String, with error: any Error) {
        let waiter: ReplyWaiter? = state.withLock { state in
            if state.queued?.requestID == id { state.queued = nil }
            return state.takeReplyWaiter(id: id)
        }
        guard let waiter else { return }
        waiter.deadline?.cancel()
        waiter.continuation.resume(throwing: error)
    }

    /// The runtime's processes have exited: the invocation being waited for, if any, gets no answer.
    func runtimeExited() {
        let waiter: ReplyWaiter? = state.withLock { state in
            state.exited = true
            state.queued = nil
            defer { state.replyWaiter = nil }
            return state.replyWaiter
        }
        guard let waiter else { return }
        waiter.deadline?.cancel()
        waiter.continuation.resume(throwing: Interruption.ended)
    }

    /// The environment is gone: every wait ends.
    func end() {
        let (initWaiters, parked, waiter) = state.withLock { state in
            state.ended = true
            state.queued = nil
            state.phase = .started
            defer {
                state.initWaiters = [:]
                state.parkedNext = nil
                state.replyWaiter = nil
            }
            return (Array(state.initWaiters.values), state.parkedNext?.deliver, state.replyWaiter)
        }
        initWaiters.forEach { $0.resume(throwing: Interruption.ended) }
        parked?(.failure(Interruption.ended))
        if let waiter {
            waiter.deadline?.cancel()
            waiter.continuation.resume(throwing: Interruption.ended)
        }
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// The error type AWS records for a runtime's error: the header when it looks like
    /// `Runtime.X`/`Function.X`, else `Function.Unknown` or `Runtime.Unknown`.
    static func platformErrorType(_ header: String?) -> String {
        guard let header else { return "Runtime.Unknown" }
        if header.wholeMatch(of: /(Runtime|Function)\.[A-Z][a-zA-Z]+/) != nil { return header }
        return header.hasPrefix("Function.") ? "Function.Unknown" : "Runtime.Unknown"
    }
}

/// A Runtime API call refused with a documented error.
struct RuntimeAPIRefusal: Error, Sendable {
    let answer: RuntimeSession.Answer
}
