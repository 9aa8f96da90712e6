import BulwarkCore
import Foundation
import Synchronization

/// Checks an input document against its model shape — required members, types, lengths, ranges,
/// patterns and enums — and reports every violation the way AWS services do:
/// `2 validation errors detected: Value 'x' at 'functionName' failed to satisfy constraint: ...; ...`.
public struct ShapeValidator: Sendable {
    private let model: ServiceModel

    public init(model: ServiceModel) {
        self.model = model
    }

    /// A value of the wrong JSON type for its shape (a string where a number belongs, ...).
    public struct TypeMismatch: Error, Sendable, Equatable {
        /// The member path, e.g. `Environment.Variables`.
        public let path: String
        public let expected: Shape.Kind
    }

    /// Validates `document` as an instance of `shapeName`.
    ///
    /// - Throws: ``TypeMismatch`` for a value of the wrong type, or `AWSError` `ValidationException`
    ///   listing every constraint violation.
    public func validate(_ document: JSONValue, as shapeName: String) throws {
        var violations: [String] = []
        try check(document, shape: model.shape(shapeName), path: [], violations: &violations)
        guard !violations.isEmpty else { return }
        let count = violations.count
        let noun = count == 1 ? "error" : "errors"
        throw AWSError.validation("\(count) validation \(noun) detected: " + violations.joined(separator: "; "))
    }

    private func check(_ value: JSONValue, shape: Shape, path: [String], violations: inout [String]) throws {
        switch shape.kind {
        case .structure:
            guard case .object(let members) = value else { throw mismatch(path, shape) }
            for member in shape.members {
                let memberPath = path + [member.name]
                let memberShape = model.shape(member.shape)
                guard let memberValue = members[member.name], !memberValue.isNull else {
                    if shape.required.contains(member.name) {
                        violations.append("Value null at '\(Self.render(memberPath))' failed to satisfy constraint: Member must not be null")
                    }
                    continue
                }
                try check(memberValue, shape: memberShape, path: memberPath, violations: &violations)
            }
        case .list:
            guard case .array(let elements) = value else { throw mismatch(path, shape) }
            checkLength(elements.count, value: value, shape: shape, path: path, violations: &violations)
            if let elementShape = shape.listMember.map(model.shape) {
                for (index, element) in elements.enumerated() {
                    try check(element, shape: elementShape, path: path + ["\(index + 1)", "member"], violations: &violations)
                }
            }
        case .map:
            guard case .object(let entries) = value else { throw mismatch(path, shape) }
            checkLength(entries.count, value: value, shape: shape, path: path, violations: &violations)
            try checkMapEntries(entries, shape: shape, path: path, violations: &violations)
        case .string:
            guard case .string(let text) = value else { throw mismatch(path, shape) }
            checkString(text, value: value, shape: shape, path: path, violations: &violations)
        case .blob:
            guard case .string(let base64) = value else { throw mismatch(path, shape) }
            let length = Data(base64Encoded: base64)?.count ?? base64.utf8.count
            checkLength(length, value: value, shape: shape, path: path, violations: &violations)
        case .integer, .long:
            guard case .int(let number) = value else { throw mismatch(path, shape) }
            if shape.kind == .integer, number < Int64(Int32.min) || number > Int64(Int32.max) {
                throw mismatch(path, shape)
            }
            checkRange(Double(number), value: value, shape: shape, path: path, violations: &violations)
        case .float, .double:
            guard let number = value.doubleValue else { throw mismatch(path, shape) }
            checkRange(number, value: value, shape: shape, path: path, violations: &violations)
        case .boolean:
            guard case .bool = value else { throw mismatch(path, shape) }
        case .timestamp:
            guard let seconds = value.doubleValue, Self.timestampRange.contains(seconds) else { throw mismatch(path, shape) }
        }
    }

