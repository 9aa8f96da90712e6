import Crypto
import Foundation
import Store

/// Making a key's material versions, wrapped by the master key (decision 0010, 0014).
enum KeyMaterial {
    /// Fresh 256-bit material for version `version` of symmetric key `keyID`, with a random
    /// `KeyMaterialId` (AWS's 64 hexadecimal digits).
    static func symmetric(keyID: String, version: Int, now: Date, masterKey: MasterKey) throws -> KMSKeyMaterialRecord {
        let material = SymmetricKey(size: .bits256)
        return KMSKeyMaterialRecord(
            keyID: keyID, version: version, materialID: newIdentifier(), wrapped: try masterKey.wrap(material, keyID: keyID, version: version),
            createdAt: now)
    }

    /// A random `KeyMaterialId`.
    static func newIdentifier() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { $0.map { String(format: "%02x", $0) }.joined() }
    }
}

/// Automatic rotation of the keys whose `NextRotationDate` passed (decision 0014): made lazily when
/// such a key is used, and by the server's periodic sweep for keys nobody uses.
public struct KeyRotation: Sendable {
    let database: BulwarkDatabase
    let masterKey: MasterKey

    public init(database: BulwarkDatabase, masterKey: MasterKey) {
        self.database = database
        self.masterKey = masterKey
    }

    /// Rotates the keys `ids` (every key when nil) whose rotation is due at `now`; answers the ids rotated.
    @discardableResult
    public func rotateDue(ids: [String]? = nil, now: Date) async throws -> [String] {
        let masterKey = masterKey
        return try await database.kms.rotateDue(ids: ids, now: now) { keyID, version in
            try KeyMaterial.symmetric(keyID: keyID, version: version, now: now, masterKey: masterKey)
        }
    }
}
