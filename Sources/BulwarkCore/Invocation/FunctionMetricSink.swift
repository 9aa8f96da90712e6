import Foundation

/// What the platform observed about one invocation or queued event, for the `AWS/Lambda` metrics
/// (decision 0039).
public struct FunctionMetricEvent: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The function ran: how long (milliseconds), whether it answered a function error, and how
        /// many invocations of the function and of the account were running as it started.
        case invoked(durationMilliseconds: Double, functionError: Bool, functionConcurrency: Int, accountConcurrency: Int)
        /// Refused for concurrency (`TooManyRequestsException`).
        case throttled
        /// An `Event` invocation was queued.
        case asyncEventReceived
        /// A queued event was discarded without being processed successfully.
        case asyncEventDropped
    }

    public var kind: Kind
    public var accountID: String
    public var region: String
    public var functionName: String
    /// The version or alias the caller named, nil for an unqualified call.
    public var qualifier: String?
    /// The version that ran, when one did.
    public var executedVersion: String?
    public var time: Date

    public init(
        _ kind: Kind, accountID: String, region: String, functionName: String, qualifier: String?, executedVersion: String?, time: Date
    ) {
        self.kind = kind
        self.accountID = accountID
        self.region = region
        self.functionName = functionName
        self.qualifier = qualifier
        self.executedVersion = executedVersion
        self.time = time
    }
}

extension FunctionMetricEvent {
    /// The qualifier of an invoked function ARN (`arn:aws:lambda:<region>:<account>:function:<name>:<qualifier>`),
    /// nil when the caller named none.
    public static func qualifier(ofInvokedARN arn: String) -> String? {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count == 8 ? String(parts[7]) : nil
    }
}

/// Where the platform reports invocations for CloudWatch's `AWS/Lambda` metrics.
///
/// `record` is called on the invoke path: it must only fold the event into memory (no I/O, no
/// waiting); the sink stores what it gathered in the background.
public protocol FunctionMetricSink: Sendable {
    func record(_ event: FunctionMetricEvent)
}
