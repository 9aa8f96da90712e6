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
    /// ``literalText`` when the string is one literal (or empty), for comparisons without wildcards.
    let constantText: String?

    /// Reads `text`; `wildcards` makes `*` and `?` wildcards, `variables` enables `${...}`.
    init(_ text: String, wildcards: Bool, variables: Bool) {
        self.text = text
        let segments =
            text.utf8.allSatisfy { $0 < 0x80 }
            ? Self.asciiSegments(text, wildcards: wildcards, variables: variables)
            : Self.segments(text, wildcards: wildcards, variables: variables)
        self.segments = segments
        let hasVariable = segments.contains { if case .variable = $0 { true } else { false } }
        self.constantPattern = hasVariable ? nil : Self.pattern(segments) { _ in nil }
        // Kept when it costs no new string: text without wildcards, variables or escapes, as most
        // condition values are.
        if hasVariable || segments.count > 1 {
            self.constantText = nil
        } else if case .literal(let literal)? = segments.first {
            self.constantText = literal
        } else {
            self.constantText = segments.isEmpty ? "" : nil
        }
    }

    /// The segments of ASCII text, read byte by byte (a byte is then a character).
    static func asciiSegments(_ text: String, wildcards: Bool, variables: Bool) -> [Segment] {
        var segments: [Segment] = []
        let utf8 = text.utf8
        var literal = ""
        var literalStart = utf8.startIndex
        var index = utf8.startIndex
        func flushLiteral(upTo end: String.Index) {
            if literalStart < end { literal += text[literalStart..<end] }
            if !literal.isEmpty {
                segments.append(.literal(literal))
                literal = ""
            }
        }
        while index < utf8.endIndex {
            let byte = utf8[index]
            if wildcards, byte == UInt8(ascii: "*") || byte == UInt8(ascii: "?") {
                flushLiteral(upTo: index)
                segments.append(byte == UInt8(ascii: "*") ? .anyRun : .anyOne)
                index = utf8.index(after: index)
                literalStart = index
                continue
            }
            if variables, byte == UInt8(ascii: "$"), utf8[index...].starts(with: "${".utf8),
                let close = utf8[index...].firstIndex(of: UInt8(ascii: "}"))
            {
                let inside = text[utf8.index(index, offsetBy: 2)..<close]
                switch inside {
                case "*", "?", "$":
                    literal += text[literalStart..<index]
                    literal += inside
                default:
                    flushLiteral(upTo: index)
                    segments.append(Self.variable(String(inside)))
                }
                index = utf8.index(after: close)
                literalStart = index
                continue
            }
            index = utf8.index(after: index)
        }
        flushLiteral(upTo: utf8.endIndex)
        return segments
    }

    /// The segments of any text, read character by character.
    static func segments(_ text: String, wildcards: Bool, variables: Bool) -> [Segment] {
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
        return segments
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
        if let constantText { return constantText }
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
    var literalText: String { constantText ?? Self.literalText(segments) }

    private static func literalText(_ segments: [Segment]) -> String {
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
        var units: [UInt16] = []
        // Room for the literal text and the wildcards, grown only by the values of variables.
        units.reserveCapacity(
            segments.reduce(0) { count, segment in if case .literal(let text) = segment { count + text.utf8.count } else { count + 1 } })
        for segment in segments {
            switch segment {
            case .literal(let text): units.append(contentsOf: text.utf8.lazy.map(UInt16.init))
            case .anyRun: units.append(GlobPattern.anyRun)
            case .anyOne: units.append(GlobPattern.anyOne)
            case .variable(let key, let defaultValue):
                guard let value = lookup(key) ?? defaultValue else { return nil }
                units.append(contentsOf: value.utf8.lazy.map(UInt16.init))
            }
        }
        return GlobPattern(units: units)
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
