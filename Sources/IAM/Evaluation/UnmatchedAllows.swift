/// Every `Allow` statement of an implicitly denied request that did not apply, with the part of it
/// that did not match — kept as what it is worked out from, and worked out when the trail or a
/// report reads it, so that a decision pays nothing for it.
struct UnmatchedAllows: Sendable {
    /// The matcher the request was decided with.
    let matcher: StatementMatcher
    /// The policies it was decided on.
    let policies: ApplicablePolicies

    /// The statements, policy by policy in the order they were evaluated: the resource policy, the
    /// identity-based policies, the boundary, the session policies.
    var statements: [UnmatchedStatement] {
        var considered: [(policy: AttachedPolicy, type: PolicyType)] = []
        if let resource = policies.resource { considered.append((resource, .resourceBased)) }
        considered += policies.identity.map { ($0, .identityBased) }
        if let boundary = policies.permissionsBoundary { considered.append((boundary, .permissionsBoundary)) }
        considered += policies.session.map { ($0, .sessionPolicy) }
        return considered.flatMap { policy, type in
            let source = PolicySource(type: type, name: policy.name, arn: policy.arn)
            return policy.document.statements.compactMap { statement -> UnmatchedStatement? in
                guard statement.effect == .allow,
                    let part = matcher.unmatchedPart(statement, inResourcePolicy: type == .resourceBased)
                else { return nil }
                return UnmatchedStatement(statement: StatementReference(policy: source, statement: statement), part: part)
            }
        }
    }
}
