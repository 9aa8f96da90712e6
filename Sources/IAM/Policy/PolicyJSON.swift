/// A JSON value as a policy document holds it: object members keep their order, numbers keep
/// their text, and a member name that appears twice in one object is an error.
///
/// Foundation's decoder silently keeps one of two duplicate members; a policy that says
/// `"Effect": "Allow"` and `"Effect": "Deny"` in one statement must not be read either way.
enum PolicyJSON: Sendable, Hashable {
    case null
    case bool(Bool)
    /// The number as written, e.g. `3600` or `1.50`.
    case number(String)
    case string(String)
    case array([PolicyJSON])
    case object([Member])

    struct Member: Sendable, Hashable {
        let name: String
        let value: PolicyJSON
    }

    struct SyntaxError: Error {}

    /// Parses a complete JSON text; anything after the value other than whitespace is an error.
    static func parse(_ text: String) throws(SyntaxError) -> PolicyJSON {
        var reader = Reader(bytes: Array(text.utf8))
        reader.skipWhitespace()
        let value = try reader.value(depth: 0)
        reader.skipWhitespace()
        guard reader.atEnd else { throw SyntaxError() }
        return value
    }

    var objectMembers: [Member]? {
        if case .object(let members) = self { return members }
        return nil
    }

    var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }
}

extension PolicyJSON {
    /// A recursive-descent reader over UTF-8 bytes.
    struct Reader {
        /// Deeper nesting than any policy needs; the limit keeps hostile input from exhausting the stack.
        static let maximumDepth = 64
        /// Up to how many members an object's names are checked for duplicates by searching them.
        static let linearNames = 16

        let bytes: [UInt8]
        var position = 0

        init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        var atEnd: Bool { position >= bytes.count }

        mutating func skipWhitespace() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x09, 0x0A, 0x0D: position += 1
                default: return
                }
            }
        }

        mutating func value(depth: Int) throws(SyntaxError) -> PolicyJSON {
            guard depth < Self.maximumDepth, position < bytes.count else { throw SyntaxError() }
            switch bytes[position] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"):
                try literal("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try literal("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try literal("null")
                return .null
            default: return .number(try number())
            }
        }

        mutating func literal(_ word: StaticString) throws(SyntaxError) {
            let count = word.utf8CodeUnitCount
            guard position + count <= bytes.count else { throw SyntaxError() }
            let expected = UnsafeBufferPointer(start: word.utf8Start, count: count)
            for index in 0..<count where bytes[position + index] != expected[index] {
                throw SyntaxError()
            }
            position += count
        }

        mutating func object(depth: Int) throws(SyntaxError) -> PolicyJSON {
            position += 1
            var members: [Member] = []
            // Names already seen: a policy's objects are small, so the members themselves are
            // searched until an object grows past `linearNames`.
            var names: Set<String>?
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
                position += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw SyntaxError() }
                let name = try string()
                if members.count < Self.linearNames {
                    guard !members.contains(where: { $0.name == name }) else { throw SyntaxError() }
                } else {
                    if names == nil { names = Set(members.map(\.name)) }
                    guard names?.insert(name).inserted == true else { throw SyntaxError() }
                }
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw SyntaxError() }
                position += 1
                skipWhitespace()
                members.append(Member(name: name, value: try value(depth: depth + 1)))
                skipWhitespace()
                guard position < bytes.count else { throw SyntaxError() }
                if bytes[position] == UInt8(ascii: ",") {
                    position += 1
                } else if bytes[position] == UInt8(ascii: "}") {
                    position += 1
                    return .object(members)
                } else {
                    throw SyntaxError()
                }
            }
        }

        mutating func array(depth: Int) throws(SyntaxError) -> PolicyJSON {
            position += 1
            var elements: [PolicyJSON] = []
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                position += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                elements.append(try value(depth: depth + 1))
                skipWhitespace()
                guard position < bytes.count else { throw SyntaxError() }
                if bytes[position] == UInt8(ascii: ",") {
                    position += 1
                } else if bytes[position] == UInt8(ascii: "]") {
                    position += 1
                    return .array(elements)
                } else {
                    throw SyntaxError()
                }
            }
        }

        mutating func number() throws(SyntaxError) -> String {
            let start = position
            if position < bytes.count, bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard position < bytes.count, isDigit(bytes[position]) else { throw SyntaxError() }
            if bytes[position] == UInt8(ascii: "0") {
                position += 1
            } else {
                while position < bytes.count, isDigit(bytes[position]) { position += 1 }
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
                position += 1
                guard position < bytes.count, isDigit(bytes[position]) else { throw SyntaxError() }
                while position < bytes.count, isDigit(bytes[position]) { position += 1 }
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
                position += 1
                if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                    position += 1
                }
                guard position < bytes.count, isDigit(bytes[position]) else { throw SyntaxError() }
                while position < bytes.count, isDigit(bytes[position]) { position += 1 }
            }
            return String(decoding: bytes[start..<position], as: UTF8.self)
        }

        mutating func string() throws(SyntaxError) -> String {
            position += 1
            // Most strings have no escape: they are their bytes.
            let start = position
            while position < bytes.count {
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") {
                    position += 1
                    return String(decoding: bytes[start..<(position - 1)], as: UTF8.self)
                }
                if byte < 0x20 { throw SyntaxError() }
                if byte == UInt8(ascii: "\\") { break }
                position += 1
            }
            position = start
            var scalars = String.UnicodeScalarView()
            var runStart = position
            func flush(_ end: Int) {
                if end > runStart {
                    scalars.append(contentsOf: String(decoding: bytes[runStart..<end], as: UTF8.self).unicodeScalars)
                }
            }
            while position < bytes.count {
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") {
                    flush(position)
                    position += 1
                    return String(scalars)
                }
                if byte < 0x20 { throw SyntaxError() }
                if byte == UInt8(ascii: "\\") {
                    flush(position)
                    position += 1
                    scalars.append(try escape())
                    runStart = position
                    continue
                }
                position += 1
            }
            throw SyntaxError()
        }

        mutating func escape() throws(SyntaxError) -> Unicode.Scalar {
            guard position < bytes.count else { throw SyntaxError() }
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""): return "\""
            case UInt8(ascii: "\\"): return "\\"
            case UInt8(ascii: "/"): return "/"
            case UInt8(ascii: "b"): return "\u{08}"
            case UInt8(ascii: "f"): return "\u{0C}"
            case UInt8(ascii: "n"): return "\n"
            case UInt8(ascii: "r"): return "\r"
            case UInt8(ascii: "t"): return "\t"
            case UInt8(ascii: "u"):
                let high = try hex4()
                if (0xD800..<0xDC00).contains(high) {
                    guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u")
                    else { throw SyntaxError() }
                    position += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw SyntaxError() }
                    let combined = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                    guard let scalar = Unicode.Scalar(combined) else { throw SyntaxError() }
                    return scalar
                }
                guard let scalar = Unicode.Scalar(high) else { throw SyntaxError() }
                return scalar
            default: throw SyntaxError()
            }
        }

        mutating func hex4() throws(SyntaxError) -> UInt32 {
            guard position + 4 <= bytes.count else { throw SyntaxError() }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[position]
                let digit: UInt32
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
                default: throw SyntaxError()
                }
                value = value << 4 | digit
                position += 1
            }
            return value
        }

        func isDigit(_ byte: UInt8) -> Bool {
            byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
        }
    }
}
