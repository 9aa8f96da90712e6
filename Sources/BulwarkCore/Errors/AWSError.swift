/// An error the way AWS reports it: a code, a message, an HTTP status and whose fault it was.
///
/// Services throw it; only the edge encodes it, once per wire protocol. Extra members that a
/// protocol carries (Lambda's `Reason`, a `Retry-After` header) travel in ``fields`` and ``headers``.
public struct AWSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Whether the caller or the service is at fault (`Sender`/`Receiver` in XML, `User`/`Service` in Lambda).
    public enum Fault: String, Sendable, Hashable {
        case sender = "Sender"
        case receiver = "Receiver"
    }

    /// The AWS error code, e.g. `ResourceNotFoundException`.
    public var code: String
    /// The human-readable message, in AWS's wording where AWS has one.
    public var message: String
    /// The HTTP status code of the answer.
    public var status: Int
    public var fault: Fault
    /// Additional body members of the error shape (e.g. `Reason` of `TooManyRequestsException`).
    public var fields: [String: String]
    /// Additional response headers (e.g. `Retry-After`).
    public var headers: [String: String]
    /// Bulwark's own account of the failure for the audit trail and `bulwark iam explain`, beyond
    /// AWS's message; never sent to the caller.
    public var auditNote: String?

    public init(
        code: String,
        message: String,
        status: Int,
        fault: Fault? = nil,
        fields: [String: String] = [:],
        headers: [String: String] = [:]
    ) {
        self.code = code
        self.message = message
        self.status = status
        self.fault = fault ?? (status >= 500 ? .receiver : .sender)
        self.fields = fields
        self.headers = headers
    }

    public var description: String { "\(code) (\(status)): \(message)" }

    /// The same error, with `note` for the audit trail.
    public func noting(_ note: String) -> AWSError {
        var noted = self
        noted.auditNote = note
        return noted
    }
}

extension AWSError {
    /// A request that does not satisfy the API model's constraints.
    public static func validation(_ message: String) -> AWSError {
        AWSError(code: "ValidationException", message: message, status: 400)
    }

    /// An internal failure. The message never carries internal details.
    public static func internalFailure(requestID: String? = nil) -> AWSError {
        let suffix = requestID.map { " (request \($0))" } ?? ""
        return AWSError(
            code: "InternalFailure",
            message: "The request processing has failed because of an unknown error, exception or failure\(suffix).",
            status: 500
        )
    }

    /// An operation that exists in the AWS model but that Bulwark does not implement.
    public static func notImplemented(service: String, operation: String) -> AWSError {
        AWSError(
            code: "NotImplemented",
            message: "Bulwark does not implement the \(service) operation \(operation) yet.",
            status: 501,
            fault: .receiver
        )
    }

    /// A request that matches no operation of any service.
    public static func unknownOperation(_ detail: String) -> AWSError {
        AWSError(code: "UnknownOperationException", message: detail, status: 404)
    }
}
