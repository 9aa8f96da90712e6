/// A type of entity that requests name, owned by the resource authority of one service: Lambda's
/// `function`, IAM's `user`, `group`, `role`, `policy`, `mfa` and `access-key`.
public struct ResourceKind: Sendable, Hashable, CustomStringConvertible {
    /// The service whose authority resolves it (`lambda`, `iam`).
    public let service: String
    public let type: String

    public init(service: String, type: String) {
        self.service = service
        self.type = type
    }

    public var description: String { "\(service):\(type)" }
}
