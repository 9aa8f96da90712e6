extension PolicyEvaluator {
    /// The context keys that the statements that may apply to `request` (its action, and its
    /// resource unless a variable without a value leaves that open) test in their conditions or use
    /// as variables, but that neither the request nor the principal supplies: what the IAM policy
    /// simulator reports as missing context values. Condition keys as the policies spell them,
    /// variables lowercased; each once.
    public func missingContextKeys(_ request: EvaluationRequest) -> [String] {
        let context = EvaluationContext(principal: request.principal, request: request.context)
        let matcher = StatementMatcher(
            lowercasedAction: ActionPattern.lowercasedASCII(request.action),
            resource: ResourceText(request.resource),
            context: context,
            principals: PrincipalMatcher(principal: request.principal, bindings: request.policies.resource?.principalBindings),
            principalHasBoundary: request.policies.permissionsBoundary != nil
        )
        let policies = request.policies
        let documents = policies.identity + [policies.permissionsBoundary, policies.resource].compactMap { $0 } + policies.session
        var seen = Set<String>()
        var missing: [String] = []
        for statement in documents.flatMap(\.document.statements) where matcher.mayCover(statement) {
            for key in Self.keys(of: statement) where context.value(key.lowercased()) == nil && seen.insert(key.lowercased()).inserted {
                missing.append(key)
            }
        }
        return missing
    }

    /// The keys a statement reads: its variables in `Resource`/`NotResource`, then each condition's
    /// key and the variables in its values.
    private static func keys(of statement: PolicyStatement) -> [String] {
        let patterns: [ResourcePattern]
        switch statement.resources {
        case .resource(let entries)?, .notResource(let entries)?: patterns = entries
        case nil: patterns = []
        }
        return patterns.flatMap(\.requiredKeys) + statement.conditions.flatMap { [$0.key] + $0.variableKeys }
    }
}
