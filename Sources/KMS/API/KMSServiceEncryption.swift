import BulwarkCore
import Crypto
import Foundation
import Store

/// KMS encrypting on behalf of another Bulwark service (``ServiceEncryption``): the service, not the
/// caller, uses the key — as AWS services use the key through their grant — so no key policy is
/// evaluated here; the service authorizes its caller itself. The key must exist in the account and
/// region, be enabled, and be a symmetric encryption key. The AWS managed key
/// `alias/aws/<service>` is created on first need, as AWS does (decision 0012).
public struct KMSServiceEncryption: ServiceEncryption {
    let database: BulwarkDatabase
    let masterKey: MasterKey
    let clock: WallClock

    public init(database: BulwarkDatabase, masterKey: MasterKey, clock: WallClock = .system) {
        self.database = database
        self.masterKey = masterKey
        self.clock = clock
    }

    public func encrypt(
        _ plaintext: Data, keyARN: String?, service: String, accountID: String, region: String, context: [String: String]
    ) async throws -> (blob: Data, keyARN: String) {
        var found: KMSRepository.KeyInUse
        if let keyARN {
            found = try await customerKey(keyARN, accountID: accountID, region: region)
        } else {
            found = try await managedKey(service: service, accountID: accountID, region: region)
        }
        // A key whose rotation date passed rotates before it encrypts (decision 0014).
        let now = clock.now()
        if found.key.rotationIsDue(at: now) {
            try await KeyRotation(database: database, masterKey: masterKey).rotateDue(ids: [found.key.id], now: now)
            found = try await database.kms.keyInUse(id: found.key.id, accountID: accountID, region: region, version: nil, now: now) ?? found
        }
        try Self.checkUsable(found.key)
        guard let material = found.material else { throw Self.unavailable(found.key.arn) }
        let blob = try CiphertextBlob.seal(
            plaintext, keyARN: found.key.arn, version: material.version, material: try unwrap(material, of: found.key), context: context)
        return (blob.bytes, found.key.arn)
    }

    public func decrypt(_ blob: Data, accountID: String, region: String, context: [String: String]) async throws -> Data {
        guard let parsed = try? CiphertextBlob(blob), let arn = ARN(parsed.keyARN), arn.resource.hasPrefix("key/") else {
            throw ServiceEncryptionFailure(.unavailable, kmsCode: "InvalidCiphertextException", kmsMessage: "")
        }
        let id = String(arn.resource.dropFirst(4))
        guard arn.accountID == accountID, arn.region == region,
            let found = try await database.kms.keyInUse(id: id, accountID: accountID, region: region, version: parsed.version, now: clock.now())
        else { throw Self.notFound(parsed.keyARN) }
        try Self.checkUsable(found.key)
        guard let material = found.material else { throw Self.unavailable(found.key.arn) }
        do {
            return try parsed.open(material: try unwrap(material, of: found.key), context: context)
        } catch is CiphertextBlob.Malformed {
            throw ServiceEncryptionFailure(.unavailable, kmsCode: "InvalidCiphertextException", kmsMessage: "")
        }
    }

    /// The key a customer named by key ARN or alias ARN, in the caller's account and region.
    private func customerKey(_ text: String, accountID: String, region: String) async throws -> KMSRepository.KeyInUse {
        guard let arn = ARN(text), arn.service == "kms", !arn.accountID.isEmpty, !arn.region.isEmpty,
            arn.resource.hasPrefix("key/") || (arn.resource.hasPrefix("alias/") && arn.resource.count > 6)
        else {
            throw ServiceEncryptionFailure(.notFound, kmsCode: "InvalidArnException", kmsMessage: "ARN '\(text)' is not a valid KMS key or alias ARN")
        }
        let now = clock.now()
        // A key of another account or region, or not stored, is no key here (decision 0010).
        guard arn.partition == "aws", arn.accountID == accountID, arn.region == region else { throw Self.notFound(text) }
        let found: KMSRepository.KeyInUse?
        if arn.resource.hasPrefix("alias/") {
            found = try await database.kms.keyInUse(accountID: accountID, region: region, alias: arn.resource, now: now)
        } else {
            found = try await database.kms.keyInUse(
                id: String(arn.resource.dropFirst(4)), accountID: accountID, region: region, version: nil, now: now)
        }
        guard let found else { throw Self.notFound(text) }
        return found
    }

