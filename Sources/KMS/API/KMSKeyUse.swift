import AWSWire
import BulwarkCore
import Crypto
import Foundation
import GRDB
import Store
import Trail

/// The one way another Bulwark service uses a KMS key (decision 0013): Lambda encrypting a
/// function's variables (``ServiceEncryption``), Secrets Manager's envelope encryption (data keys),
/// under a key the service's resolve stage found or under the account's AWS managed key
/// `alias/aws/<service>`, which is created on first need as AWS does.
///
/// The caller's right to use the key is not decided here: the other service names the key in its
/// resolution and asks the `kms:` actions AWS asks on it as further checks, so that the authorize
/// stage judges them with the key policy. The key must be enabled and a symmetric encryption key.
public struct KMSKeyUse: ServiceEncryption {
    let database: BulwarkDatabase
    let masterKey: MasterKey
    let clock: WallClock
    /// Where a service's own decryptions are recorded (nil in tests that read no trail).
    let trail: TrailWriter?
    /// The keys that opening blobs reads, as stored (material still wrapped), until the next write
    /// to the store: a listing opens the variables of many functions under one or two keys.
    let keysInUse: StoreReadCache<StoredKeyID, KMSRepository.KeyInUse?>

    struct StoredKeyID: Hashable, Sendable {
        let id: String
        let accountID: String
        let region: String
    }

