/// A policy that applies to a request, with the name and ARN that explanations and denial
/// messages use.
public struct AttachedPolicy: Sendable, Hashable {
    /// The parsed document.
    public let document: PolicyDocument
    /// The policy's name (an inline policy's name, a managed policy's name, `trust policy`, …).
    public let name: String
    /// The managed policy's ARN; nil for inline, session and resource policies.
    public let arn: String?
    /// For a resource-based policy, the unique ids of the users and roles it names, taken when it was
    /// saved; nil for policies saved before bindings existed (matched by ARN alone).
    public let principalBindings: PrincipalBindings?

    public init(_ document: PolicyDocument, name: String, arn: String? = nil, principalBindings: PrincipalBindings? = nil) {
        self.document = document
        self.name = name
        self.arn = arn
        self.principalBindings = principalBindings
    }
}
