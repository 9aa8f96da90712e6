/// Decides one request exactly as AWS's policy evaluation logic does.
///
/// 1. An applicable `Deny` in any policy (resource-based, identity-based, permissions boundary,
///    session) denies.
/// 2. Within one account, a resource policy that grants the requester itself (its user or session
///    ARN, its service, or `*`) allows on its own. A grant to the role behind a session (or the
///    user behind a federated session) allows unless the boundary or a session policy does not.
///    Otherwise an identity-based allow is needed, and the boundary and the session policies, if
///    any, must allow too; the account root user needs no identity-based policy. Trust policies
///    and other ``ApplicablePolicies/ResourcePolicyMode/mustGrant`` policies must grant the
///    requester or its account for anything to be allowed.
/// 3. Across accounts, both the requester's side (identity, boundary, session) and the resource
///    policy must allow.
/// 4. Services, identity providers and anonymous callers are allowed only by a resource policy
///    that names them.
///
/// Nothing else allows: whatever is not allowed is an implicit deny.
public struct PolicyEvaluator: Sendable {
    public init() {}

    /// Decides `request`.
    public func evaluate(_ request: EvaluationRequest) -> EvaluationResult {
        let principal = request.principal
        let policies = request.policies
        let lowercasedAction = ActionPattern.lowercasedASCII(request.action)
        let resource = ResourceText(request.resource)
        let resourceAccount = request.resourceAccount ?? resource.account.map(String.init) ?? principal.accountID
        let sameAccount = principal.accountID != nil && principal.accountID == resourceAccount
        var builder = ResultBuilder(request, sameAccount: sameAccount)

        // AWS answers GetCallerIdentity for every authenticated caller, even against a deny.
        if lowercasedAction == "sts:getcalleridentity", principal.isIAMIdentity {
            return builder.finish(.allow, .noPermissionRequired)
        }

        let context = EvaluationContext(principal: principal, request: request.context)
        let matcher = StatementMatcher(
            lowercasedAction: lowercasedAction,
            resource: resource,
            context: context,
            principals: PrincipalMatcher(principal: principal, bindings: policies.resource?.principalBindings),
            principalHasBoundary: policies.permissionsBoundary != nil
        )

        builder.matcher = matcher
        let grants = policies.resource.map { builder.evaluateResource($0, matcher) } ?? ResourceGrants()
        let identity = builder.evaluate(policies.identity, .identityBased, matcher)
        let boundary = policies.permissionsBoundary.map { builder.evaluate([$0], .permissionsBoundary, matcher) }
        let session =
            policies.session.isEmpty && !policies.sessionLimited ? nil : builder.evaluate(policies.session, .sessionPolicy, matcher)

        // 1. Explicit deny, reported in AWS's order of policy types.
        if !builder.denies.isEmpty {
            for type in Self.denialOrder where builder.denies.contains(where: { $0.policy.type == type }) {
                return builder.finish(.explicitDeny, .explicitDeny(in: type))
            }
        }

        guard principal.isIAMIdentity else {
            // 4. Only a resource policy can admit a service, an identity provider or an anonymous caller.
            if !grants.direct.isEmpty { return builder.finish(.allow, .allowedByResourcePolicy, using: grants.direct) }
            return builder.finish(.implicitDeny, .noAllow(in: .resourceBased))
        }

        // The root needs no identity-based policy, nor does a federated user session of the root.
        let identityAllows = principal.isRoot || principal.isFederatedRoot || !identity.isEmpty
        let boundaryAllows = boundary.map { !$0.isEmpty } ?? true
        let sessionAllows = session.map { !$0.isEmpty } ?? true
        let requesterSideAllows = identityAllows && boundaryAllows && sessionAllows
        let limits = (boundary ?? []) + (session ?? [])
        let requesterGap: PolicyType = !identityAllows ? .identityBased : !boundaryAllows ? .permissionsBoundary : .sessionPolicy

        guard sameAccount else {
            // 3. Cross-account: both sides must allow.
            guard requesterSideAllows else { return builder.finish(.implicitDeny, .noAllow(in: requesterGap)) }
            guard grants.any else { return builder.finish(.implicitDeny, .noAllow(in: .resourceBased)) }
            let resourceStatements = grants.direct + grants.roleOfSession + grants.account
            return builder.finish(.allow, .allowedByIdentityAndResourcePolicies, using: identity + limits + resourceStatements)
        }

        // 2. Same account.
        if !grants.direct.isEmpty {
            return builder.finish(.allow, .allowedByResourcePolicy, using: grants.direct)
        }
        if !grants.roleOfSession.isEmpty, boundaryAllows, sessionAllows {
            return builder.finish(.allow, .allowedByResourcePolicy, using: grants.roleOfSession + limits)
        }
        let mustGrant = policies.resourcePolicyMode == .mustGrant || policies.resource?.document.kind == .trust
        if requesterSideAllows, !mustGrant || !grants.account.isEmpty {
            let basis: EvaluationResult.Basis = principal.isRoot && limits.isEmpty ? .accountRoot : .allowedByIdentityPolicy
            return builder.finish(.allow, basis, using: identity + limits + (mustGrant ? grants.account : []))
        }
        if mustGrant, !grants.any {
            return builder.finish(.implicitDeny, .noAllow(in: .resourceBased))
        }
        if !grants.roleOfSession.isEmpty {
            return builder.finish(.implicitDeny, .noAllow(in: boundaryAllows ? .sessionPolicy : .permissionsBoundary))
        }
        return builder.finish(.implicitDeny, .noAllow(in: requesterGap))
    }

