/// Spelling of Swift identifiers and literals for generated code.
enum SwiftNaming {
    /// Words that must be escaped with backticks to be used as identifiers.
    static let keywords: Set<String> = [
        "Any", "Protocol", "Self", "Type", "actor", "as", "associatedtype", "async", "await", "break", "case",
        "catch", "class", "continue", "default", "defer", "deinit", "do", "else", "enum", "extension",
        "fallthrough", "false", "fileprivate", "for", "func", "guard", "if", "import", "in", "init", "inout",
        "internal", "is", "let", "nil", "open", "operator", "precedencegroup", "private", "protocol", "public",
        "repeat", "rethrows", "return", "self", "some", "static", "struct", "subscript", "super", "switch",
        "throw", "throws", "true", "try", "typealias", "var", "where", "while",
    ]

    /// Names a nested type may not have even with backticks (they clash with `X.Type` and friends).
    static let forbiddenTypeNames: Set<String> = ["Type", "Protocol", "Self", "Any"]

    /// `FunctionName` → `functionName`, `KMSKeyArn` → `kmsKeyArn`, `ARN` → `arn`, `S3Bucket` → `s3Bucket`.
    static func lowerCamelCase(_ name: String) -> String {
        let characters = Array(identifierCharacters(name))
        let leadingUppercase = characters.prefix { $0.isUppercase }.count
        guard leadingUppercase > 0 else { return String(characters) }
        // In `KMSKey` the last capital starts the next word; before a digit or at the end, none does.
        let nextIsLowercase = leadingUppercase < characters.count && characters[leadingUppercase].isLowercase
        let lowered = leadingUppercase > 1 && nextIsLowercase ? leadingUppercase - 1 : leadingUppercase
        return (characters[..<lowered].map { $0.lowercased() } + characters[lowered...].map { String($0) }).joined()
    }

    /// A property name for a model member, escaped if it is a keyword.
    static func propertyName(_ member: String) -> String {
        escaped(lowerCamelCase(member))
    }

    /// A Swift type name for a structure shape.
    static func typeName(_ shape: String) -> String {
        let name = identifierCharacters(shape)
        return forbiddenTypeNames.contains(name) ? name + "Shape" : escaped(name)
    }

    static func escaped(_ identifier: String) -> String {
        keywords.contains(identifier) ? "`\(identifier)`" : identifier
    }

    /// Replaces characters Swift identifiers cannot hold and keeps identifiers from starting with a digit.
    private static func identifierCharacters(_ name: String) -> String {
        var result = String(name.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" })
        if let first = result.first, first.isNumber {
            result = "_" + result
        }
        return result
    }

    /// A string literal with every character that needs it escaped.
    static func stringLiteral(_ value: String) -> String {
        var result = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                result += "\\u{\(String(scalar.value, radix: 16))}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// A raw string literal (`#"…"#`) so that the backslashes of regular expressions read as written,
    /// with as many `#` as needed for the text to contain neither a terminator nor an escape.
    static func rawStringLiteral(_ value: String) -> String {
        if value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return stringLiteral(value)
        }
        var hashes = "#"
        while value.contains("\"" + hashes) || value.contains("\\" + hashes) {
            hashes += "#"
        }
        return hashes + "\"" + value + "\"" + hashes
    }

    /// A number literal for a `Double` parameter, integral when exactly representable.
    static func numberLiteral(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 {
            return String(Int64(value))
        }
        return "\(value)"
    }
}