    public init(database: BulwarkDatabase, masterKey: MasterKey, clock: WallClock = .system, trail: TrailWriter? = nil) {
        self.database = database
        self.masterKey = masterKey
        self.clock = clock
        self.trail = trail
        keysInUse = StoreReadCache(database: database, capacity: 1024)
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

    // MARK: - Encryption of a service's own data (Lambda)

    public func encrypt(
        _ plaintext: Data, under key: ResolvedResource?, service: String, accountID: String, region: String, context: [String: String]
    ) async throws -> (blob: Data, keyARN: String) {
        var found: KMSRepository.KeyInUse
        if let key {
            // The key the resolve stage found for the call, on which the caller was judged; a
            // service keeps its data under a key of its own account and region.
            guard let resolved = key.entity(as: ResolvedKey.self), resolved.record.accountID == accountID, resolved.record.region == region
            else { throw Self.notFound(key.arn) }
            found = KMSRepository.KeyInUse(key: resolved.record, material: resolved.material)
        } else {
            found = try await managedKey(service: service, accountID: accountID, region: region)
        }
        // A key whose rotation date passed rotates before it encrypts (decision 0014).
        let now = clock.now()
        if found.key.rotationIsDue(at: now) {
            try await KeyRotation(database: database, masterKey: masterKey).rotateDue(ids: [found.key.id], now: now)
            found = try await database.kms.keyInUse(id: found.key.id, accountID: accountID, region: region, version: nil, now: now) ?? found
        }
        return (try seal(plaintext, under: found, context: context), found.key.arn)
    }

    public func decrypt(
        _ blob: Data, accountID: String, region: String, context: [String: String], auditedFor service: String?
    ) async throws -> Data {
        let keyARN = (try? CiphertextBlob(blob))?.keyARN
        do {
            let plaintext = try await open(blob, accountID: accountID, region: region, context: context)
            if let service { record(decryptBy: service, keyARN: keyARN, accountID: accountID, region: region, context: context, failure: nil) }
            return plaintext
        } catch let failure as ServiceEncryptionFailure {
            if let service { record(decryptBy: service, keyARN: keyARN, accountID: accountID, region: region, context: context, failure: failure) }
            throw failure
        }
    }

    public func keyARN(ofBlob blob: Data) -> String? {
        (try? CiphertextBlob(blob))?.keyARN
    }

    // MARK: - Data keys (Secrets Manager's envelope encryption)

    /// The account's AWS managed key of `service`, created with its alias on first use, as the
    /// resource `reference` names (so that the trail and the checks see it like a resolved key).
    public func awsManagedKey(service: String, reference: ResourceReference, context: CallContext) async throws -> ResolvedResource {
        _ = try await managedKey(service: service, accountID: context.accountID, region: context.region)
        let now = clock.now()
        return try await database.read { db in
            try Self.resolve(reference, keyText: Self.managedAliasName(service: service), context: context, now: now, db)
        }
    }

    /// A fresh 256-bit data key: its plaintext, and its ciphertext under the resolved key bound to
    /// `encryptionContext` (a KMS ciphertext blob, opened by ``decryptDataKey(_:under:encryptionContext:)``).
    /// - Throws: ``ServiceEncryptionFailure`` when the key cannot encrypt.
    public func generateDataKey(
        under resolved: ResolvedResource, encryptionContext: [String: String]
    ) throws -> (plaintext: SymmetricKey, ciphertext: Data) {
        guard let key = resolved.entity(as: ResolvedKey.self) else { throw Self.notFound(resolved.arn) }
        let dataKey = SymmetricKey(size: .bits256)
        let ciphertext = try seal(
            dataKey.withUnsafeBytes { Data($0) }, under: KMSRepository.KeyInUse(key: key.record, material: key.material),
            context: encryptionContext)
        return (dataKey, ciphertext)
    }

    /// The plaintext of a data key that ``generateDataKey(under:encryptionContext:)`` made under the
    /// resolved key with exactly `encryptionContext`, from the material version the blob names.
    /// - Throws: ``ServiceEncryptionFailure`` when the key cannot decrypt it.
    public func decryptDataKey(_ ciphertext: Data, under resolved: ResolvedResource, encryptionContext: [String: String]) async throws -> SymmetricKey
    {
        guard let key = resolved.entity(as: ResolvedKey.self) else { throw Self.notFound(resolved.arn) }
        guard let blob = try? CiphertextBlob(ciphertext), blob.keyARN == key.arn else { throw Self.invalidCiphertext }
        return SymmetricKey(data: try await open(blob, of: key.record, loaded: key.material, context: encryptionContext))
    }

    // MARK: - The one sealing and opening path

    /// `plaintext` sealed under the key's current material, bound to `context`.
    private func seal(_ plaintext: Data, under found: KMSRepository.KeyInUse, context: [String: String]) throws -> Data {
        try Self.checkUsable(found.key)
        guard let material = found.material else { throw Self.unavailable(found.key.arn) }
        return try CiphertextBlob.seal(
            plaintext, keyARN: found.key.arn, version: material.version, material: try unwrap(material, of: found.key), context: context
        ).bytes
    }

    /// A blob opened with the key it names, found in the account and region.
    private func open(_ blob: Data, accountID: String, region: String, context: [String: String]) async throws -> Data {
        guard let parsed = try? CiphertextBlob(blob), let arn = ARN(parsed.keyARN), arn.resource.hasPrefix("key/") else {
            throw Self.invalidCiphertext
        }
        let stored = StoredKeyID(id: String(arn.resource.dropFirst(4)), accountID: accountID, region: region)
        let now = clock.now()
        guard arn.accountID == accountID, arn.region == region,
            let found = try await keysInUse.value(
                for: stored,
                read: { [database] in
                    try await database.kms.keyInUse(id: stored.id, accountID: accountID, region: region, version: nil, now: now)
                }),
            // A deletion date passes without a write.
            !found.key.isDeleted(at: now)
        else { throw Self.notFound(parsed.keyARN) }
        return try await open(parsed, of: found.key, loaded: found.material, context: context)
    }

    /// A parsed blob opened with the material version it names of `key` (`loaded` when it is that
    /// version, as the current one mostly is; else read).
    private func open(
        _ blob: CiphertextBlob, of key: KMSKeyRecord, loaded: KMSKeyMaterialRecord?, context: [String: String]
    ) async throws -> Data {
        try Self.checkUsable(key)
        var material = loaded
        if material?.version != blob.version {
            material = try await database.read { db in try KMSRepository.material(db, keyID: key.id, version: blob.version) }
        }
        guard let material else { throw Self.invalidCiphertext }
        do {
            return try blob.open(material: try unwrap(material, of: key), context: context)
        } catch is CiphertextBlob.Malformed {
            throw Self.invalidCiphertext
        }
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

    static let invalidCiphertext = ServiceEncryptionFailure(.unavailable, kmsCode: "InvalidCiphertextException", kmsMessage: "")

    static func unavailable(_ arn: String) -> ServiceEncryptionFailure {
        ServiceEncryptionFailure(
            .unavailable, kmsCode: "KMSInternalException",
            kmsMessage: "The key material of \(arn) cannot be unwrapped with the configured master key.")
    }
}
