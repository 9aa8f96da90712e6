import IAM

/// Whether a secret's resource policy allows broad access, as `BlockPublicPolicy` judges it: a
/// statement that allows everyone (`"*"`, `{"AWS": "*"}`, or `NotPrincipal` with `Allow`) unless a
/// condition pins the caller to fixed accounts, organizations, principals or sources
/// (`aws:PrincipalAccount`, `aws:SourceAccount`, `aws:PrincipalOrgID`, …) with values that hold no
/// wildcard (decision 0017). AWS decides with Zelkova; this is the same question asked of each
/// statement on its own: an `Allow` that is not public stays not public whatever else the policy says.
enum SecretPolicyExposure {
    /// The keys that name who calls, or on whose behalf, by a fixed identifier.
    static let restrictingKeys: Set<String> = [
        "aws:principalaccount", "aws:sourceaccount", "aws:principalorgid", "aws:principalorgpaths", "aws:principalarn",
        "aws:sourcearn", "aws:sourceowner", "aws:userid", "aws:sourcevpce", "aws:sourcevpc", "aws:sourceorgid", "aws:sourceorgpaths",
    ]

    /// Whether any statement of `document` allows broad access.
    static func allowsBroadAccess(_ document: PolicyDocument) -> Bool {
        document.statements.contains { statement in
            guard statement.effect == .allow, let principals = statement.principals else { return false }
            let everyone: Bool
            switch principals {
            case .principal(let named): everyone = named.entries.contains(.everyone)
            case .notPrincipal: everyone = true
            }
            return everyone && !statement.conditions.contains(where: restricts)
        }
    }

    /// Whether a condition holds only for callers named by fixed identifiers.
    static func restricts(_ condition: PolicyCondition) -> Bool {
        let op = condition.`operator`
        guard restrictingKeys.contains(condition.key.lowercased()), !op.base.isNegated, !op.ifExists, op.qualifier != .forAllValues,
            !condition.values.isEmpty
        else { return false }
        // A policy variable (`${aws:PrincipalAccount}`) takes the caller's own value: it names no one.
        guard !condition.values.contains(where: { $0.isEmpty || $0.contains("${") }) else { return false }
        switch op.base {
        case .stringEquals, .stringEqualsIgnoreCase, .arnEquals: return true
        case .arnLike: return condition.values.allSatisfy(isFixed)
        case .stringLike: return condition.values.allSatisfy { !$0.contains("*") && !$0.contains("?") }
        default: return false
        }
    }

    /// An `ArnLike` value that still names fixed callers: no wildcard, or an ARN whose account is fixed
    /// (`ArnLike` matches field by field; `StringLike`'s `*` would span the colons, so it gets no such credit).
    private static func isFixed(_ value: String) -> Bool {
        guard value.contains("*") || value.contains("?") else { return !value.isEmpty }
        let fields = value.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard fields.count == 6, fields[0] == "arn" else { return false }
        let account = fields[4]
        return account.count == 12 && account.allSatisfy(\.isNumber)
    }
}
