import BulwarkCore

/// A CloudWatch Logs filter pattern, parsed once per call: the empty pattern (every event), terms
/// (`ERROR`, `"quoted phrase"`, `?term` for any of several, `-term` for none of them), or a JSON
/// pattern (`{ $.level = "ERROR" && $.latency > 100 }`). Space-delimited (`[…]`) and regular
/// expression (`%…%`) patterns are refused as not supported (decision 0035).
public enum FilterPattern: Sendable, Equatable {
    case all
    /// Every `required` term, none of `excluded`, and one of `anyOf` when there are any.
    case terms(required: [String], anyOf: [String], excluded: [String])
    case json(JSONFilter)

    /// Why a pattern cannot be used: the message of the `InvalidParameterException`.
    public struct Invalid: Error, Equatable {
        public let message: String
    }

    public init(_ text: String) throws(Invalid) {
        let trimmed = text.trimmingWhitespace()
        if trimmed.isEmpty {
            self = .all
        } else if trimmed.hasPrefix("{") {
            self = .json(try JSONFilter(trimmed))
        } else if trimmed.hasPrefix("[") || trimmed.hasPrefix("%") {
            throw Invalid(message: "Bulwark does not support space-delimited or regular expression filter patterns yet: \(text)")
        } else {
            self = try Self.terms(trimmed)
        }
    }

    public func matches(_ message: String) -> Bool {
        switch self {
        case .all:
            return true
        case .terms(let required, let anyOf, let excluded):
            guard required.allSatisfy({ message.contains($0) }), !excluded.contains(where: { message.contains($0) }) else { return false }
            return anyOf.isEmpty || anyOf.contains { message.contains($0) }
        case .json(let filter):
            guard let document = try? JSONValue.parse(Array(message.utf8)) else { return false }
            return filter.matches(document)
        }
    }

    private static func terms(_ text: String) throws(Invalid) -> FilterPattern {
        var required: [String] = []
        var anyOf: [String] = []
        var excluded: [String] = []
        var scanner = Substring(text)
        while true {
            scanner = scanner.drop { $0 == " " || $0 == "\t" }
            guard let first = scanner.first else { break }
            var kind: Character?
            if first == "?" || first == "-" {
                kind = first
                scanner = scanner.dropFirst()
            }
            let term: String
            if scanner.first == "\"" {
                scanner = scanner.dropFirst()
                guard let close = scanner.firstIndex(of: "\"") else {
                    throw Invalid(message: "Invalid filter pattern: unterminated quote in \(text)")
                }
                term = String(scanner[..<close])
                scanner = scanner[scanner.index(after: close)...]
            } else {
                let end = scanner.firstIndex { $0 == " " || $0 == "\t" } ?? scanner.endIndex
                term = String(scanner[..<end])
                scanner = scanner[end...]
            }
            guard !term.isEmpty else { throw Invalid(message: "Invalid filter pattern: empty term in \(text)") }
            switch kind {
            case "?": anyOf.append(term)
            case "-": excluded.append(term)
            default: required.append(term)
            }
        }
        return .terms(required: required, anyOf: anyOf, excluded: excluded)
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[start...end])
    }
}