    /// The account's AWS managed key of `service` (`alias/aws/<service>`), created on first need.
    private func managedKey(service: String, accountID: String, region: String) async throws -> KMSRepository.KeyInUse {
        let alias = "alias/aws/\(service)"
        let now = clock.now()
        if let found = try await database.kms.keyInUse(accountID: accountID, region: region, alias: alias, now: now) { return found }
        let id = UUID().uuidString.lowercased()
        let key = KMSKeyRecord(
            id: id, accountID: accountID, region: region, description: Self.managedKeyDescription(service), keyUsage: KMSService.encryptDecrypt,
            keySpec: KMSService.symmetricDefault, origin: "AWS_KMS", keyManager: "AWS", state: .enabled, createdAt: now,
            policy: Self.managedKeyPolicy(service: service, accountID: accountID, region: region), rotationEnabled: true,
            rotationPeriodInDays: KMSService.defaultRotationPeriod,
            nextRotationDate: now.addingTimeInterval(Double(KMSService.defaultRotationPeriod) * 86_400))
        let material = SymmetricKey(size: .bits256)
        let identifier = SymmetricKey(size: .bits256).withUnsafeBytes { $0.map { String(format: "%02x", $0) }.joined() }
        let record = KMSKeyMaterialRecord(
            keyID: id, version: 1, materialID: identifier, wrapped: try masterKey.wrap(material, keyID: id, version: 1), createdAt: now)
        guard let created = try await database.kms.createManagedKey(key, material: record, alias: alias, now: now) else {
            throw Self.notFound("arn:aws:kms:\(region):\(accountID):\(alias)")
        }
        return created
    }

    private func unwrap(_ material: KMSKeyMaterialRecord, of key: KMSKeyRecord) throws -> SymmetricKey {
        do {
            return try masterKey.unwrap(material.wrapped, keyID: key.id, version: material.version)
        } catch {
            throw Self.unavailable(key.arn)
        }
    }

    /// Refuses a key that cannot encrypt or decrypt now, with KMS's error.
    static func checkUsable(_ key: KMSKeyRecord) throws {
        switch key.state {
        case .enabled: break
        case .disabled: throw ServiceEncryptionFailure(.disabled, kmsCode: "DisabledException", kmsMessage: "\(key.arn) is disabled.")
        case .pendingDeletion:
            throw ServiceEncryptionFailure(.invalidState, kmsCode: "KMSInvalidStateException", kmsMessage: "\(key.arn) is pending deletion.")
        }
        guard key.keySpec == KMSService.symmetricDefault, key.keyUsage == KMSService.encryptDecrypt else {
            throw ServiceEncryptionFailure(
                .invalidState, kmsCode: "InvalidKeyUsageException",
                kmsMessage: "\(key.arn) key usage is \(key.keyUsage) which is not valid for Encrypt.")
        }
    }

    static func notFound(_ arn: String) -> ServiceEncryptionFailure {
        ServiceEncryptionFailure(.notFound, kmsCode: "NotFoundException", kmsMessage: "Key '\(arn)' does not exist")
    }

    static func unavailable(_ arn: String) -> ServiceEncryptionFailure {
        ServiceEncryptionFailure(
            .unavailable, kmsCode: "KMSInternalException",
            kmsMessage: "The key material of \(arn) cannot be unwrapped with the configured master key.")
    }

    /// AWS's description of an AWS managed key, as it shows `aws/lambda`'s.
    static func managedKeyDescription(_ service: String) -> String {
        switch service {
        case "lambda": "Default master key that protects my Lambda functions when no other key is defined"
        default: "Default key that protects my \(service) data when no other key is defined"
        }
    }

    /// The key policy of an AWS managed key: Secrets Manager's (``KMSKeyUse``), the same for every service.
    static func managedKeyPolicy(service: String, accountID: String, region: String) -> String {
        KMSKeyUse.managedKeyPolicy(service: service, accountID: accountID, region: region)
    }
}
