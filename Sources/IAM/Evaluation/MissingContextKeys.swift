extension PolicyEvaluator {
    /// The context keys that the conditions of the statements naming `request`'s action and resource
    /// test but that neither the request nor the principal supplies, as the policies spell them, each
    /// once: what the IAM policy simulator reports as missing context values.
    public func missingContextKeys(_ request: EvaluationRequest) -> [String] {
        let context = EvaluationContext(principal: request.principal, request: request.context)
        let matcher = StatementMatcher(
            lowercasedAction: ActionPattern.lowercasedASCII(request.action),
            resource: request.resource,
            context: context,
            principals: PrincipalMatcher(principal: request.principal),
            principalHasBoundary: request.policies.permissionsBoundary != nil
        )
        let policies = request.policies
        let documents =
            policies.identity + [policies.permissionsBoundary, policies.resource].compactMap { $0 } + policies.session
        var seen = Set<String>()
        var missing: [String] = []
        for statement in documents.flatMap(\.document.statements) where matcher.covers(statement) {
            for condition in statement.conditions
            where context.value(condition.normalizedKey) == nil && seen.insert(condition.normalizedKey).inserted {
                missing.append(condition.key)
            }
        }
        return missing
    }
}
