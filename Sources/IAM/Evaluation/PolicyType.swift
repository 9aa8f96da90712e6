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
