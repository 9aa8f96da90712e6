import Crypto
import Foundation

/// Time-based one-time passwords (RFC 6238) as virtual MFA devices make them: HOTP (RFC 4226) with HMAC-SHA1 over
/// 30-second steps counted from the Unix epoch, 6 digits — what authenticator apps do with an otpauth URI that
/// names no algorithm, digits or period.
///
/// Matching returns the time step that a code belongs to rather than a yes/no, so that the caller can store the
/// last step used and pass it back as `after:` — a code accepted once is then never accepted again.
public struct TOTP: Sendable, Hashable {
    /// Seconds per step.
    public static let period: Int64 = 30
    /// Digits per code.
    public static let digits = 6
    /// Steps either side of the current one that a code may come from: one step (30 s) of clock skew, as AWS.
    public static let defaultWindow = 1

    /// The shared secret (the seed), as raw bytes.
    public let secret: Data

    public init(secret: Data) {
        self.secret = secret
    }

    /// A new random secret from the system's secure random source. AWS's seeds are 40 bytes (64 Base32
    /// characters in `Base32StringSeed` and the QR code); RFC 4226 §4 asks for at least 16.
    public static func generateSecret(byteCount: Int = 40) -> Data {
        precondition(byteCount >= 16, "RFC 4226 §4 requires secrets of at least 128 bits")
        var generator = SystemRandomNumberGenerator()
        return Data((0..<byteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// The step that contains `date`: whole periods since 1970-01-01T00:00:00Z.
    public func step(at date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / Double(Self.period)).rounded(.down))
    }

    /// The code shown at `date`.
    public func code(at date: Date) -> String {
        code(forStep: step(at: date))
    }

    /// The code of a step: the HOTP value with the step as counter, zero-padded to 6 digits.
    public func code(forStep step: Int64) -> String {
        let value = Self.truncatedHMAC(secret: secret, counter: UInt64(bitPattern: step)) % 1_000_000
        let text = String(value)
        return String(repeating: "0", count: Self.digits - text.count) + text
    }

    /// Whether `code` has the form of a code: exactly 6 ASCII digits.
    public static func isWellFormed(_ code: String) -> Bool {
        code.utf8.count == digits && code.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// The step whose code `code` is, looking `window` steps either side of the step of `date`; `nil` for no
    /// match or a malformed code. Steps up to `lastUsedStep` are never matched, so that a code cannot be replayed:
    /// the caller stores the returned step and passes it back next time.
    public func match(_ code: String, at date: Date, window: Int = defaultWindow, after lastUsedStep: Int64? = nil) -> Int64? {
        guard Self.isWellFormed(code), window >= 0 else { return nil }
        return candidateSteps(around: step(at: date), window: window).first { step in
            step > (lastUsedStep ?? .min) && Self.constantTimeEqual(self.code(forStep: step), code)
        }
    }

    /// The step of `code2` when `code1` and `code2` are the codes of two consecutive steps, `code2`'s within
    /// `window` steps of `date` — what EnableMFADevice and ResyncMFADevice require; `nil` otherwise. Both steps
    /// must come after `lastUsedStep`, and the caller stores the returned step so that neither code works again.
    public func matchConsecutive(
        _ code1: String, _ code2: String, at date: Date, window: Int = defaultWindow, after lastUsedStep: Int64? = nil
    ) -> Int64? {
        guard Self.isWellFormed(code1), Self.isWellFormed(code2), window >= 0 else { return nil }
        return candidateSteps(around: step(at: date), window: window).first { step in
            step - 1 > (lastUsedStep ?? .min)
                && Self.constantTimeEqual(self.code(forStep: step), code2)
                && Self.constantTimeEqual(self.code(forStep: step - 1), code1)
        }
    }

    /// HOTP's dynamic truncation (RFC 4226 §5.3): the 31-bit number that the decimal code is taken from.
    private static func truncatedHMAC(secret: Data, counter: UInt64) -> UInt32 {
        let message = withUnsafeBytes(of: counter.bigEndian) { Data($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0F)
        return mac[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) } & 0x7FFF_FFFF
    }

    /// The current step, then alternately one earlier and one later: a code from a slow clock is the likelier.
    private func candidateSteps(around current: Int64, window: Int) -> [Int64] {
        [current] + (0..<Int64(window)).flatMap { [current - $0 - 1, current + $0 + 1] }
    }

    /// Compares without stopping at the first difference, so timing does not tell how many digits were right.
    private static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8)
        let right = Array(b.utf8)
        guard left.count == right.count else { return false }
        return zip(left, right).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
