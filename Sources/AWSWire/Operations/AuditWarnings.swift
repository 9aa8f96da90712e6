import Synchronization

/// Warnings a handler records on a call that succeeds (a deployment that Lambda's code signing
/// `Warn` policy let through): the audit stage writes them in the event's `additionalEventData`,
/// as CloudTrail carries Lambda's signature warnings.
public final class AuditWarnings: Sendable {
    private let recorded = Mutex<[String]>([])

    public init() {}

    public func record(_ warning: String) {
        recorded.withLock { $0.append(warning) }
    }

    public var all: [String] { recorded.withLock { $0 } }
}
