/// The account AWS encodes in an access key id: after the four-letter prefix (`AKIA`, `ASIA`), the
/// key id is base32 (RFC 4648); bits 1–40 of its first six bytes, shifted right by seven, are the
/// account id. This is how `GetAccessKeyInfo` answers for keys that Bulwark did not issue.
enum AccessKeyAccount {
    /// The 12-digit account encoded in `accessKeyID`, or nil when the id is not base32 after its prefix.
    static func decode(_ accessKeyID: String) -> String? {
        let body = Array(accessKeyID.utf8.dropFirst(4))
        guard body.count >= 10 else { return nil }
        var values: [UInt64] = []
        for character in body {
            guard let value = value(of: character) else { return nil }
            values.append(UInt64(value))
        }
        // The first ten characters are 50 bits, of which the first 48 are the first six bytes.
        let leading = values.prefix(10).reduce(0) { ($0 << 5) | $1 } >> 2
        let digits = String((leading & 0x7fff_ffff_ff80) >> 7)
        return String(repeating: "0", count: max(0, 12 - digits.count)) + digits
    }

    private static func value(of character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): character - UInt8(ascii: "A")
        case UInt8(ascii: "2")...UInt8(ascii: "7"): character - UInt8(ascii: "2") + 26
        default: nil
        }
    }
}
