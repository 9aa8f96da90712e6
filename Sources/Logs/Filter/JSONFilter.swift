import BulwarkCore
import Foundation

/// The JSON form of a filter pattern, `{ <selector> <op> <value> }` joined by `&&` and `||` (`&&`
/// binding tighter) with parentheses: `=` and `!=` on strings (with `*` wildcards) and numbers,
/// `<`, `<=`, `>`, `>=` on numbers, and `IS NULL`, `IS TRUE`, `IS FALSE`, `EXISTS`, `NOT EXISTS`.
public indirect enum JSONFilter: Sendable, Equatable {
    case and(JSONFilter, JSONFilter)
    case or(JSONFilter, JSONFilter)
    case compare(JSONSelector, Operator, Operand)
    /// `IS NULL`, `IS TRUE`, `IS FALSE`.
    case isValue(JSONSelector, JSONValue)
    case exists(JSONSelector, Bool)

    public enum Operator: String, Sendable {
        case equal = "="
        case notEqual = "!="
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
    }

    public enum Operand: Sendable, Equatable {
        case number(Double)
        /// A quoted or bare string; `*` matches any run of characters.
        case string(String)
    }

    init(_ text: String) throws(FilterPattern.Invalid) {
        var parser = Parser(tokens: try Self.tokenize(text), text: text)
        guard parser.take() == .open("{") else { throw parser.invalid() }
        let filter = try parser.disjunction()
        guard parser.take() == .close("}"), parser.isAtEnd else { throw parser.invalid() }
        self = filter
    }

    func matches(_ document: JSONValue) -> Bool {
        switch self {
        case .and(let left, let right): return left.matches(document) && right.matches(document)
        case .or(let left, let right): return left.matches(document) || right.matches(document)
        case .exists(let selector, let present): return (selector.select(in: document) != nil) == present
        case .isValue(let selector, let expected): return selector.select(in: document) == expected
        case .compare(let selector, let op, let operand):
            guard let value = selector.select(in: document) else { return false }
            return Self.compare(value, op, operand)
        }
    }

    private static func compare(_ value: JSONValue, _ op: Operator, _ operand: Operand) -> Bool {
        switch operand {
        case .number(let number):
            let actual: Double
            switch value {
            case .int(let int): actual = Double(int)
            case .double(let double): actual = double
            default: return op == .notEqual
            }
            switch op {
            case .equal: return actual == number
            case .notEqual: return actual != number
            case .less: return actual < number
            case .lessOrEqual: return actual <= number
            case .greater: return actual > number
            case .greaterOrEqual: return actual >= number
            }
        case .string(let pattern):
            let text: String
            switch value {
            case .string(let string): text = string
            case .int(let int): text = String(int)
            case .double(let double): text = String(double)
            case .bool(let bool): text = bool ? "true" : "false"
            case .null, .array, .object: return op == .notEqual
            }
            let equal = Wildcard.matches(pattern, text)
            return op == .equal ? equal : !equal
        }
    }

    enum Token: Equatable {
        case open(Character)
        case close(Character)
        case and, or
        case op(Operator)
        case quoted(String)
        case word(String)
    }

    private static func tokenize(_ text: String) throws(FilterPattern.Invalid) -> [Token] {
        var tokens: [Token] = []
        var rest = Substring(text)
        while let first = rest.first {
            if first.isWhitespace {
                rest = rest.dropFirst()
            } else if first == "{" || first == "(" {
                tokens.append(.open(first))
                rest = rest.dropFirst()
            } else if first == "}" || first == ")" {
                tokens.append(.close(first))
                rest = rest.dropFirst()
            } else if rest.hasPrefix("&&") {
                tokens.append(.and)
                rest = rest.dropFirst(2)
            } else if rest.hasPrefix("||") {
                tokens.append(.or)
                rest = rest.dropFirst(2)
            } else if let op = [Operator.notEqual, .lessOrEqual, .greaterOrEqual, .equal, .less, .greater].first(where: {
                rest.hasPrefix($0.rawValue)
            }) {
                tokens.append(.op(op))
                rest = rest.dropFirst(op.rawValue.count)
            } else if first == "\"" {
                rest = rest.dropFirst()
                guard let close = rest.firstIndex(of: "\"") else {
                    throw FilterPattern.Invalid(message: "Invalid filter pattern: unterminated quote in \(text)")
                }
                tokens.append(.quoted(String(rest[..<close])))
                rest = rest[rest.index(after: close)...]
            } else {
                let end = rest.firstIndex { $0.isWhitespace || "{}()=!<>&|\"".contains($0) } ?? rest.endIndex
                guard end > rest.startIndex else { throw FilterPattern.Invalid(message: "Invalid filter pattern: \(text)") }
                tokens.append(.word(String(rest[..<end])))
                rest = rest[end...]
            }
        }
        return tokens
    }

    private struct Parser {
        var tokens: [Token]
        let text: String
        var index = 0

        var isAtEnd: Bool { index == tokens.count }

        func invalid() -> FilterPattern.Invalid { FilterPattern.Invalid(message: "Invalid filter pattern: \(text)") }

        func peek() -> Token? { index < tokens.count ? tokens[index] : nil }

        mutating func take() -> Token? {
            defer { index += 1 }
            return peek()
        }

        mutating func disjunction() throws(FilterPattern.Invalid) -> JSONFilter {
            var left = try conjunction()
            while peek() == .or {
                index += 1
                left = .or(left, try conjunction())
            }
            return left
        }

        mutating func conjunction() throws(FilterPattern.Invalid) -> JSONFilter {
            var left = try primary()
            while peek() == .and {
                index += 1
                left = .and(left, try primary())
            }
            return left
        }

        mutating func primary() throws(FilterPattern.Invalid) -> JSONFilter {
            if peek() == .open("(") {
                index += 1
                let inner = try disjunction()
                guard take() == .close(")") else { throw invalid() }
                return inner
            }
            guard case .word(let path) = take(), let selector = JSONSelector(path) else { throw invalid() }
            switch take() {
            case .op(let op):
                switch take() {
                case .quoted(let string):
                    guard op == .equal || op == .notEqual else { throw invalid() }
                    return .compare(selector, op, .string(string))
                case .word(let word):
                    if let number = Double(word), word.first != "+", !word.contains("*") { return .compare(selector, op, .number(number)) }
                    guard op == .equal || op == .notEqual else { throw invalid() }
                    return .compare(selector, op, .string(word))
                default: throw invalid()
                }
            case .word(let keyword) where keyword == "IS":
                switch take() {
                case .word("NULL"): return .isValue(selector, .null)
                case .word("TRUE"): return .isValue(selector, .bool(true))
                case .word("FALSE"): return .isValue(selector, .bool(false))
                default: throw invalid()
                }
            case .word("EXISTS"): return .exists(selector, true)
            case .word("NOT"):
                guard take() == .word("EXISTS") else { throw invalid() }
                return .exists(selector, false)
            default: throw invalid()
            }
        }
    }
}

