import Foundation

/// One invocation as the Runtime API hands it to a runtime (`GET /runtime/invocation/next`).
struct Invocation: Sendable, Equatable {
    let requestID: String
    let payload: Data
    /// When the invocation times out.
    let deadline: Date
    /// The ARN as invoked (with a qualifier when one was used).
    let invokedFunctionARN: String
    let traceID: String
    /// The decoded `X-Amz-Client-Context`, for sync invocations.
    let clientContext: String?

    /// The `/next` answer headers, as AWS sends them (each only when it has a value).
    var headers: [(String, String)] {
        var headers = [
            ("Content-Type", "application/json"),
            ("Lambda-Runtime-Aws-Request-Id", requestID),
            ("Lambda-Runtime-Deadline-Ms", String(Int64(deadline.timeIntervalSince1970 * 1000))),
            ("Lambda-Runtime-Invoked-Function-Arn", invokedFunctionARN),
            ("Lambda-Runtime-Trace-Id", traceID),
        ]
        if let clientContext { headers.append(("Lambda-Runtime-Client-Context", clientContext)) }
        return headers
    }

    /// The same invocation with its deadline `timeout` from now: the invoke phase starts once the
    /// runtime has initialized, and init has a budget of its own (AWS's `Init` phase).
    func startingNow(timeout: Duration) -> Invocation {
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        return Invocation(
            requestID: requestID, payload: payload, deadline: Date().addingTimeInterval(seconds), invokedFunctionARN: invokedFunctionARN,
            traceID: traceID, clientContext: clientContext
        )
    }

    /// An X-Ray style trace header: `Root=1-<8 hex time>-<24 hex>;Parent=<16 hex>;Sampled=0`.
    static func makeTraceID(at date: Date) -> String {
        let time = String(Int(date.timeIntervalSince1970), radix: 16)
        // The system's generator (getrandom), not `UUID()`, which opens /dev/urandom for each one.
        var generator = SystemRandomNumberGenerator()
        let random = hex(generator.next(), digits: 16) + hex(generator.next(), digits: 8)
        let parent = hex(generator.next(), digits: 16)
        return "Root=1-\(time)-\(random);Parent=\(parent);Sampled=0"
    }

    /// The low `digits` hex digits of `value`, zero-padded.
    private static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value & (digits == 16 ? .max : (1 << (4 * UInt64(digits))) - 1), radix: 16)
        return String(repeating: "0", count: digits - text.count) + text
    }
}

/// What a runtime answered for an invocation.
enum RuntimeReply: Sendable, Equatable {
    /// `POST /response`.
    case response(Data, contentType: String?)
    /// `POST /error`: the payload as posted and the sanitised platform error type.
    case error(Data, errorType: String)
    /// A `/response` over the payload limit.
    case responseTooLarge
}

/// How a runtime's initialization ended.
enum InitOutcome: Sendable, Equatable {
    /// It asked for its first invocation after `duration`.
    case ready(duration: Duration)
    /// It posted `/runtime/init/error`.
    case failed(payload: Data, errorType: String)
}
