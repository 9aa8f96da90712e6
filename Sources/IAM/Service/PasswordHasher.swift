import Crypto
import CryptoExtras
import Foundation

/// Console passwords are kept as a salted scrypt hash, never as text: a leaked store does not give
/// them away, and guessing them costs memory as well as time.
enum PasswordHasher {
    /// scrypt's cost (N = 2^14, r = 8, p = 1: 16 MiB per hash), the parameters RFC 7914 suggests for interactive logins.
    private static let rounds = 1 << 14
    private static let blockSize = 8
    private static let parallelism = 1
    private static let length = 32

    /// A new random salt.
    static func salt() -> Data {
        Data(SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) })
    }

    static func hash(_ password: String, salt: Data) throws -> Data {
        let key = try KDF.Scrypt.deriveKey(
            from: Data(password.utf8), salt: salt, outputByteCount: length, rounds: rounds, blockSize: blockSize, parallelism: parallelism)
        return key.withUnsafeBytes { Data($0) }
    }
}
