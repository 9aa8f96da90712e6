/// A type of entity that requests name, owned by the resource authority of one service: Lambda's
/// `function`, IAM's `user`, `group`, `role`, `policy`, `mfa` and `access-key`.
public struct ResourceKind: Sendable, Hashable, CustomStringConvertible {
    /// The service whose authority resolves it (`lambda`, `iam`).
    public let service: String
    public let type: String
    /// CloudTrail's type of the resource when it is not derived from the service and type (the KMS
    /// key of a secret's value, which Secrets Manager finds, is an `AWS::KMS::Key`).
    public let trailType: String?

    public init(service: String, type: String, trailType: String? = nil) {
        self.service = service
        self.type = type
        self.trailType = trailType
    }

    public var description: String { "\(service):\(type)" }
}
