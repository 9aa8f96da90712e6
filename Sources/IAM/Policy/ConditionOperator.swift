/// A condition operator such as `StringLike`, `ForAnyValue:StringEquals` or `NumericLessThanIfExists`.
public struct ConditionOperator: Sendable, Hashable, CustomStringConvertible {
    /// The comparison itself.
    public enum Base: String, Sendable, Hashable, CaseIterable {
        case stringEquals = "StringEquals"
        case stringNotEquals = "StringNotEquals"
        case stringEqualsIgnoreCase = "StringEqualsIgnoreCase"
        case stringNotEqualsIgnoreCase = "StringNotEqualsIgnoreCase"
        case stringLike = "StringLike"
        case stringNotLike = "StringNotLike"
        case numericEquals = "NumericEquals"
        case numericNotEquals = "NumericNotEquals"
        case numericLessThan = "NumericLessThan"
        case numericLessThanEquals = "NumericLessThanEquals"
        case numericGreaterThan = "NumericGreaterThan"
        case numericGreaterThanEquals = "NumericGreaterThanEquals"
        case dateEquals = "DateEquals"
        case dateNotEquals = "DateNotEquals"
        case dateLessThan = "DateLessThan"
        case dateLessThanEquals = "DateLessThanEquals"
        case dateGreaterThan = "DateGreaterThan"
        case dateGreaterThanEquals = "DateGreaterThanEquals"
        case bool = "Bool"
        case binaryEquals = "BinaryEquals"
        case ipAddress = "IpAddress"
        case notIpAddress = "NotIpAddress"
        case arnEquals = "ArnEquals"
        case arnLike = "ArnLike"
        case arnNotEquals = "ArnNotEquals"
        case arnNotLike = "ArnNotLike"
        case null = "Null"

        /// Negated operators are true when the key is absent and when no value matches.
        public var isNegated: Bool {
            switch self {
            case .stringNotEquals, .stringNotEqualsIgnoreCase, .stringNotLike, .numericNotEquals, .dateNotEquals,
                .notIpAddress, .arnNotEquals, .arnNotLike:
                true
            default: false
            }
        }

        var family: Family {
            switch self {
            case .stringEquals, .stringNotEquals, .stringEqualsIgnoreCase, .stringNotEqualsIgnoreCase, .stringLike, .stringNotLike:
                .string
            case .numericEquals, .numericNotEquals, .numericLessThan, .numericLessThanEquals, .numericGreaterThan,
                .numericGreaterThanEquals:
                .numeric
            case .dateEquals, .dateNotEquals, .dateLessThan, .dateLessThanEquals, .dateGreaterThan, .dateGreaterThanEquals:
                .date
            case .bool: .bool
            case .binaryEquals: .binary
            case .ipAddress, .notIpAddress: .ipAddress
            case .arnEquals, .arnLike, .arnNotEquals, .arnNotLike: .arn
            case .null: .null
            }
        }
    }

    enum Family: Sendable, Hashable {
        case string, numeric, date, bool, binary, ipAddress, arn, null
    }

    /// `ForAllValues:` / `ForAnyValue:`, for keys with several values.
    public enum SetQualifier: String, Sendable, Hashable {
        case forAllValues = "ForAllValues"
        case forAnyValue = "ForAnyValue"
    }

    /// The comparison, e.g. `StringLike`.
    public let base: Base
    /// `ForAllValues:`/`ForAnyValue:`, when the operator has one.
    public let qualifier: SetQualifier?
    /// `...IfExists`: a missing key makes the condition true.
    public let ifExists: Bool

    /// Reads an operator name; nil when IAM does not know it.
    init?(name: String) {
        var rest = Substring(name)
        var qualifier: SetQualifier?
        if rest.hasPrefix("ForAllValues:") {
            qualifier = .forAllValues
            rest = rest.dropFirst("ForAllValues:".count)
        } else if rest.hasPrefix("ForAnyValue:") {
            qualifier = .forAnyValue
            rest = rest.dropFirst("ForAnyValue:".count)
        }
        var ifExists = false
        if rest.hasSuffix("IfExists") {
            ifExists = true
            rest = rest.dropLast("IfExists".count)
        }
        guard let base = Base(rawValue: String(rest)) else { return nil }
        self.base = base
        self.qualifier = qualifier
        self.ifExists = ifExists
    }

    public var description: String {
        (qualifier.map { $0.rawValue + ":" } ?? "") + base.rawValue + (ifExists ? "IfExists" : "")
    }
}