    private func checkMapEntries(
        _ entries: [String: JSONValue], shape: Shape, path: [String], violations: inout [String]
    ) throws {
        let keyShape = shape.mapKey.map(model.shape)
        let valueShape = shape.mapValue.map(model.shape)
        var keyViolations: Set<String> = []
        var valueViolations: Set<String> = []
        for (key, entry) in entries.sorted(by: { $0.key < $1.key }) {
            if let keyShape {
                for constraint in stringConstraints(key, shape: keyShape) { keyViolations.insert(constraint) }
            }
            if let valueShape {
                var nested: [String] = []
                if valueShape.kind == .string, case .string(let text) = entry {
                    valueViolations.formUnion(stringConstraints(text, shape: valueShape))
                } else {
                    try check(entry, shape: valueShape, path: path + [key], violations: &nested)
                    violations.append(contentsOf: nested)
                }
            }
        }
        let shown = shape.sensitive ? nil : JSONValue.object(entries)
        for constraint in keyViolations.sorted() {
            violations.append(violation(shown, path, "Map keys must satisfy constraint: [\(constraint)]"))
        }
        for constraint in valueViolations.sorted() {
            violations.append(violation(shown, path, "Map value must satisfy constraint: [\(constraint)]"))
        }
    }

    private func checkString(_ text: String, value: JSONValue, shape: Shape, path: [String], violations: inout [String]) {
        for constraint in stringConstraints(text, shape: shape) {
            violations.append(violation(shape.sensitive ? nil : value, path, constraint))
        }
    }

    /// The constraints a string breaks, in AWS's order: length, pattern, enum.
    private func stringConstraints(_ text: String, shape: Shape) -> [String] {
        var broken: [String] = []
        let length = text.unicodeScalars.count
        if let min = shape.min, Double(length) < min {
            broken.append("Member must have length greater than or equal to \(Self.number(min))")
        }
        if let max = shape.max, Double(length) > max {
            broken.append("Member must have length less than or equal to \(Self.number(max))")
        }
        if let pattern = shape.pattern, !PatternCache.shared.matches(text, pattern: pattern) {
            broken.append("Member must satisfy regular expression pattern: \(pattern)")
        }
        if let values = shape.enumValues, !values.contains(text) {
            broken.append("Member must satisfy enum value set: [\(values.joined(separator: ", "))]")
        }
        return broken
    }

    private func checkLength(_ length: Int, value: JSONValue, shape: Shape, path: [String], violations: inout [String]) {
        let shown = shape.sensitive ? nil : value
        if let min = shape.min, Double(length) < min {
            violations.append(violation(shown, path, "Member must have length greater than or equal to \(Self.number(min))"))
        }
        if let max = shape.max, Double(length) > max {
            violations.append(violation(shown, path, "Member must have length less than or equal to \(Self.number(max))"))
        }
    }

    private func checkRange(_ number: Double, value: JSONValue, shape: Shape, path: [String], violations: inout [String]) {
        let shown = shape.sensitive ? nil : value
        if let min = shape.min, number < min {
            violations.append(violation(shown, path, "Member must have value greater than or equal to \(Self.number(min))"))
        }
        if let max = shape.max, number > max {
            violations.append(violation(shown, path, "Member must have value less than or equal to \(Self.number(max))"))
        }
    }

    private func violation(_ value: JSONValue?, _ path: [String], _ constraint: String) -> String {
        let location = Self.render(path)
        guard let value else { return "Value at '\(location)' failed to satisfy constraint: \(constraint)" }
        return "Value '\(Self.quoted(value))' at '\(location)' failed to satisfy constraint: \(constraint)"
    }

    /// The most characters of a value a violation quotes: a request's whole body (an 8 MiB list of log
    /// events) would otherwise come back in the message, and be written again into the trail.
    static let quotedLimit = 16_384

    /// ``describe(_:)`` cut after ``quotedLimit`` characters (`...` marks the cut), built no further than that.
    static func quoted(_ value: JSONValue) -> String {
        var text = ""
        append(value, to: &text)
        return text.count > quotedLimit ? String(text.prefix(quotedLimit)) + "..." : text
    }

    private static func append(_ value: JSONValue, to text: inout String) {
        guard text.utf8.count <= quotedLimit else { return }
        switch value {
        case .array(let elements):
            text += "["
            for (index, element) in elements.enumerated() {
                guard text.utf8.count <= quotedLimit else { return }
                if index > 0 { text += ", " }
                append(element, to: &text)
            }
            text += "]"
        case .object(let members):
            text += "{"
            for (index, member) in members.sorted(by: { $0.key < $1.key }).enumerated() {
                guard text.utf8.count <= quotedLimit else { return }
                if index > 0 { text += ", " }
                text += member.key + "="
                append(member.value, to: &text)
            }
            text += "}"
        default:
            text += describe(value)
        }
    }

