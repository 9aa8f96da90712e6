import Foundation

/// The Runtime API's state for one execution environment: the runtime on one side (`/next`,
/// `/response`, `/error`, `/init/error`) and the invoker on the other.
///
/// Rules, as AWS's runtime interface emulator has them: the request id is checked before any state
/// changes; one `/next` may be outstanding at a time; a `/next` while an invocation is running hands
/// out that invocation again; a second answer for one invocation is an invalid state transition.
actor RuntimeSession {
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
        /// The environment ended (the runtime exited, was killed, or timed out).
        case ended
    }

    private enum State {
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

    /// The largest response or error body a runtime may post (6 MB + 100 bytes, as AWS).
    static let maximumResponseBytes = 6 * 1024 * 1024 + 100

    private var state: State = .started
    private var ended = false
    private let startedAt = ContinuousClock.now
    private var initOutcome: InitOutcome?
    private var initWaiters: [UInt64: CheckedContinuation<InitOutcome, any Error>] = [:]
    /// A `/next` waiting for work, with a token so that a closed connection can withdraw it.
    private var parkedNext: (token: UInt64, continuation: CheckedContinuation<Invocation, any Error>)?
    private var nextToken: UInt64 = 0
    private var queued: Invocation?
    private var replyWaiter: (id: String, continuation: CheckedContinuation<RuntimeReply, any Error>)?

    // MARK: - The runtime's side

    /// `GET /runtime/invocation/next`; refused when another `/next` is already outstanding.
    func next(token: UInt64) async throws -> Invocation {
        if ended { throw Interruption.ended }
        switch state {
        case .started:
            let outcome = InitOutcome.ready(duration: ContinuousClock.now - startedAt)
            initOutcome = outcome
            let waiters = initWaiters.values
            initWaiters = [:]
            waiters.forEach { $0.resume(returning: outcome) }
            state = .ready
        case .running(let invocation):
            return invocation
        case .responded:
            state = .ready
        case .ready, .initFailed:
            break
        }
        if let invocation = queued {
            queued = nil
            state = .running(invocation)
            return invocation
        }
        if parkedNext != nil { throw RuntimeAPIRefusal(answer: .invalidTransition(from: "Ready", to: "Ready")) }
        return try await withCheckedThrowingContinuation { continuation in
            parkedNext = (token, continuation)
        }
    }

    /// A token identifying one `/next` request.
    func makeToken() -> UInt64 {
        nextToken += 1
        return nextToken
    }

    /// The connection of a parked `/next` closed: the runtime no longer waits there.
    func withdraw(token: UInt64) {
        guard let parked = parkedNext, parked.token == token else { return }
        parkedNext = nil
        parked.continuation.resume(throwing: CancellationError())
    }

    /// `POST /runtime/invocation/{id}/response`.
    func respond(id: String, body: Data, contentType: String?, tooLarge: Bool) -> Answer {
        guard case .running(let invocation) = state, invocation.requestID == id else {
            return answerForWrongState(id: id, target: "InvocationResponse")
        }
        state = .responded(invocation)
        if tooLarge {
            deliver(.responseTooLarge, to: id)
            return .error(413, "RequestEntityTooLarge", "Exceeded maximum allowed payload size (\(Self.maximumResponseBytes) bytes).")
        }
        deliver(.response(body, contentType: contentType), to: id)
        return .accepted
    }

    /// `POST /runtime/invocation/{id}/error`.
    func fail(id: String, body: Data, errorTypeHeader: String?) -> Answer {
        guard case .running(let invocation) = state, invocation.requestID == id else {
            return answerForWrongState(id: id, target: "InvocationErrorResponse")
        }
        state = .responded(invocation)
        deliver(.error(body, errorType: Self.platformErrorType(errorTypeHeader)), to: id)
        return .accepted
    }

    /// `POST /runtime/init/error`.
    func initError(body: Data, errorTypeHeader: String?) -> Answer {
        guard case .started = state else { return .invalidTransition(from: state.name, to: "InitError") }
        state = .initFailed
        let outcome = InitOutcome.failed(payload: body, errorType: Self.platformErrorType(errorTypeHeader))
        initOutcome = outcome
        let waiters = initWaiters.values
        initWaiters = [:]
        waiters.forEach { $0.resume(returning: outcome) }
        return .accepted
    }

    private func answerForWrongState(id: String, target: String) -> Answer {
        switch state {
        case .running(let invocation) where invocation.requestID == id: .invalidTransition(from: state.name, to: target)
        case .responded(let invocation) where invocation.requestID == id: .invalidTransition(from: state.name, to: target)
        default: .invalidRequestID
        }
    }

    private func deliver(_ reply: RuntimeReply, to id: String) {
        guard let waiter = replyWaiter, waiter.id == id else { return }
        replyWaiter = nil
        waiter.continuation.resume(returning: reply)
    }

    // MARK: - The invoker's side

    /// Waits until the runtime asks for its first invocation or reports an init error. Cancellable.
    func initialized() async throws -> InitOutcome {
        if let initOutcome { return initOutcome }
        if ended { throw Interruption.ended }
        let token = makeToken()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else {
                    initWaiters[token] = continuation
                }
            }
        } onCancel: {
            Task { await self.cancelInitWait(token) }
        }
    }

    /// How initialization ended, if it has; it never waits.
    func initializedIfKnown() throws -> InitOutcome {
        guard let initOutcome else { throw Interruption.ended }
        return initOutcome
    }

    private func cancelInitWait(_ token: UInt64) {
        initWaiters.removeValue(forKey: token)?.resume(throwing: CancellationError())
    }

    /// Hands `invocation` to the runtime and waits for its answer. Cancellable.
    func run(_ invocation: Invocation) async throws -> RuntimeReply {
        if ended { throw Interruption.ended }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                    return
                }
                replyWaiter = (invocation.requestID, continuation)
                if let parked = parkedNext {
                    parkedNext = nil
                    state = .running(invocation)
                    parked.continuation.resume(returning: invocation)
                } else {
                    queued = invocation
                }
            }
        } onCancel: {
            Task { await self.cancelRun(invocation.requestID) }
        }
    }

    private func cancelRun(_ id: String) {
        if queued?.requestID == id { queued = nil }
        guard let waiter = replyWaiter, waiter.id == id else { return }
        replyWaiter = nil
        waiter.continuation.resume(throwing: CancellationError())
    }

    /// The environment is gone: every wait ends.
    func end() {
        ended = true
        queued = nil
        state = .started
        initWaiters.values.forEach { $0.resume(throwing: Interruption.ended) }
        initWaiters = [:]
        if let parked = parkedNext {
            parkedNext = nil
            parked.continuation.resume(throwing: Interruption.ended)
        }
        if let waiter = replyWaiter {
            replyWaiter = nil
            waiter.continuation.resume(throwing: Interruption.ended)
        }
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
