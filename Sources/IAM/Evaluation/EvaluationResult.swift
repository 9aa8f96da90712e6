import BulwarkCore

/// The answer to an ``EvaluationRequest`` and why: the statements that allowed or denied, the
/// policies considered, and AWS's access-denied message for a denial.
public struct EvaluationResult: Sendable, Hashable {
    /// AWS's three outcomes.
    public enum Decision: String, Sendable, Hashable {
        case allow = "Allow"
        /// A `Deny` statement applies.
        case explicitDeny = "ExplicitDeny"
        /// No deny applies, but what must allow did not.
        case implicitDeny = "ImplicitDeny"
    }

    /// What the decision rests on.
    public enum Basis: Sendable, Hashable, CustomStringConvertible {
        /// An action AWS performs for every authenticated caller (`sts:GetCallerIdentity`).
        case noPermissionRequired
        /// The account's root user acting in its own account.
        case accountRoot
        case allowedByIdentityPolicy
        case allowedByResourcePolicy
        /// Cross-account: the principal's identity-based policies and the resource policy both allow.
        case allowedByIdentityAndResourcePolicies
        /// A `Deny` statement in a policy of this type applies.
        case explicitDeny(in: PolicyType)
        /// No policy of this type allows the request (the first missing one in AWS's order).
        case noAllow(in: PolicyType)

        public var description: String {
            switch self {
            case .noPermissionRequired: "no permission required"
            case .accountRoot: "the account root user in its own account"
            case .allowedByIdentityPolicy: "allowed by an identity-based policy"
            case .allowedByResourcePolicy: "allowed by a resource-based policy"
            case .allowedByIdentityAndResourcePolicies: "allowed by identity-based and resource-based policies"
            case .explicitDeny(let type): "explicit deny in \(type.withArticle)"
            case .noAllow(let type): "no \(type.rawValue) allows the action"
            }
        }
    }

    /// Allow, explicit deny or implicit deny.
    public let decision: Decision
    /// What the decision rests on; names the policy type for denial messages.
    public let basis: Basis
    /// The statements whose `Allow` the decision used (for a denial, those that did allow but
    /// were not enough).
    public let allowingStatements: [StatementReference]
    /// Every `Deny` statement that applied; the first is the one the message names.
    public let denyingStatements: [StatementReference]
    /// Every policy that was evaluated.
    public let evaluatedPolicies: [PolicySource]
    /// The principal's ARN, as denial messages name it.
    public let principalARN: String
    /// The action as the request named it.
    public let action: String
    /// The resource ARN (or `*`).
    public let resource: String
    /// Whether principal and resource are in the same account (AWS names denying policies only then).
    public let sameAccount: Bool
    /// For an implicit deny: each `Allow` statement considered and the part of it that did not match.
    /// Worked out when read (for the trail and reports of a denial), so that a decision pays nothing for it.
    public var unmatchedStatements: [UnmatchedStatement] { unmatched?.statements ?? [] }
    /// What ``unmatchedStatements`` is worked out from; nil unless the decision is an implicit deny.
    let unmatched: UnmatchedAllows?

    init(
        decision: Decision, basis: Basis, allowingStatements: [StatementReference], denyingStatements: [StatementReference],
        evaluatedPolicies: [PolicySource], principalARN: String, action: String, resource: String, sameAccount: Bool,
        unmatched: UnmatchedAllows?
    ) {
        self.decision = decision
        self.basis = basis
        self.allowingStatements = allowingStatements
        self.denyingStatements = denyingStatements
        self.evaluatedPolicies = evaluatedPolicies
        self.principalARN = principalARN
        self.action = action
        self.resource = resource
        self.sameAccount = sameAccount
        self.unmatched = unmatched
    }

    public static func == (lhs: EvaluationResult, rhs: EvaluationResult) -> Bool {
        lhs.decision == rhs.decision && lhs.basis == rhs.basis && lhs.allowingStatements == rhs.allowingStatements
            && lhs.denyingStatements == rhs.denyingStatements && lhs.evaluatedPolicies == rhs.evaluatedPolicies
            && lhs.principalARN == rhs.principalARN && lhs.action == rhs.action && lhs.resource == rhs.resource
            && lhs.sameAccount == rhs.sameAccount && lhs.unmatchedStatements == rhs.unmatchedStatements
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(decision)
        hasher.combine(basis)
        hasher.combine(allowingStatements)
        hasher.combine(denyingStatements)
        hasher.combine(evaluatedPolicies)
        hasher.combine(principalARN)
        hasher.combine(action)
        hasher.combine(resource)
        hasher.combine(sameAccount)
        hasher.combine(unmatchedStatements)
    }

    /// Whether the decision is `Allow`.
    public var isAllowed: Bool { decision == .allow }

