import Foundation

/// One test of a statement's `Condition` block: an operator, a context key and the policy's values,
/// e.g. `"StringEquals": {"aws:PrincipalTag/team": ["red", "blue"]}`.
///
/// Values are prepared for their operator when the policy is read (dates and numbers parsed, CIDR
/// blocks decoded, patterns compiled), so that evaluation only compares.
public struct PolicyCondition: Sendable, Hashable {
    /// The operator, e.g. `ForAnyValue:StringLike`.
    public let `operator`: ConditionOperator
    /// The key as written, e.g. `aws:SourceIp`.
    public let key: String
    /// The key lowercased: context keys are case-insensitive.
    let normalizedKey: String
    /// The values as written (numbers and booleans in their JSON text).
    public let values: [String]
    let prepared: [PreparedValue]

    /// A value in the form its operator compares.
    enum PreparedValue: Sendable, Hashable {
        /// String, Bool and Binary operators: text that may hold variables (and wildcards for `Like`).
        case text(PolicyString)
        /// ARN operators: a pattern matched field by field.
        case arn(ResourcePattern)
        case number(Double?)
        /// Seconds since 1970.
        case date(Double?)
        case ipRange(IPAddressRange?)
        case binary(Data?)
        /// `Null`: whether the policy asks for the key to be absent.
        case null(Bool?)
    }

    init(operator: ConditionOperator, key: String, values: [String], variables: Bool) {
        self.operator = `operator`
        self.key = key
        self.normalizedKey = key.lowercased()
        self.values = values
        self.prepared = values.map { Self.prepare($0, for: `operator`.base, variables: variables) }
    }

    /// The keys of the variables in its values that need a value, lowercased.
    var variableKeys: [String] {
        prepared.flatMap { value -> [String] in
            switch value {
            case .text(let text): text.requiredKeys
            case .arn(let pattern): pattern.requiredKeys
            case .number, .date, .ipRange, .binary, .null: []
            }
        }
    }

    private static func prepare(_ value: String, for base: ConditionOperator.Base, variables: Bool) -> PreparedValue {
        switch base.family {
        case .string:
            let wildcards = base == .stringLike || base == .stringNotLike
            return .text(PolicyString(value, wildcards: wildcards, variables: variables))
        case .bool: return .text(PolicyString(value, wildcards: false, variables: variables))
        case .binary: return .binary(Data(base64Encoded: value))
        case .numeric: return .number(parseNumber(value))
        case .date: return .date(PolicyDate.seconds(value))
        case .ipAddress: return .ipRange(IPAddressRange(value))
        case .arn: return .arn(ResourcePattern(value, variables: variables))
        case .null:
            switch value.lowercased() {
            case "true": return .null(true)
            case "false": return .null(false)
            default: return .null(nil)
            }
        }
    }

    /// A decimal number: optional sign, digits, optional fraction. No exponents, no `nan`.
    static func parseNumber(_ text: String) -> Double? {
        var body = Substring(text)
        if body.first == "-" || body.first == "+" { body = body.dropFirst() }
        let pieces = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let allDigits: (Substring) -> Bool = { $0.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } }
        guard !body.isEmpty, pieces.allSatisfy(allDigits), pieces.contains(where: { !$0.isEmpty }) else { return nil }
        return Double(text)
    }
}
