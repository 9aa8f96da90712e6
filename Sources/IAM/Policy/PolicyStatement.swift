/// One statement of a policy document.
public struct PolicyStatement: Sendable, Hashable {
    /// `Action` or `NotAction`.
    public enum Actions: Sendable, Hashable {
        case action([ActionPattern])
        case notAction([ActionPattern])
    }

    /// `Resource` or `NotResource`, each entry a pattern that may hold policy variables.
    public enum Resources: Sendable, Hashable {
        case resource([ResourcePattern])
        case notResource([ResourcePattern])
    }

    /// `Principal` or `NotPrincipal` (resource and trust policies only).
    public enum Principals: Sendable, Hashable {
        case principal(PolicyPrincipals)
        case notPrincipal(PolicyPrincipals)
    }

    /// The statement's position in the document, from 0, to name it when it has no `Sid`.
    public let index: Int
    /// The statement's `Sid`, when it has one.
    public let sid: String?
    /// `Allow` or `Deny`.
    public let effect: PolicyEffect
    /// `Action` or `NotAction`.
    public let actions: Actions
    /// Absent in trust policies and allowed to be absent in resource policies: then the statement
    /// covers the resource the policy is attached to.
    public let resources: Resources?
    /// `Principal` or `NotPrincipal`; nil in identity-based policies, boundaries and session policies.
    public let principals: Principals?
    /// All must hold for the statement to apply.
    public let conditions: [PolicyCondition]

    /// A name for explanations: the `Sid`, or the position when there is none.
    public var label: String {
        if let sid, !sid.isEmpty { return sid }
        return "statement \(index + 1)"
    }
}
