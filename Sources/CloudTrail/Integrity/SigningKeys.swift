import BulwarkCore
import Crypto
import CryptoExtras
import Foundation
import GRDB
import KMS
import Store

/// The RSA-2048 keys that sign an account's digest files in a region (decision 0040): made on
/// first use, valid for a year, the private key kept wrapped by the master key; ListPublicKeys
/// answers the public halves (PKCS #1 DER) by their fingerprints (the hex MD5 of that DER).
public struct SigningKeys: Sendable {
    let database: BulwarkDatabase
    let masterKey: MasterKey

    static let validity: TimeInterval = 365 * 86_400

    public init(database: BulwarkDatabase, masterKey: MasterKey) {
        self.database = database
        self.masterKey = masterKey
    }

    /// A public key as ListPublicKeys answers it.
    struct Public: Sendable {
        let fingerprint: String
        let der: Data
        let validFrom: Date
        let validTo: Date
    }

    /// The key that signs at `date`, made when there is none.
    func current(accountID: String, region: String, at date: Date) async throws -> (fingerprint: String, key: _RSA.Signing.PrivateKey) {
        let existing = try await database.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT fingerprint, wrappedPrivateKey FROM cloudtrailSigningKey WHERE accountID = ? AND region = ? AND validFrom <= ?
                    AND validTo > ? ORDER BY validFrom DESC LIMIT 1
                    """,
                arguments: [accountID, region, date.timeIntervalSince1970, date.timeIntervalSince1970]
            ).map { ($0["fingerprint"] as String, $0["wrappedPrivateKey"] as Data) }
        }
        if let (fingerprint, wrapped) = existing {
            let material = try masterKey.unwrap(wrapped, keyID: Self.keyID(fingerprint), version: 1)
            return (fingerprint, try _RSA.Signing.PrivateKey(derRepresentation: material.withUnsafeBytes { Data($0) }))
        }
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let der = key.publicKey.pkcs1DERRepresentation
        let fingerprint = Insecure.MD5.hash(data: der).map { String(format: "%02x", $0) }.joined()
        let wrapped = try masterKey.wrap(SymmetricKey(data: key.derRepresentation), keyID: Self.keyID(fingerprint), version: 1)
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO cloudtrailSigningKey (fingerprint, accountID, region, publicKey, wrappedPrivateKey, validFrom, validTo)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    fingerprint, accountID, region, der, wrapped, date.timeIntervalSince1970,
                    date.addingTimeInterval(Self.validity).timeIntervalSince1970,
                ])
        }
        return (fingerprint, key)
    }

    /// The account's public keys of the region valid at some time between `start` and `end`.
    func publicKeys(accountID: String, region: String, from start: Date, to end: Date) async throws -> [Public] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT fingerprint, publicKey, validFrom, validTo FROM cloudtrailSigningKey
                    WHERE accountID = ? AND region = ? AND validFrom <= ? AND validTo >= ? ORDER BY validFrom
                    """,
                arguments: [accountID, region, end.timeIntervalSince1970, start.timeIntervalSince1970]
            ).map {
                Public(
                    fingerprint: $0["fingerprint"], der: $0["publicKey"], validFrom: Date(timeIntervalSince1970: $0["validFrom"]),
                    validTo: Date(timeIntervalSince1970: $0["validTo"]))
            }
        }
    }

    private static func keyID(_ fingerprint: String) -> String { "cloudtrail-digest-signing/\(fingerprint)" }
}
