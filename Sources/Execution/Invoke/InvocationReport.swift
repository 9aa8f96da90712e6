import BulwarkCore
import Foundation
import Lambda

/// What an invocation's outcome means for the caller and the log: the payload and error shape
/// AWS returns, the fault lines, and the REPORT line.
struct InvocationReport {
    let payload: Data
    let functionError: String?
    /// The platform error type for the REPORT's `Error Type`, when the invocation failed.
    let errorType: String?
    let timedOut: Bool
    let keepsEnvironment: Bool
    let faultLines: [String]
    let requestID: String
    let memorySize: Int
    private let duration: Duration
    private let initDuration: Duration?

    init(outcome: EnvironmentOutcome, invocation: Invocation, function: FunctionSnapshot) {
        requestID = invocation.requestID
        memorySize = function.memorySize
        var faults: [String] = []
        switch outcome {
        case .replied(.response(let body, _), let duration, let initDuration):
            (payload, functionError, errorType, timedOut, keepsEnvironment) = (body, nil, nil, false, true)
            (self.duration, self.initDuration) = (duration, initDuration)
        case .replied(.error(let body, let type), let duration, let initDuration):
            (payload, functionError, errorType, timedOut, keepsEnvironment) = (body, "Unhandled", type, false, true)
            (self.duration, self.initDuration) = (duration, initDuration)
        case .replied(.responseTooLarge, let duration, let initDuration):
            payload = Self.errorPayload(
                type: "Function.ResponseSizeTooLarge",
                message: "Response payload size exceeded maximum allowed payload size (\(RuntimeSession.maximumResponseBytes) bytes).",
                messageFirst: true
            )
            // Runtime clients exit after the Runtime API's 413 (awslambdaric does): the environment
            // is not reused.
            (functionError, errorType, timedOut, keepsEnvironment) = ("Unhandled", "Function.ResponseSizeTooLarge", false, false)
            (self.duration, self.initDuration) = (duration, initDuration)
        case .initFailed(let body, let type):
            (payload, functionError, errorType, timedOut, keepsEnvironment) = (body, "Unhandled", type, false, false)
            (duration, initDuration) = (.zero, nil)
        case .timedOut(let duration, let initDuration):
            let message = "Task timed out after \(String(format: "%.2f", Double(function.timeout))) seconds"
            payload = Self.errorPayload(type: "Sandbox.Timedout", message: "RequestId: \(invocation.requestID) Error: \(message)")
            (functionError, errorType, timedOut, keepsEnvironment) = ("Unhandled", "Sandbox.Timedout", true, false)
            (self.duration, self.initDuration) = (duration, initDuration)
            faults.append("\(AWSTimestamp.iso8601Milliseconds(Date())) \(invocation.requestID) \(message)")
        case .exited(let reason, let duration, let initDuration):
            let type = reason.outOfMemory ? "Runtime.OutOfMemory" : "Runtime.ExitError"
            let error = reason.detail.map { "Runtime exited with error: \($0)" } ?? "Runtime exited without providing a reason"
            payload = Self.errorPayload(type: type, message: "RequestId: \(invocation.requestID) Error: \(error)")
            (functionError, errorType, timedOut, keepsEnvironment) = ("Unhandled", type, false, false)
            (self.duration, self.initDuration) = (duration, initDuration)
            faults.append("RequestId: \(invocation.requestID) Error: \(error)\n\(type)")
        }
        faultLines = faults
    }

    var durationMilliseconds: Double { Self.milliseconds(duration) }
    var initDurationMilliseconds: Double? { initDuration.map(Self.milliseconds) }
    /// The duration and the init duration, rounded up to the millisecond.
    var billedMilliseconds: Int { Int((durationMilliseconds + (initDurationMilliseconds ?? 0)).rounded(.up)) }

    /// `success`, `error` or `timeout`, as the platform reports the invocation.
    var status: String {
        if timedOut { return "timeout" }
        return reportedErrorType == nil ? "success" : "error"
    }

    /// The error type the platform reports: the runtime's failures and the function's errors that
    /// end the environment, not an error the handler returned while its runtime stays up.
    var reportedErrorType: String? {
        guard !timedOut, let errorType, functionError != nil, errorType != "Runtime.Unknown" || !keepsEnvironment else { return nil }
        return errorType
    }

    /// `REPORT RequestId: …\tDuration: 3.01 ms\tBilled Duration: 4 ms\tMemory Size: 128 MB\tMax Memory Used: 36 MB\t…`
    func reportLine(maxMemoryUsedMB: Int?) -> String {
        var fields = [
            "REPORT RequestId: \(requestID)",
            "Duration: \(String(format: "%.2f", durationMilliseconds)) ms",
            "Billed Duration: \(billedMilliseconds) ms",
            "Memory Size: \(memorySize) MB",
            "Max Memory Used: \(maxMemoryUsedMB.map(String.init) ?? "0") MB",
        ]
        if let initMilliseconds = initDurationMilliseconds { fields.append("Init Duration: \(String(format: "%.2f", initMilliseconds)) ms") }
        if timedOut {
            fields.append("Status: timeout")
        } else if let reportedErrorType {
            fields.append("Status: error")
            fields.append("Error Type: \(reportedErrorType)")
        }
        return fields.joined(separator: "\t") + "\t"
    }

    private static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    /// `{"errorType":…,"errorMessage":…}` in AWS's key order.
    static func errorPayload(type: String, message: String, messageFirst: Bool = false) -> Data {
        let (quotedType, quotedMessage) = (JSONValue.quoted(type), JSONValue.quoted(message))
        let text =
            messageFirst
            ? #"{"errorMessage":\#(quotedMessage),"errorType":\#(quotedType)}"#
            : #"{"errorType":\#(quotedType),"errorMessage":\#(quotedMessage)}"#
        return Data(text.utf8)
    }

}
