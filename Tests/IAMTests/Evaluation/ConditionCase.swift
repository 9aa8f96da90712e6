import IAM

/// A row of a condition-operator table: one condition in an otherwise allowing identity policy,
/// and whether it holds for one request value (nil: the key is absent from the request).
struct ConditionRow {
    var condition: String
    var value: ContextValue?
    var holds: Bool
    var key: String

    /// `op` on `key` with the policy's `values` (JSON: a string, a number, a list).
    init(_ op: String, _ key: String, _ values: String, _ value: ContextValue?, _ holds: Bool) {
        self.condition = #"{"\#(op)":{"\#(key)":\#(values)}}"#
        self.value = value
        self.holds = holds
        self.key = key
    }

    func evaluatorCase(_ theme: String) -> EvaluatorCase {
        let shown = value.map { "\($0)" } ?? "absent"
        return EvaluatorCase(
            theme, "\(condition) with \(shown)", context: value.map { [key: $0] } ?? [:],
            identity: [Policy.allow("lambda:*", condition: condition)], expect: holds ? .allow : .implicitDeny)
    }
}

extension ContextValue {
    /// A single string value, to keep tables short.
    static func s(_ text: String) -> ContextValue { .single(text) }

    /// A multivalued key's values.
    static func m(_ values: String...) -> ContextValue { .multiple(values) }
}
