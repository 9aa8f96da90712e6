/// A parsed and validated IAM policy document.
///
/// ```swift
/// let policy = try PolicyDocument.parse(text, kind: .identity)
/// ```
/// A document IAM would refuse throws ``MalformedPolicyDocument`` with IAM's message.
public struct PolicyDocument: Sendable, Hashable {
    /// Where the document is used; it decided which rules applied.
    public let kind: PolicyKind
    /// `nil` when the document has no `Version` (IAM then reads it as `2008-10-17`).
    public let version: PolicyVersion?
    /// The document's `Id`, when it has one.
    public let id: String?
    /// The statements in document order.
    public let statements: [PolicyStatement]

    /// Parses and validates `text` by the rules of `kind`.
    public init(parsing text: String, kind: PolicyKind) throws(MalformedPolicyDocument) {
        self = try PolicyParser(kind: kind).parse(text)
    }

    /// Parses and validates `text` by the rules of `kind`; the same as ``init(parsing:kind:)``.
    public static func parse(_ text: String, kind: PolicyKind) throws(MalformedPolicyDocument) -> PolicyDocument {
        try PolicyDocument(parsing: text, kind: kind)
    }

    init(kind: PolicyKind, version: PolicyVersion?, id: String?, statements: [PolicyStatement]) {
        self.kind = kind
        self.version = version
        self.id = id
        self.statements = statements
    }
}
