/// Everything the resolve stage found for one call, in the order the operation declared it.
public struct Resolution: Sendable {
    public let resources: [ResolvedResource]

    public init(_ resources: [ResolvedResource]) {
        self.resources = resources
    }

    /// What a call that names no entity resolves to.
    public static let none = Resolution([])

    /// The resource the input member `member` named.
    public subscript(member: String) -> ResolvedResource? {
        resources.first { $0.reference.member == member }
    }

    /// The resource of `kind` that the input named as `text`, as declared; nil when the operation
    /// declared no such reference (a handler then has nothing to act on).
    public func resource(_ kind: ResourceKind, named text: String) -> ResolvedResource? {
        resources.first { $0.reference.kind == kind && $0.reference.text == text }
    }

    /// The resource whose canonical (or, when absent, typed) ARN is `arn`: what a check names.
    public func resource(arn: String) -> ResolvedResource? {
        resources.first { $0.arn == arn }
    }

    /// The ARNs the operation's own action is asked on, by default: those of the references it acts on.
    public var actedOnARNs: [String] {
        resources.filter { $0.reference.use == .actedOn }.map(\.arn)
    }
}