/// `$.a.b[0].c`: the member and element steps of a JSON filter's selector.
public struct JSONSelector: Sendable, Equatable {
    public enum Step: Sendable, Equatable {
        case member(String)
        case element(Int)
    }

    public let steps: [Step]

    init?(_ text: String) {
        guard text.hasPrefix("$.") || text.hasPrefix("$[") else { return nil }
        var steps: [Step] = []
        var rest = text.dropFirst()
        while let first = rest.first {
            if first == "." {
                rest = rest.dropFirst()
                let end = rest.firstIndex { $0 == "." || $0 == "[" } ?? rest.endIndex
                guard end > rest.startIndex else { return nil }
                steps.append(.member(String(rest[..<end])))
                rest = rest[end...]
            } else if first == "[" {
                guard let close = rest.firstIndex(of: "]"), let index = Int(rest[rest.index(after: rest.startIndex)..<close]), index >= 0 else {
                    return nil
                }
                steps.append(.element(index))
                rest = rest[rest.index(after: close)...]
            } else {
                return nil
            }
        }
        guard !steps.isEmpty else { return nil }
        self.steps = steps
    }

    func select(in document: JSONValue) -> JSONValue? {
        var current = document
        for step in steps {
            switch (step, current) {
            case (.member(let name), .object(let members)):
                guard let next = members[name] else { return nil }
                current = next
            case (.element(let index), .array(let elements)):
                guard index < elements.count else { return nil }
                current = elements[index]
            default:
                return nil
            }
        }
        return current
    }
}

/// `*` matching any run of characters, everything else itself.
enum Wildcard {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 1 else { return pattern == text }
        guard text.hasPrefix(parts[0]) else { return false }
        var rest = Substring(text.dropFirst(parts[0].count))
        for part in parts.dropFirst().dropLast() where !part.isEmpty {
            guard let range = rest.range(of: part) else { return false }
            rest = rest[range.upperBound...]
        }
        let last = parts[parts.count - 1]
        return rest.count >= last.count && rest.hasSuffix(last)
    }
}
