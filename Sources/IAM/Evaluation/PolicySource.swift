/// Which policy a statement came from.
public struct PolicySource: Sendable, Hashable, CustomStringConvertible {
    /// The kind of policy.
    public let type: PolicyType
    /// The policy's name.
    public let name: String
    /// A managed policy's ARN.
    public let arn: String?

    public init(type: PolicyType, name: String, arn: String?) {
        self.type = type
        self.name = name
        self.arn = arn
    }

    public var description: String { "\(type.rawValue) \(arn ?? name)" }
}
