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

extension FunctionLogEvent {
    /// The largest message of an event: 256 KB less AWS's 26 bytes of overhead. AWS truncates a
    /// longer line to it.
    public static let maxMessageBytes = (256 << 10) - 26

    /// `bytes` (UTF-8) as a message, cut to ``maxMessageBytes`` at a character's boundary before any
    /// string is built, so that a line of any length costs at most an event's size.
    public static func message(truncating bytes: some Collection<UInt8>) -> String {
        guard bytes.count > maxMessageBytes else { return String(decoding: bytes, as: UTF8.self) }
        var kept = Array(bytes.prefix(maxMessageBytes))
        // The last character's lead byte, and whether all its bytes made it.
        var start = kept.count - 1
        while start > 0, kept[start] & 0xC0 == 0x80, kept.count - start < 4 { start -= 1 }
        let lead = kept[start]
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        if kept.count - start < length { kept.removeSubrange(start...) }
        return String(decoding: kept, as: UTF8.self)
    }
}
