/// One entity that an operation's input names, exactly as the caller typed it: the operation table
/// declares it, the resolve stage finds the stored entity it names (or finds that none exists), and
/// from then on every stage works on what was found (DESIGN §1).
public struct ResourceReference: Sendable, Hashable {
    /// Whether the operation acts on an entity that exists or creates one.
    public enum Intent: Sendable, Hashable {
        /// The entity must exist; the handler answers AWS's not-found error when it does not.
        case existing
        /// The operation creates the entity; the handler answers AWS's already-exists error when
        /// one is found under the name.
        case creating
    }

    /// What the operation does with the entity in its checks.
    public enum Use: Sendable, Hashable {
        /// The operation's own action is asked on it (the default resources of a declaration).
        case actedOn
        /// Named for a further check or a condition key (the role `iam:PassRole` is asked on, the
        /// managed policy `iam:PolicyARN` names).
        case implied
    }

    public var kind: ResourceKind
    /// The input member that names it, as the model spells it (`FunctionName`, `RoleArn`).
    public var member: String
    /// The member's value: a name, a partial or a full ARN.
    public var text: String
    /// A qualifier given in another member (Lambda's `Qualifier`).
    public var qualifier: String?
    /// A path given with a name to create (IAM's `Path`).
    public var path: String?
    public var intent: Intent
    public var use: Use

    public init(
        _ kind: ResourceKind, member: String, text: String, qualifier: String? = nil, path: String? = nil, intent: Intent = .existing,
        use: Use = .actedOn
    ) {
        self.kind = kind
        self.member = member
        self.text = text
        self.qualifier = qualifier
        self.path = path
        self.intent = intent
        self.use = use
    }

    /// The same reference, named for a further check or a condition key only.
    public var implied: ResourceReference {
        var reference = self
        reference.use = .implied
        return reference
    }
}
