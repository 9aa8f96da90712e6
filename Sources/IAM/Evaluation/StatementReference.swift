/// A statement that took part in a decision.
public struct StatementReference: Sendable, Hashable, CustomStringConvertible {
    /// The policy holding the statement.
    public let policy: PolicySource
    /// The statement's position in its document, from 0.
    public let index: Int
    /// The statement's `Sid`, when it has one.
    public let sid: String?
    /// `Allow` or `Deny`.
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
