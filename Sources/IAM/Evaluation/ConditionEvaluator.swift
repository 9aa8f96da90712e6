import Foundation

/// Decides whether a condition holds for a request, by the rules of IAM's condition operators:
///
/// - a missing key makes a condition false, except that negated operators, `...IfExists` and
///   `ForAllValues:` are then true (and `Null` tests exactly that);
/// - several values in the policy are alternatives: one match suffices, and a negated operator
///   holds when none matches;
/// - a multivalued key needs `ForAllValues:` (every request value matches) or `ForAnyValue:`
///   (one does); compared without one, it fails the condition;
/// - a policy variable that cannot be resolved matches nothing, and makes a negated operator false.
struct ConditionEvaluator {
    let context: EvaluationContext

    func holds(_ condition: PolicyCondition) -> Bool {
        let op = condition.operator
        let value = context.value(condition.normalizedKey)
        if op.base == .null {
            let absent = value == nil
            return condition.prepared.contains { if case .null(let wanted?) = $0 { wanted == absent } else { false } }
        }
        guard let value else {
            if op.ifExists { return true }
            switch op.qualifier {
            case .forAllValues: return true
            case .forAnyValue: return false
            case nil: return op.base.isNegated
            }
        }
        switch (op.qualifier, value) {
        case (nil, .single(let requestValue)): return holds(condition, for: requestValue)
        case (nil, .multiple): return false
        case (.forAllValues?, _): return values(value).allSatisfy { holds(condition, for: $0) }
        case (.forAnyValue?, _): return values(value).contains { holds(condition, for: $0) }
        }
    }

    private func values(_ value: ContextValue) -> [String] {
        switch value {
        case .single(let value): [value]
        case .multiple(let values): values
        }
    }

    /// The operator applied to one request value against all the policy's values.
    private func holds(_ condition: PolicyCondition, for requestValue: String) -> Bool {
        var unresolved = false
        let base = condition.operator.base
        let matched = condition.prepared.contains { prepared in
            switch compare(base, prepared, requestValue) {
            case .match: return true
            case .noMatch: return false
            case .unresolved:
                unresolved = true
                return false
            }
        }
        if base.isNegated { return !matched && !unresolved }
        return matched
    }

    private enum Comparison {
        case match, noMatch, unresolved
    }

    /// The positive form of the operator (`StringNotLike` compares as `StringLike`).
    private func compare(_ base: ConditionOperator.Base, _ prepared: PolicyCondition.PreparedValue, _ request: String) -> Comparison {
        let lookup: (String) -> String? = { context.single($0) }
        switch (base, prepared) {
        case (.stringEquals, .text(let text)), (.stringNotEquals, .text(let text)):
            guard let resolved = text.resolvedText(lookup) else { return .unresolved }
            return resolved == request ? .match : .noMatch
        case (.stringEqualsIgnoreCase, .text(let text)), (.stringNotEqualsIgnoreCase, .text(let text)):
            guard let resolved = text.resolvedText(lookup) else { return .unresolved }
            return resolved.lowercased() == request.lowercased() ? .match : .noMatch
        case (.stringLike, .text(let text)), (.stringNotLike, .text(let text)):
            guard let pattern = text.pattern(lookup) else { return .unresolved }
            return pattern.matches(request) ? .match : .noMatch
        case (.bool, .text(let text)):
            guard let resolved = text.resolvedText(lookup)?.lowercased() else { return .unresolved }
            let normalized = request.lowercased()
            guard resolved == "true" || resolved == "false", normalized == "true" || normalized == "false" else { return .noMatch }
            return resolved == normalized ? .match : .noMatch
        case (_, .number(let policyNumber)):
            guard let policyNumber, let requestNumber = PolicyCondition.parseNumber(request) else { return .noMatch }
            return ordered(base, request: requestNumber, policy: policyNumber) ? .match : .noMatch
        case (_, .date(let policyDate)):
            guard let policyDate, let requestDate = PolicyDate.seconds(request) else { return .noMatch }
            return ordered(base, request: requestDate, policy: policyDate) ? .match : .noMatch
        case (_, .ipRange(let range)):
            guard let range, let address = IPAddress(request) else { return .noMatch }
            return range.contains(address) ? .match : .noMatch
        case (_, .binary(let policyBytes)):
            guard let policyBytes, let requestBytes = Data(base64Encoded: request) else { return .noMatch }
            return policyBytes == requestBytes ? .match : .noMatch
        case (_, .arn(let pattern)):
            return compareARN(pattern, request, lookup)
        default:
            return .noMatch
        }
    }

    /// Numeric and date comparisons: the request value on the left (`NumericLessThan` holds when
    /// the request's value is less than the policy's).
    private func ordered(_ base: ConditionOperator.Base, request: Double, policy: Double) -> Bool {
        switch base {
        case .numericEquals, .numericNotEquals, .dateEquals, .dateNotEquals: request == policy
        case .numericLessThan, .dateLessThan: request < policy
        case .numericLessThanEquals, .dateLessThanEquals: request <= policy
        case .numericGreaterThan, .dateGreaterThan: request > policy
        case .numericGreaterThanEquals, .dateGreaterThanEquals: request >= policy
        default: false
        }
    }

    /// ARN operators compare field by field; a request value that is not an ARN matches nothing.
    private func compareARN(_ pattern: ResourcePattern, _ request: String, _ lookup: (String) -> String?) -> Comparison {
        guard request.hasPrefix("arn:") else { return .noMatch }
        switch pattern.matches(request, lookup: lookup) {
        case true?: return .match
        case false?: return .noMatch
        case nil: return .unresolved
        }
    }
}
