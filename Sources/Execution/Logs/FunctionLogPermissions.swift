import Lambda

/// Whether an environment's lines reach CloudWatch Logs: Lambda's platform delivers them only when
/// the function's execution role allows it (decision 0035, "Review fixes").
public enum LogDelivery: Sendable, Equatable {
    /// The role may not create the stream or put events in it: the lines are not delivered.
    case refused
    /// The role may create the stream and put events, but not create the group: the lines are
    /// delivered while the group exists.
    case toExistingGroup
    /// The role may create the group too.
    case allowed
}

/// Judges, when an environment starts, whether its stream's lines may be delivered.
public protocol FunctionLogPermissions: Sendable {
    func logDelivery(for function: FunctionSnapshot, stream: String) async throws -> LogDelivery
}
