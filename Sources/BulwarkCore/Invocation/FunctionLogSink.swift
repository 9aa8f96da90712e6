/// One line a function's environment wrote (its output, or a platform line such as `START`).
public struct FunctionLogEvent: Sendable, Equatable {
    /// Milliseconds since 1970.
    public var timestamp: Int64
    public var message: String

    public init(timestamp: Int64, message: String) {
        self.timestamp = timestamp
        self.message = message
    }
}

/// Where the lines of functions go besides their stream's file: CloudWatch Logs (decision 0035).
///
/// `append` is called on the invoke path, under the stream's lock: it must only hand the events
/// over (no I/O, no waiting); the sink stores them in the background. `createsGroup` says whether
/// the group may be created when it is missing (the function's role allows `logs:CreateLogGroup`);
/// when it may not, lines for a missing group are not delivered.
public protocol FunctionLogSink: Sendable {
    func append(_ events: [FunctionLogEvent], group: String, stream: String, accountID: String, region: String, createsGroup: Bool)
}
