/// Decides whether one statement applies to the request: its action, its resource, its
/// principal (in resource policies) and all of its conditions.
struct StatementMatcher {
    let lowercasedAction: String
    /// The resource, its ARN fields located once for every statement.
    let resource: ResourceText
    let context: EvaluationContext
    let principals: PrincipalMatcher
    /// Whether the principal has a permissions boundary: AWS then applies every `Deny` with
    /// `NotPrincipal` in a resource policy to it, whatever the `NotPrincipal` lists.
    let principalHasBoundary: Bool

    /// Whether an identity-based, boundary or session policy statement applies.
    func applies(_ statement: PolicyStatement) -> Bool {
        coversAction(statement) && coversResource(statement) && conditionsHold(statement)
    }

    /// How a resource policy statement applies: `.none` when it does not, otherwise how strongly
    /// its `Principal` names the requester.
    func resourceStatementMatch(_ statement: PolicyStatement) -> PrincipalMatch {
        guard coversAction(statement), coversResource(statement) else { return .none }
        let match: PrincipalMatch
        switch statement.principals {
        case .principal(let named)?:
            match = principals.match(named)
        case .notPrincipal(let named)?:
            let applies =
                statement.effect == .deny
                ? principalHasBoundary || principals.denyApplies(notPrincipal: named)
                : principals.allowApplies(notPrincipal: named)
            match = applies ? .direct : .none
        case nil:
            // A resource policy statement without a principal names nobody.
            match = .none
        }
        guard match != .none, conditionsHold(statement) else { return .none }
        return match
    }

    /// Whether the statement names the action and may name the resource (it does, or a policy
    /// variable without a value leaves it open), whatever its principal and conditions.
    func mayCover(_ statement: PolicyStatement) -> Bool {
        guard coversAction(statement) else { return false }
        switch statement.resources {
        case nil:
            return true
        case .resource(let patterns)?:
            return patterns.contains { $0.matches(resource) { context.single($0) } ?? true }
        case .notResource(let patterns)?:
            let matches = patterns.map { $0.matches(resource) { context.single($0) } }
            return matches.contains(nil) || !matches.contains(true)
        }
    }

    /// The first part of a statement that keeps it from applying, or nil when it applies.
    func unmatchedPart(_ statement: PolicyStatement, inResourcePolicy: Bool) -> UnmatchedStatement.Part? {
        guard coversAction(statement) else { return .action }
        guard coversResource(statement) else { return .resource }
        if inResourcePolicy, resourceStatementMatch(statement) == .none, conditionsHold(statement) { return .principal }
        let evaluator = ConditionEvaluator(context: context)
        let failed = statement.conditions.filter { !evaluator.holds($0) }.map { "\($0.operator) \($0.key)" }
        return failed.isEmpty ? nil : .conditions(failed)
    }

    private func coversAction(_ statement: PolicyStatement) -> Bool {
        switch statement.actions {
        case .action(let patterns): covers(patterns)
        case .notAction(let patterns): !covers(patterns)
        }
    }

    private func covers(_ patterns: [ActionPattern]) -> Bool {
        // A native string's bytes are read in place; any other is copied once.
        if let covered = lowercasedAction.utf8.withContiguousStorageIfAvailable({ covers(patterns, $0) }) { return covered }
        var action = lowercasedAction
        return action.withUTF8 { covers(patterns, $0) }
    }

    private func covers(_ patterns: [ActionPattern], _ action: UnsafeBufferPointer<UInt8>) -> Bool {
        for pattern in patterns where pattern.matches(lowercasedBytes: action) { return true }
        return false
    }

    private func coversResource(_ statement: PolicyStatement) -> Bool {
        switch statement.resources {
        case nil:
            return true
        case .resource(let patterns)?:
            for pattern in patterns where pattern.matches(resource, lookup: { context.single($0) }) == true { return true }
            return false
        case .notResource(let patterns)?:
            // An entry that cannot be resolved makes the statement void rather than broader.
            var covered = true
            for pattern in patterns {
                guard let matched = pattern.matches(resource, lookup: { context.single($0) }) else { return false }
                if matched { covered = false }
            }
            return covered
        }
    }

    private func conditionsHold(_ statement: PolicyStatement) -> Bool {
        if statement.conditions.isEmpty { return true }
        let evaluator = ConditionEvaluator(context: context)
        return statement.conditions.allSatisfy(evaluator.holds)
    }
}
