import Foundation

/// Parsing and building of `application/x-www-form-urlencoded` query strings.
public enum QueryString {
    /// Splits `a=1&b=x%20y` into decoded pairs, in order. `+` stands for a space, as in forms.
    public static func parse(_ raw: String) -> [(name: String, value: String)] {
        guard !raw.isEmpty else { return [] }
        return raw.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            if let equals = pair.firstIndex(of: "=") {
                return (decode(pair[..<equals]), decode(pair[pair.index(after: equals)...]))
            }
            return (decode(pair), "")
        }
    }

    /// Percent-decodes a component, reading `+` as a space. Invalid escapes are kept as they are.
    public static func decode(_ text: Substring) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "%") }) else { return String(text) }
        return PercentEncoding.decode(String(decoding: text.utf8.map { $0 == UInt8(ascii: "+") ? UInt8(ascii: " ") : $0 }, as: UTF8.self))
    }

    /// Splits `a=1&b=x%20y` into decoded pairs, in order, as ``parse(_:)`` does, but refuses a malformed
    /// `%` escape instead of keeping it: what a service reads must be what the client meant, not a guess.
    ///
    /// - Throws: ``MalformedPercentEncoding`` for the first escape that is cut short or not hexadecimal.
    public static func parseStrictly(_ raw: String) throws(MalformedPercentEncoding) -> [(name: String, value: String)] {
        var pairs: [(name: String, value: String)] = []
        for pair in raw.split(separator: "&", omittingEmptySubsequences: true) {
            if let equals = pair.firstIndex(of: "=") {
                pairs.append((try decodeStrictly(pair[..<equals]), try decodeStrictly(pair[pair.index(after: equals)...])))
            } else {
                pairs.append((try decodeStrictly(pair), ""))
            }
        }
        return pairs
    }

    /// Percent-decodes a form component, reading `+` as a space and refusing a malformed escape.
    private static func decodeStrictly(_ text: Substring) throws(MalformedPercentEncoding) -> String {
        String(decoding: try PercentEncoding.decodeBytes(text, plusIsSpace: true), as: UTF8.self)
    }

    /// Builds a query string with RFC 3986 encoding of every name and value, in the given order.
    public static func build(_ items: [(name: String, value: String)]) -> String {
        items.map { "\(PercentEncoding.encode($0.name))=\(PercentEncoding.encode($0.value))" }.joined(separator: "&")
    }
}

/// RFC 3986 percent-encoding as SigV4 and AWS URIs use it.
public enum PercentEncoding {
    /// Encodes every byte except the unreserved characters `A-Z a-z 0-9 - _ . ~` (and `/` when `keepSlash`).
    public static func encode(_ text: String, keepSlash: Bool = false) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
                UInt8(ascii: "."), UInt8(ascii: "~"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where keepSlash:
                output.append("/")
            default:
                output.append("%")
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return output
    }

    /// Decodes `%XX` escapes; malformed escapes are kept literally; invalid UTF-8 becomes U+FFFD.
    public static func decode(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%"), iterator.count >= 2,
                let high = hexValue(iterator[iterator.startIndex]),
                let low = hexValue(iterator[iterator.startIndex + 1])
            {
                bytes.append(high << 4 | low)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Decodes `%XX` escapes byte for byte, so that no step replaces invalid UTF-8. A `+` stays a `+`
    /// unless `plusIsSpace` (form encoding); `%2B` is a `+` either way.
    ///
    /// - Throws: ``MalformedPercentEncoding`` for an escape cut short by the end of the text, or whose two
    ///   characters are not hexadecimal digits, with the message AWS gives for it.
    public static func decodeBytes(_ text: Substring, plusIsSpace: Bool = false) throws(MalformedPercentEncoding) -> [UInt8] {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "%") else {
                output.append(plusIsSpace && bytes[index] == UInt8(ascii: "+") ? UInt8(ascii: " ") : bytes[index])
                index += 1
                continue
            }
            guard index + 2 < bytes.count else { throw .incompleteTrailingEscape }
            guard let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) else {
                throw .illegalHexCharacter(bytes[index..<(index + 3)])
            }
            output.append(high << 4 | low)
            index += 3
        }
        return output
    }

    /// Whether every `%` in `text` starts a well-formed escape.
    public static func hasWellFormedEscapes(_ text: Substring) -> Bool {
        (try? decodeBytes(text)) != nil
    }

    private static let hexDigits: [Character] = Array("0123456789ABCDEF")

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// A `%` escape that is cut short or whose two characters are not hexadecimal digits.
///
/// The messages are those AWS answers (with `MalformedQueryString` for a query string, `InvalidURIPath` for
/// a path), as `dacut/scratchstack-aws-signature` recorded them from IAM and STS: Java's URI decoder's words.
public struct MalformedPercentEncoding: Error, Sendable, Hashable {
    /// `Illegal hex character in escape % pattern: %zz` or `Incomplete trailing escape % sequence`.
    public let message: String

    static let incompleteTrailingEscape = MalformedPercentEncoding(message: "Incomplete trailing escape % sequence")

    static func illegalHexCharacter(_ pattern: ArraySlice<UInt8>) -> MalformedPercentEncoding {
        MalformedPercentEncoding(message: "Illegal hex character in escape % pattern: \(String(decoding: pattern, as: UTF8.self))")
    }
}
