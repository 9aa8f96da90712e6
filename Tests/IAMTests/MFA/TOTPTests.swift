import Foundation
import IAM
import Testing

@Suite("TOTP (RFC 6238, HMAC-SHA1, 6 digits, 30 s)")
struct TOTPTests {
    /// The SHA-1 seed of RFC 6238 Appendix B and RFC 4226 Appendix D: ASCII "12345678901234567890".
    static let rfcSecret = Data("12345678901234567890".utf8)
    static let totp = TOTP(secret: rfcSecret)

    /// RFC 6238 Appendix B, SHA-1 rows: Unix time and the 8-digit code. Six-digit codes are the same number
    /// modulo 10⁶, that is the last six digits.
    static let rfc6238: [(time: TimeInterval, step: Int64, code: String)] = [
        (59, 0x1, "94287082"),
        (1_111_111_109, 0x23523EC, "07081804"),
        (1_111_111_111, 0x23523ED, "14050471"),
        (1_234_567_890, 0x273EF07, "89005924"),
        (2_000_000_000, 0x3F940AA, "69279037"),
        (20_000_000_000, 0x27BC86AA, "65353130"),
    ]

    @Test("RFC 6238 Appendix B SHA-1 vectors", arguments: rfc6238)
    func rfc6238Vectors(time: TimeInterval, step: Int64, code: String) {
        let date = Date(timeIntervalSince1970: time)
        #expect(Self.totp.step(at: date) == step)
        #expect(Self.totp.code(at: date) == String(code.suffix(6)))
        #expect(Self.totp.match(String(code.suffix(6)), at: date, window: 0) == step)
    }

    /// RFC 4226 Appendix D: HOTP values for counters 0 to 9, which are TOTP codes of those steps.
    @Test("RFC 4226 Appendix D HOTP vectors")
    func rfc4226Vectors() {
        let expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]
        #expect((0..<10).map { Self.totp.code(forStep: Int64($0)) } == expected)
    }

    @Test("a step lasts 30 seconds, from the epoch")
    func stepBoundaries() {
        #expect(Self.totp.step(at: Date(timeIntervalSince1970: 0)) == 0)
        #expect(Self.totp.step(at: Date(timeIntervalSince1970: 29.999)) == 0)
        #expect(Self.totp.step(at: Date(timeIntervalSince1970: 30)) == 1)
        #expect(Self.totp.code(at: Date(timeIntervalSince1970: 30)) == Self.totp.code(at: Date(timeIntervalSince1970: 59.9)))
    }

    @Test("a code matches within one step either side by default, not two")
    func window() {
        let now = Date(timeIntervalSince1970: 1_700_000_015)
        let current = Self.totp.step(at: now)
        #expect(Self.totp.match(Self.totp.code(forStep: current), at: now) == current)
        #expect(Self.totp.match(Self.totp.code(forStep: current - 1), at: now) == current - 1)
        #expect(Self.totp.match(Self.totp.code(forStep: current + 1), at: now) == current + 1)
        #expect(Self.totp.match(Self.totp.code(forStep: current - 2), at: now) == nil)
        #expect(Self.totp.match(Self.totp.code(forStep: current + 2), at: now) == nil)
        #expect(Self.totp.match(Self.totp.code(forStep: current - 2), at: now, window: 2) == current - 2)
        #expect(Self.totp.match(Self.totp.code(forStep: current - 1), at: now, window: 0) == nil)
    }

    @Test("a code is not accepted again once its step is stored")
    func replay() throws {
        let now = Date(timeIntervalSince1970: 1_700_000_015)
        let code = Self.totp.code(at: now)
        let used = try #require(Self.totp.match(code, at: now))
        #expect(Self.totp.match(code, at: now, after: used) == nil)
        #expect(Self.totp.match(code, at: now.addingTimeInterval(30), after: used) == nil)
        // An older code in the window is refused too: the stored step only moves forward.
        #expect(Self.totp.match(Self.totp.code(forStep: used - 1), at: now, after: used) == nil)
        // The next step's code is still good.
        let next = Self.totp.code(forStep: used + 1)
        #expect(Self.totp.match(next, at: now.addingTimeInterval(30), after: used) == used + 1)
    }

    @Test("malformed codes never match", arguments: ["", "12345", "1234567", "12345a", " 12345", "１２３４５６"])
    func malformed(code: String) {
        #expect(!TOTP.isWellFormed(code))
        #expect(Self.totp.match(code, at: Date(timeIntervalSince1970: 59), window: 5) == nil)
    }

    @Test("two consecutive codes return the step of the second")
    func consecutive() {
        let now = Date(timeIntervalSince1970: 1_700_000_015)
        let current = Self.totp.step(at: now)
        let code = { (step: Int64) in Self.totp.code(forStep: step) }
        #expect(Self.totp.matchConsecutive(code(current - 1), code(current), at: now) == current)
        // The second code may be one step off either way, as a single code may.
        #expect(Self.totp.matchConsecutive(code(current - 2), code(current - 1), at: now) == current - 1)
        #expect(Self.totp.matchConsecutive(code(current), code(current + 1), at: now) == current + 1)
        #expect(Self.totp.matchConsecutive(code(current + 1), code(current + 2), at: now) == nil)
        #expect(Self.totp.matchConsecutive(code(current - 3), code(current - 2), at: now) == nil)
        // Wrong order, the same code twice, and codes with a gap are not consecutive.
        #expect(Self.totp.matchConsecutive(code(current), code(current - 1), at: now) == nil)
        #expect(Self.totp.matchConsecutive(code(current), code(current), at: now) == nil)
        #expect(Self.totp.matchConsecutive(code(current - 2), code(current), at: now) == nil)
        #expect(Self.totp.matchConsecutive("12345", code(current), at: now) == nil)
    }

    @Test("consecutive codes whose first step was already used are refused")
    func consecutiveReplay() {
        let now = Date(timeIntervalSince1970: 1_700_000_015)
        let current = Self.totp.step(at: now)
        let code = { (step: Int64) in Self.totp.code(forStep: step) }
        #expect(Self.totp.matchConsecutive(code(current - 1), code(current), at: now, after: current) == nil)
        #expect(Self.totp.matchConsecutive(code(current - 1), code(current), at: now, after: current - 1) == nil)
        #expect(Self.totp.matchConsecutive(code(current - 1), code(current), at: now, after: current - 2) == current)
    }

    @Test("generated secrets are 40 random bytes, 64 Base32 characters, as AWS's")
    func generatedSecrets() {
        let first = TOTP.generateSecret()
        let second = TOTP.generateSecret()
        #expect(first.count == 40)
        #expect(Base32.encode(first).count == 64)
        #expect(first != second)
        #expect(TOTP.generateSecret(byteCount: 20).count == 20)
    }
}