    /// The order in which AWS names the type of policy that denied explicitly.
    private static let denialOrder: [PolicyType] = [.resourceBased, .identityBased, .permissionsBoundary, .sessionPolicy]

    /// The account in an ARN, or nil for `*` and for ARNs without one (S3 buckets).
    static func account(in resource: String) -> String? {
        ResourceText(resource).account.map(String.init)
    }

    /// ``account(in:)`` by splitting the text into characters, for text that is not ASCII.
    static func splitAccount(in resource: String) -> String? {
        let parts = resource.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", !parts[4].isEmpty else { return nil }
        return String(parts[4])
    }
}

/// The `Allow` statements of a resource policy that apply, by how they name the requester.
struct ResourceGrants {
    var direct: [StatementReference] = []
    var roleOfSession: [StatementReference] = []
    var account: [StatementReference] = []

    var any: Bool { !direct.isEmpty || !roleOfSession.isEmpty || !account.isEmpty }
}

/// Collects what one evaluation saw and makes the result.
private struct ResultBuilder {
    let principalARN: String
    let action: String
    let resource: String
    let sameAccount: Bool
    /// The policies, for an implicit deny to say later why each `Allow` did not apply.
    let policies: ApplicablePolicies
    var denies: [StatementReference] = []
    /// Every `Allow` that applied, to show on a denial what allowed but was not enough.
    var allows: [StatementReference] = []
    var evaluated: [PolicySource] = []
    var matcher: StatementMatcher?

    init(_ request: EvaluationRequest, sameAccount: Bool) {
        self.principalARN = request.principal.arn
        self.action = request.action
        self.resource = request.resource
        self.sameAccount = sameAccount
        self.policies = request.policies
        // One allocation for the sources of every policy, and none when there is no policy (the root's calls).
        let count =
            policies.identity.count + policies.session.count + (policies.permissionsBoundary == nil ? 0 : 1) + (policies.resource == nil ? 0 : 1)
        if count > 0 { evaluated.reserveCapacity(count) }
    }

    /// Evaluates identity-like policies; answers the `Allow` statements that apply.
    mutating func evaluate(_ policies: [AttachedPolicy], _ type: PolicyType, _ matcher: StatementMatcher) -> [StatementReference] {
        var allows: [StatementReference] = []
        for policy in policies {
            let source = PolicySource(type: type, name: policy.name, arn: policy.arn)
            evaluated.append(source)
            for statement in policy.document.statements where matcher.applies(statement) {
                let reference = StatementReference(policy: source, statement: statement)
                if statement.effect == .deny { denies.append(reference) } else { allows.append(reference) }
            }
        }
        self.allows += allows
        return allows
    }

    mutating func evaluateResource(_ policy: AttachedPolicy, _ matcher: StatementMatcher) -> ResourceGrants {
        let source = PolicySource(type: .resourceBased, name: policy.name, arn: policy.arn)
        evaluated.append(source)
        var grants = ResourceGrants()
        for statement in policy.document.statements {
            let match = matcher.resourceStatementMatch(statement)
            guard match != .none else { continue }
            let reference = StatementReference(policy: source, statement: statement)
            switch (statement.effect, match) {
            case (.deny, _): denies.append(reference)
            case (.allow, .direct): grants.direct.append(reference)
            case (.allow, .roleOfSession): grants.roleOfSession.append(reference)
            case (.allow, .account): grants.account.append(reference)
            case (.allow, .none): break
            }
            if statement.effect == .allow { allows.append(reference) }
        }
        return grants
    }

    func finish(
        _ decision: EvaluationResult.Decision, _ basis: EvaluationResult.Basis, using used: [StatementReference] = []
    ) -> EvaluationResult {
        // The denial message names the policy type that decided first.
        var orderedDenies = denies
        if case .explicitDeny(let type) = basis {
            orderedDenies = denies.filter { $0.policy.type == type } + denies.filter { $0.policy.type != type }
        }
        return EvaluationResult(
            decision: decision,
            basis: basis,
            allowingStatements: decision == .allow ? used : allows,
            denyingStatements: orderedDenies,
            evaluatedPolicies: evaluated,
            principalARN: principalARN,
            action: action,
            resource: resource,
            sameAccount: sameAccount,
            unmatched: decision == .implicitDeny ? matcher.map { UnmatchedAllows(matcher: $0, policies: policies) } : nil
        )
    }
}
