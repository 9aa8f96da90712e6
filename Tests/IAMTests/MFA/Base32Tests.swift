import Foundation
import IAM
import Testing

@Suite("Base32 (RFC 4648 §6)")
struct Base32Tests {
    /// RFC 4648 §10 test vectors, written without padding as otpauth URIs carry them.
    static let vectors: [(text: String, base32: String)] = [
        ("", ""),
        ("f", "MY"),
        ("fo", "MZXQ"),
        ("foo", "MZXW6"),
        ("foob", "MZXW6YQ"),
        ("fooba", "MZXW6YTB"),
        ("foobar", "MZXW6YTBOI"),
    ]

    @Test("encodes the RFC 4648 vectors", arguments: vectors)
    func encodes(text: String, base32: String) {
        #expect(Base32.encode(Data(text.utf8)) == base32)
    }

    @Test("decodes the RFC 4648 vectors with and without padding, in either case", arguments: vectors)
    func decodes(text: String, base32: String) {
        let padded = base32 + String(repeating: "=", count: (8 - base32.count % 8) % 8)
        #expect(Base32.decode(base32) == Data(text.utf8))
        #expect(Base32.decode(padded) == Data(text.utf8))
        #expect(Base32.decode(base32.lowercased()) == Data(text.utf8))
    }

    @Test("rejects what no encoder writes", arguments: ["MZXW6YT1", "MZXW 6YTB", "M", "MZX", "MZXW6Y", "MZ", "MZXR", "MZXW6YTBOJ"])
    func rejects(text: String) {
        // Foreign symbols, lengths that leave a partial byte, and non-zero unused bits ("MZ" = 0x66 + bits 011).
        #expect(Base32.decode(text) == nil)
    }

    @Test("round-trips every length of a 40-byte secret")
    func roundTrips() {
        let secret = TOTP.generateSecret()
        for length in 0...secret.count {
            let prefix = secret.prefix(length)
            let encoded = Base32.encode(prefix)
            #expect(encoded.count == (length * 8 + 4) / 5)
            #expect(Base32.decode(encoded) == prefix)
        }
        #expect(Base32.encode(secret).count == 64)
    }
}