    /// The instants a timestamp may name: years 1 to 9999, as AWS's date formats write them (a
    /// larger or non-finite number is no timestamp, and no handler converts one to an integer).
    static let timestampRange: ClosedRange<Double> = -62_135_596_800...253_402_300_799

    private func mismatch(_ path: [String], _ shape: Shape) -> TypeMismatch {
        TypeMismatch(path: path.joined(separator: "."), expected: shape.kind)
    }

    /// `Environment.Variables` → `environment.variables`, as AWS names members in messages.
    static func render(_ path: [String]) -> String {
        path.map { component in
            guard let first = component.first, first.isUppercase else { return component }
            return first.lowercased() + component.dropFirst()
        }.joined(separator: ".")
    }

    /// Values as AWS prints them in validation messages (Java `toString` style).
    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let flag): flag ? "true" : "false"
        case .int(let number): String(number)
        case .double(let number): number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .string(let text): text
        case .array(let elements): "[" + elements.map(describe).joined(separator: ", ") + "]"
        case .object(let members):
            "{" + members.sorted { $0.key < $1.key }.map { "\($0.key)=\(describe($0.value))" }.joined(separator: ", ") + "}"
        }
    }

    private static func number(_ value: Double) -> String {
        value.rounded() == value ? String(Int64(value)) : String(value)
    }
}

/// Compiled model patterns, shared by every validator. Patterns come from the generated models only.
final class PatternCache: Sendable {
    static let shared = PatternCache()

    private let compiled = Mutex<[String: NSRegularExpression]>([:])

    /// The pattern with Java's predefined classes as Java reads them — ASCII only — where ICU would
    /// take every Unicode letter and digit for `\w` and `\d` (so that `[\w+=,.@-]+`, IAM's name
    /// pattern, accepts no Kelvin sign for a `K`).
    static func asciiClasses(_ pattern: String) -> String {
        let inside: [Character: String] = ["w": "A-Za-z0-9_", "d": "0-9", "s": " \\t\\n\\x0B\\f\\r"]
        let outside: [Character: String] = [
            "w": "[A-Za-z0-9_]", "d": "[0-9]", "s": "[ \\t\\n\\x0B\\f\\r]", "W": "[^A-Za-z0-9_]", "D": "[^0-9]", "S": "[^ \\t\\n\\x0B\\f\\r]",
        ]
        var result = ""
        var classDepth = 0
        var characters = pattern.makeIterator()
        while let character = characters.next() {
            switch character {
            case "\\":
                guard let escaped = characters.next() else { return result + "\\" }
                if classDepth > 0, let ascii = inside[escaped] {
                    result += ascii
                } else if classDepth == 0, let ascii = outside[escaped] {
                    result += ascii
                } else {
                    result += "\\\(escaped)"
                }
            case "[":
                classDepth += 1
                result.append(character)
            case "]" where classDepth > 0:
                classDepth -= 1
                result.append(character)
            default:
                result.append(character)
            }
        }
        return result
    }

    /// Whether the whole of `text` matches `pattern`, as Java's `String.matches` decides.
    func matches(_ text: String, pattern: String) -> Bool {
        guard let expression = expression(for: pattern) else { return true }
        let range = NSRange(text.startIndex..<text.endIndex, in: text)
        return expression.firstMatch(in: text, options: [.anchored], range: range).map { $0.range == range } ?? false
    }

    private func expression(for pattern: String) -> NSRegularExpression? {
        if let cached = compiled.withLock({ $0[pattern] }) { return cached }
        // Anchor the whole pattern so that alternations cannot match a prefix only.
        guard let expression = try? NSRegularExpression(pattern: "\\A(?:\(Self.asciiClasses(pattern)))\\z") else { return nil }
        compiled.withLock { $0[pattern] = expression }
        return expression
    }
}
