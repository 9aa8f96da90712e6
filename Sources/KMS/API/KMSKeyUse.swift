import AWSWire
import BulwarkCore
import Crypto
import Foundation
import GRDB
import Store

/// What another service asks of KMS on behalf of its caller (Secrets Manager's envelope encryption):
/// resolving the key a stored entity names, within that service's own resolve stage, the AWS managed
/// key of the service, and data keys under a resolved key.
///
/// The caller's right to use the key is not decided here: the other service names the key in its
/// resolution and asks `kms:GenerateDataKey` / `kms:Decrypt` on it as further checks, so that the
/// authorize stage judges them with the key policy, as AWS does for calls made through a service.
public struct KMSKeyUse: Sendable {
    let database: BulwarkDatabase
    let masterKey: MasterKey
    let clock: WallClock

    public init(database: BulwarkDatabase, masterKey: MasterKey, clock: WallClock = .system) {
        self.database = database
        self.masterKey = masterKey
        self.clock = clock
    }

    /// Why a key could not be used.
    public enum Failure: Error, Sendable, Equatable {
        /// No key at the reference (or it is deleted).
        case notFound
        case disabled
        case pendingDeletion
        /// The data key's ciphertext does not open under the key (altered, another key or context).
        case invalidCiphertext
        /// The configured master key does not unwrap the key's material.
        case materialUnavailable
        /// The key is not a symmetric encryption key (asymmetric, HMAC): it makes no data keys.
        case invalidKeyUsage
    }

    /// Whether `text` can name a key at all (key id, key ARN, alias name, alias ARN).
    public static func isKeyReference(_ text: String, context: CallContext) -> Bool {
        (try? KeyReference(text, context: context)) != nil
    }

    /// Resolves the key that `text` names, within a read of another service's authority, into a
    /// resource carrying the key's canonical ARN, tags and key policy; absent when nothing matches exactly.
    public static func resolve(
        _ reference: ResourceReference, keyText text: String, context: CallContext, now: Date, _ db: Database
    ) throws
        -> ResolvedResource
    {
        guard let parsed = try? KeyReference(text, context: context) else {
            return .absent(reference, arn: text, accountID: context.accountID)
        }
        return try KMSResourceAuthority.resolveKey(reference, parsed, now: now, context: context, db)
    }

    /// The alias AWS gives the managed key of `service`: `alias/aws/<service>`.
    public static func managedAliasName(service: String) -> String { "alias/aws/\(service)" }

