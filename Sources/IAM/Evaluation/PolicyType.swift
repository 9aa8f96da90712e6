/// The kinds of policy that take part in a decision, named as AWS's denial messages name them.
public enum PolicyType: String, Sendable, Hashable, CaseIterable {
    case identityBased = "identity-based policy"
    case resourceBased = "resource-based policy"
    case permissionsBoundary = "permissions boundary"
    case sessionPolicy = "session policy"

    /// The name with its article, as in "with an explicit deny in a permissions boundary".
    var withArticle: String {
        self == .identityBased ? "an \(rawValue)" : "a \(rawValue)"
    }
}

/// Which policy a statement came from.
public struct PolicySource: Sendable, Hashable, CustomStringConvertible {
    public let type: PolicyType
    public let name: String
    public let arn: String?

    public init(type: PolicyType, name: String, arn: String?) {
        self.type = type
        self.name = name
        self.arn = arn
    }

    public var description: String { "\(type.rawValue) \(arn ?? name)" }
}

/// A statement that took part in a decision.
public struct StatementReference: Sendable, Hashable, CustomStringConvertible {
    public let policy: PolicySource
    /// The statement's position in its document, from 0.
    public let index: Int
    public let sid: String?
    public let effect: PolicyEffect

    init(policy: PolicySource, statement: PolicyStatement) {
        self.policy = policy
        self.index = statement.index
        self.sid = statement.sid
        self.effect = statement.effect
    }

    public var description: String {
        let name = sid.flatMap { $0.isEmpty ? nil : $0 } ?? "statement \(index + 1)"
        return "\(effect.rawValue) \(name) of \(policy)"
    }
}
