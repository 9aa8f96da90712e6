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
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "%") else {
                output.append(bytes[index])
                index += 1
                continue
            }
            guard index + 2 < bytes.count else {
                throw .malformedQueryString("Incomplete trailing escape % sequence")
            }
            guard let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) else {
                let pattern = String(decoding: bytes[index..<(index + 3)], as: UTF8.self)
                throw .malformedQueryString("Illegal hex character in escape % pattern: \(pattern)")
            }
            output.append(high << 4 | low)
            index += 3
        }
        return output
    }

    /// Whether every `%` in `text` starts a well-formed escape.
    static func hasWellFormedEscapes(_ text: String) -> Bool {
        (try? decode(Substring(text))) != nil
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

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
