/// Where a policy document is used; each place has its own grammar rules.
public enum PolicyKind: String, Sendable, Hashable, CaseIterable {
    /// A managed or inline policy of a user, group or role.
    case identity
    /// A policy attached to a resource (a Lambda function policy, a key policy); names its principals.
    case resource
    /// A role's trust policy: the resource policy of `sts:AssumeRole*` on that role.
    case trust
    /// A managed policy used as a user's or role's permissions boundary.
    case permissionsBoundary
    /// A policy passed to `AssumeRole`/`GetFederationToken` to narrow a session.
    case session

    /// IAM refuses identity documents older than `2012-10-17` (or without a `Version`).
    var requiresCurrentVersion: Bool {
        switch self {
        case .identity, .permissionsBoundary, .session: true
        case .resource, .trust: false
        }
    }

    /// Whether statements name a `Principal` (resource and trust policies) or may not (the others).
    var namesPrincipals: Bool {
        switch self {
        case .resource, .trust: true
        case .identity, .permissionsBoundary, .session: false
        }
    }

    /// The actions a trust policy may grant, lowercased.
    static let trustActions: Set<String> = [
        "sts:assumerole", "sts:assumerolewithsaml", "sts:assumerolewithwebidentity",
        "sts:tagsession", "sts:setsourceidentity", "sts:setcontext",
    ]
}