    /// The AWS managed key of `service` in the caller's account and region, created with its alias
    /// on first use as AWS does, with AWS's policy for such keys: every principal of the account may
    /// use it through that service (`kms:ViaService`), none directly.
    public func awsManagedKey(
        service: String, description: String, reference: ResourceReference, context: CallContext
    ) async throws
        -> ResolvedResource
    {
        let now = clock.now()
        let aliasName = Self.managedAliasName(service: service)
        let id = UUID().uuidString.lowercased()
        let record = KMSKeyRecord(
            id: id, accountID: context.accountID, region: context.region, description: description, keyUsage: KMSService.encryptDecrypt,
            keySpec: KMSService.symmetricDefault, origin: "AWS_KMS", keyManager: "AWS", state: .enabled, createdAt: now,
            policy: Self.managedKeyPolicy(service: service, accountID: context.accountID, region: context.region),
            rotationEnabled: true, rotationPeriodInDays: KMSService.defaultRotationPeriod,
            nextRotationDate: now.addingTimeInterval(Double(KMSService.defaultRotationPeriod) * 86_400))
        let material = SymmetricKey(size: .bits256)
        let materialID = SymmetricKey(size: .bits256).withUnsafeBytes { $0.map { String(format: "%02x", $0) }.joined() }
        let wrapped = try masterKey.wrap(material, keyID: id, version: 1)
        return try await database.write { db in
            if try KMSRepository.alias(db, accountID: context.accountID, region: context.region, name: aliasName) == nil {
                try KMSRepository.insert(
                    db, record, material: KMSKeyMaterialRecord(keyID: id, version: 1, materialID: materialID, wrapped: wrapped, createdAt: now))
                try db.execute(
                    sql: "INSERT INTO kmsAlias (accountID, region, name, keyID, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [context.accountID, context.region, aliasName, id, now.timeIntervalSince1970, now.timeIntervalSince1970])
            }
            return try Self.resolve(reference, keyText: aliasName, context: context, now: now, db)
        }
    }

    /// A fresh 256-bit data key: its plaintext, and its ciphertext under the resolved key bound to
    /// `encryptionContext` (a KMS ciphertext blob, decrypted by ``decryptDataKey(_:under:encryptionContext:)``).
    public func generateDataKey(
        under resolved: ResolvedResource, encryptionContext: [String: String]
    ) throws(Failure) -> (
        plaintext: SymmetricKey, ciphertext: Data
    ) {
        let key = try usable(resolved)
        guard let material = key.material else { throw .materialUnavailable }
        let dataKey = SymmetricKey(size: .bits256)
        let plaintext = dataKey.withUnsafeBytes { Data($0) }
        do {
            let blob = try CiphertextBlob.seal(
                plaintext, keyARN: key.arn, version: material.version, material: try unwrap(key.record, material), context: encryptionContext)
            return (dataKey, blob.bytes)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw .materialUnavailable
        }
    }

    /// The plaintext of a data key that ``generateDataKey(under:encryptionContext:)`` made under the
    /// resolved key with exactly `encryptionContext`, from the material version the blob names.
    public func decryptDataKey(
        _ ciphertext: Data, under resolved: ResolvedResource, encryptionContext: [String: String]
    ) async throws(Failure)
        -> SymmetricKey
    {
        let key = try usable(resolved)
        guard let blob = try? CiphertextBlob(ciphertext), blob.keyARN == key.arn else { throw .invalidCiphertext }
        var material = key.material
        if material?.version != blob.version {
            material = try? await database.read { db in try KMSRepository.material(db, keyID: key.record.id, version: blob.version) }
        }
        guard let material else { throw .invalidCiphertext }
        do {
            return SymmetricKey(data: try blob.open(material: try unwrap(key.record, material), context: encryptionContext))
        } catch let failure as Failure {
            throw failure
        } catch {
            throw .invalidCiphertext
        }
    }

    private func usable(_ resolved: ResolvedResource) throws(Failure) -> ResolvedKey {
        guard let key = resolved.entity(as: ResolvedKey.self) else { throw .notFound }
        guard key.record.keySpec == KMSService.symmetricDefault, key.record.keyUsage == KMSService.encryptDecrypt else { throw .invalidKeyUsage }
        switch key.record.state {
        case .enabled: return key
        case .disabled: throw .disabled
        case .pendingDeletion: throw .pendingDeletion
        }
    }

    private func unwrap(_ record: KMSKeyRecord, _ material: KMSKeyMaterialRecord) throws(Failure) -> SymmetricKey {
        do {
            return try masterKey.unwrap(material.wrapped, keyID: record.id, version: material.version)
        } catch {
            throw .materialUnavailable
        }
    }

    /// AWS's key policy of an AWS managed key (`auto-<service>`), in AWS's layout.
    static func managedKeyPolicy(service: String, accountID: String, region: String) -> String {
        """
        {
          "Version" : "2012-10-17",
          "Id" : "auto-\(service)-2",
          "Statement" : [ {
            "Sid" : "Allow access through AWS \(service) for all principals in the account that are authorized to use it",
            "Effect" : "Allow",
            "Principal" : {
              "AWS" : "*"
            },
            "Action" : [ "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey" ],
            "Resource" : "*",
            "Condition" : {
              "StringEquals" : {
                "kms:CallerAccount" : "\(accountID)",
                "kms:ViaService" : "\(service).\(region).amazonaws.com"
              }
            }
          }, {
            "Sid" : "Allow direct access to key metadata to the account",
            "Effect" : "Allow",
            "Principal" : {
              "AWS" : "arn:aws:iam::\(accountID):root"
            },
            "Action" : [ "kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant" ],
            "Resource" : "*"
          } ]
        }
        """
    }
}