    /// AWS's message for a denial, e.g. `User: arn:aws:iam::123456789012:user/dev is not authorized
    /// to perform: lambda:DeleteFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:hello
    /// because no identity-based policy allows the lambda:DeleteFunction action`. Nil when allowed.
    ///
    /// An explicit deny by a managed policy of the principal's own account names that policy's ARN
    /// after a colon, as AWS does since 2025.
    public var accessDeniedMessage: String? { accessDeniedMessage(quotingResource: false) }

    /// ``accessDeniedMessage``, with the resource in double quotes when `quotingResource`, as S3 words it
    /// (`on resource: "arn:aws:s3:::bucket/key"`).
    public func accessDeniedMessage(quotingResource: Bool) -> String? {
        let onResource = resource.isEmpty ? "" : quotingResource ? " on resource: \"\(resource)\"" : " on resource: \(resource)"
        let start = "User: \(principalARN) is not authorized to perform: \(action)\(onResource)"
        switch basis {
        case .explicitDeny(let type):
            var message = "\(start) with an explicit deny in \(type.withArticle)"
            if let arn = namedDenyingPolicyARN(type) { message += ": \(arn)" }
            return message
        case .noAllow(let type):
            return "\(start) because no \(type.rawValue) allows the \(action) action"
        case .noPermissionRequired, .accountRoot, .allowedByIdentityPolicy, .allowedByResourcePolicy,
            .allowedByIdentityAndResourcePolicies:
            return nil
        }
    }

    /// The ARN of the denying managed policy when AWS would show it: an identity-based policy,
    /// boundary or session policy of the same account as the principal.
    private func namedDenyingPolicyARN(_ type: PolicyType) -> String? {
        guard sameAccount, type != .resourceBased, let deny = denyingStatements.first(where: { $0.policy.type == type }),
            let arn = deny.policy.arn
        else { return nil }
        let principalAccount = principalARN.split(separator: ":", omittingEmptySubsequences: false).dropFirst(4).first
        let policyAccount = arn.split(separator: ":", omittingEmptySubsequences: false).dropFirst(4).first
        return principalAccount != nil && principalAccount == policyAccount ? arn : nil
    }

    /// A short account of the decision for audit records, e.g.
    /// `ImplicitDeny: no identity-based policy allows lambda:DeleteFunction (evaluated: …)`.
    public var explanation: String {
        let evaluated = evaluatedPolicies.isEmpty ? "none" : evaluatedPolicies.map(\.description).joined(separator: ", ")
        let why: String
        switch basis {
        case .noPermissionRequired: why = "\(action) requires no permission"
        case .accountRoot: why = "the account root user acts in its own account"
        case .allowedByIdentityPolicy, .allowedByResourcePolicy, .allowedByIdentityAndResourcePolicies:
            why = "allowed by " + allowingStatements.map(\.description).joined(separator: "; ")
        case .explicitDeny: why = "denied by " + denyingStatements.map(\.description).joined(separator: "; ")
        case .noAllow(let type): why = "no \(type.rawValue) allows \(action)"
        }
        // The trail keeps the first statements only: a broad managed policy can have hundreds.
        let unmatchedStatements = unmatchedStatements
        let shown = unmatchedStatements.prefix(Self.unmatchedShown)
        var notApplied = shown.map { "\n  not applied: \($0)" }.joined()
        if unmatchedStatements.count > shown.count {
            notApplied += "\n  not applied: \(unmatchedStatements.count - shown.count) more statements"
        }
        return "\(decision.rawValue): \(why) (evaluated: \(evaluated))" + notApplied
    }

    /// How many statements that did not apply ``explanation`` lists.
    static let unmatchedShown = 20

    /// The error a service answers a denial with, HTTP 403 with ``accessDeniedMessage``: pass
    /// `AccessDenied` for the query protocols (IAM, STS), `AccessDeniedException` for the JSON ones.
    /// Nil when allowed.
    public func accessDeniedError(code: String = "AccessDeniedException") -> AWSError? {
        accessDeniedMessage.map { AWSError(code: code, message: $0, status: 403) }
    }

    /// A report of the decision, one fact per line, for `bulwark iam explain`: the decision and its
    /// reason, then every policy considered, then the statements that decided.
    public var report: String {
        var lines = ["\(decision.rawValue): \(principalARN) \(action) \(resource)"]
        lines.append("  basis: \(basis)")
        if let accessDeniedMessage { lines.append("  message: \(accessDeniedMessage)") }
        lines += evaluatedPolicies.map { "  considered: \($0)" }
        lines += denyingStatements.map { "  denied by: \($0)" }
        let allowed = decision == .allow ? "allowed by" : "allows, not enough"
        lines += allowingStatements.map { "  \(allowed): \($0)" }
        lines += unmatchedStatements.map { "  not applied: \($0)" }
        return lines.joined(separator: "\n")
    }
}
