/// Percent-encoding at the byte level, so that no decoding step ever replaces invalid UTF-8 and a
/// signature covers exactly the bytes that were sent.
enum SigV4Encoding {
    /// Encodes every byte except `A-Z a-z 0-9 - _ . ~` (and `/` when `keepSlash`), with uppercase hex.
    static func encode(_ bytes: some Sequence<UInt8>, keepSlash: Bool) -> String {
        var output: [UInt8] = []
        for byte in bytes {
            if isUnreserved(byte) || (keepSlash && byte == UInt8(ascii: "/")) {
                output.append(byte)
            } else {
                output.append(UInt8(ascii: "%"))
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes `%XX` escapes; a `+` stays a `+`. Throws on an escape that is cut short or not hex.
    static func decode(_ text: Substring) throws(SigV4Failure) -> [UInt8] {
        do {
            return try PercentEncoding.decodeBytes(text)
        } catch {
            throw .malformedQueryString(error.message)
        }
    }

    /// Whether every `%` in `text` starts a well-formed escape.
    static func hasWellFormedEscapes(_ text: String) -> Bool {
        PercentEncoding.hasWellFormedEscapes(text[...])
    }

    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
            UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)
}
