import Crypto
import Foundation

/// A secret's value under its version's data key: AES-256-GCM, the secret ARN and version id as
/// additional data, so that a sealed value moved to another secret or version does not open.
/// Stored as `nonce | ciphertext | tag` (AES-GCM's combined form).
enum SecretSealing {
    static func seal(_ value: Data, dataKey: SymmetricKey, secretARN: String, versionID: String) throws -> Data {
        guard let combined = try AES.GCM.seal(value, using: dataKey, authenticating: binding(secretARN, versionID)).combined else {
            throw Unreadable()
        }
        return combined
    }

    static func open(_ sealed: Data, dataKey: SymmetricKey, secretARN: String, versionID: String) throws(Unreadable) -> Data {
        do {
            return try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: dataKey, authenticating: binding(secretARN, versionID))
        } catch {
            throw Unreadable()
        }
    }

    /// The encryption context AWS gives a secret's data key.
    static func encryptionContext(secretARN: String, versionID: String) -> [String: String] {
        ["SecretARN": secretARN, "SecretVersionId": versionID]
    }

    private static func binding(_ secretARN: String, _ versionID: String) -> Data {
        Data("bulwark-secret-value/v1/\(secretARN)/\(versionID)".utf8)
    }

    /// A sealed value that does not open under the data key (altered, or moved).
    struct Unreadable: Error, Equatable {}
}
