/// The tokens of `GetLogEvents` (`f/…` forward, `b/…` backward, 56 digits as AWS's) and of
/// `FilterLogEvents`, and the ids of events: each names a ``LogPosition``.
public enum LogEventToken {
    public enum Direction: String, Sendable {
        case forward = "f"
        case backward = "b"
    }

    /// `f/` or `b/` and the position's 56 digits.
    public static func make(_ direction: Direction, _ position: LogPosition) -> String {
        "\(direction.rawValue)/\(digits(position))"
    }

    /// The direction and position a `GetLogEvents` token names; nil for anything else.
    public static func parse(_ token: String) -> (Direction, LogPosition)? {
        guard token.count == 58, let direction = Direction(rawValue: String(token.prefix(1))), token.dropFirst().first == "/",
            let position = position(String(token.dropFirst(2)))
        else { return nil }
        return (direction, position)
    }

    /// An event's `eventId`: the digits of its position, unique within its group.
    public static func eventID(_ position: LogPosition) -> String { digits(position) }

    /// A `FilterLogEvents` continuation: the last event answered; nil for anything else.
    public static func filterPosition(_ token: String) -> LogPosition? {
        guard token.hasPrefix("n/") else { return nil }
        return position(String(token.dropFirst(2)))
    }

    public static func filterToken(after position: LogPosition) -> String { "n/\(digits(position))" }

    private static func digits(_ position: LogPosition) -> String {
        padded(position.timestamp) + padded(position.eventID)
    }

    private static func padded(_ value: Int64) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, 28 - text.count)) + text
    }

    private static func position(_ digits: String) -> LogPosition? {
        guard digits.utf8.count == 56, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let timestamp = Int64(digits.prefix(28)), let eventID = Int64(digits.suffix(28))
        else { return nil }
        return LogPosition(timestamp: timestamp, eventID: eventID)
    }
}
