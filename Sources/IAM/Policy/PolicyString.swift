/// A string from a policy (a `Resource`, a condition value) as IAM reads it: literal text,
/// wildcards where the element allows them, and policy variables such as `${aws:username}` or
/// `${aws:PrincipalTag/team, 'default'}` in documents of version `2012-10-17`.
///
/// `${*}`, `${?}` and `${$}` stand for the literal characters. A value substituted for a variable is
/// always literal: a user named `a*` does not become a wildcard.
public struct PolicyString: Sendable, Hashable, CustomStringConvertible {
    enum Segment: Sendable, Hashable {
        case literal(String)
        case anyRun
        case anyOne
        /// A policy variable; the key is lowercased because context keys are case-insensitive.
        case variable(key: String, defaultValue: String?)
    }

    /// The text as written in the policy.
    public let text: String
    let segments: [Segment]
    /// The pattern when the string holds no variable, prepared once when the policy is parsed.
    let constantPattern: GlobPattern?

    /// Reads `text`; `wildcards` makes `*` and `?` wildcards, `variables` enables `${...}`.
    init(_ text: String, wildcards: Bool, variables: Bool) {
        self.text = text
        var segments: [Segment] = []
        var literal = ""
        func flushLiteral() {
            if !literal.isEmpty {
                segments.append(.literal(literal))
                literal = ""
            }
        }
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if wildcards, character == "*" || character == "?" {
                flushLiteral()
                segments.append(character == "*" ? .anyRun : .anyOne)
                index = text.index(after: index)
                continue
            }
            if variables, character == "$", text[index...].hasPrefix("${"),
                let close = text[index...].firstIndex(of: "}")
            {
                let inside = text[text.index(index, offsetBy: 2)..<close]
                switch inside {
                case "*", "?", "$": literal += inside
                default:
                    flushLiteral()
                    segments.append(Self.variable(String(inside)))
                }
                index = text.index(after: close)
                continue
            }
            literal.append(character)
            index = text.index(after: index)
        }
        flushLiteral()
        self.segments = segments
        let hasVariable = segments.contains { if case .variable = $0 { true } else { false } }
        self.constantPattern = hasVariable ? nil : Self.pattern(segments) { _ in nil }
    }

    /// Parses the inside of `${...}`: a key, optionally followed by `, 'default'`.
    private static func variable(_ inside: String) -> Segment {
        if let comma = inside.firstIndex(of: ",") {
            let rest = inside[inside.index(after: comma)...].trimmingWhitespace()
            if rest.count >= 2, rest.hasPrefix("'"), rest.hasSuffix("'") {
                let key = inside[..<comma].trimmingWhitespace()
                return .variable(key: key.lowercased(), defaultValue: String(rest.dropFirst().dropLast()))
            }
        }
        return .variable(key: inside.trimmingWhitespace().lowercased(), defaultValue: nil)
    }

    /// Whether the string holds at least one policy variable.
    var hasVariables: Bool { constantPattern == nil }

    /// The keys of the variables that have no default value, lowercased: without them the string matches nothing.
    var requiredKeys: [String] {
        segments.compactMap { segment in
            if case .variable(let key, nil) = segment { return key }
            return nil
        }
    }

    /// The pattern with every variable replaced by its value from `lookup` (or its default), or nil
    /// when a variable has neither: such a string matches nothing.
    func pattern(_ lookup: (String) -> String?) -> GlobPattern? {
        constantPattern ?? Self.pattern(segments, lookup)
    }

    /// The string with variables replaced, for comparisons without wildcards; nil when unresolvable.
    func resolvedText(_ lookup: (String) -> String?) -> String? {
        guard hasVariables else { return literalText }
        var result = ""
        for segment in segments {
            switch segment {
            case .literal(let text): result += text
            case .anyRun: result += "*"
            case .anyOne: result += "?"
            case .variable(let key, let defaultValue):
                guard let value = lookup(key) ?? defaultValue else { return nil }
                result += value
            }
        }
        return result
    }

    /// The text with the `${*}` escapes applied, when the string has no variable.
    var literalText: String {
        segments.reduce(into: "") { result, segment in
            switch segment {
            case .literal(let text): result += text
            case .anyRun: result += "*"
            case .anyOne: result += "?"
            case .variable: break
            }
        }
    }

    private static func pattern(_ segments: [Segment], _ lookup: (String) -> String?) -> GlobPattern? {
        var pattern = GlobPattern(units: [])
        for segment in segments {
            switch segment {
            case .literal(let text): pattern.appendLiteral(text)
            case .anyRun: pattern.appendWildcard(anyRun: true)
            case .anyOne: pattern.appendWildcard(anyRun: false)
            case .variable(let key, let defaultValue):
                guard let value = lookup(key) ?? defaultValue else { return nil }
                pattern.appendLiteral(value)
            }
        }
        return pattern
    }

    public var description: String { text }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
