import AWSWire
import BulwarkCore
import Crypto
import Foundation
import KMS
import Store

extension SecretsService {
    /// What a version's `kmsKeyARN` holds when the account's AWS managed key encrypted it: the alias,
    /// which always names that key.
    static var managedKey: String { KMSKeyUse.managedAliasName(service: "secretsmanager") }

    @Sendable func createSecret(_ input: SecretsAPI.CreateSecretRequest, _ context: CallContext) async throws -> SecretsAPI.CreateSecretResponse {
        if input.addReplicaRegions?.isEmpty == false { throw SecretsError.invalidParameter("Bulwark does not replicate secrets to other Regions.") }
        let value = try Self.value(string: input.secretString, binary: input.secretBinary)
        guard let resolved = context.resolution["Name"] else {
            throw AWSError.undeclaredReference(.secretsManagerSecret, requestID: context.requestID)
        }
        if let existing = resolved.entity(as: ResolvedSecret.self) {
            guard existing.record.deletedAt == nil else {
                throw AWSError(
                    code: "InvalidRequestException",
                    message: "You can't create this secret because a secret with this name is already scheduled for deletion.", status: 400)
            }
            throw SecretsError.exists(input.name)
        }
        let customerKey = try Self.newKey(input.kmsKeyId, context)
        let now = clock.now()
        let arn = resolved.arn
        let versionID = input.clientRequestToken ?? UUID().uuidString.lowercased()
        var version: SecretVersionRecord?
        if let value {
            var key = customerKey
            if key == nil { key = try await managedKey(context) }
            guard let key else { throw SecretsError.encryptionFailure }
            version = try seal(value, secretARN: arn, versionID: versionID, key: key, keyName: customerKey?.arn ?? Self.managedKey, now: now)
            version?.stages = [StagingLabels.current]
        }
        let record = SecretRecord(
            arn: arn, accountID: context.accountID, region: context.region, name: input.name, description: input.description,
            kmsKeyARN: customerKey?.arn, createdAt: now, lastChangedAt: now)
        let tags = Dictionary((input.tags ?? []).compactMap { tag in tag.key.map { ($0, tag.value ?? "") } }, uniquingKeysWith: { _, last in last })
        do {
            try await database.secrets.create(record, version: version, tags: tags, now: now)
        } catch StoreError.conflict {
            throw SecretsError.exists(input.name)
        }
        return SecretsAPI.CreateSecretResponse(arn: arn, name: input.name, versionId: version?.versionID, replicationStatus: nil)
    }

    @Sendable func getSecretValue(
        _ input: SecretsAPI.GetSecretValueRequest, _ context: CallContext
    ) async throws
        -> SecretsAPI.GetSecretValueResponse
    {
        let secret = try Self.activeSecret(context)
        let version = try Self.version(of: secret, versionID: input.versionId, stage: input.versionStage)
        let value = try await open(version, context)
        return SecretsAPI.GetSecretValueResponse(
            arn: secret.arn, name: secret.record.name, versionId: version.versionID, secretBinary: version.isBinary ? value : nil,
            secretString: version.isBinary ? nil : String(decoding: value, as: UTF8.self), versionStages: version.stages,
            createdDate: version.createdAt)
    }

    @Sendable func putSecretValue(
        _ input: SecretsAPI.PutSecretValueRequest, _ context: CallContext
    ) async throws
        -> SecretsAPI.PutSecretValueResponse
    {
        let secret = try Self.activeSecret(context)
        guard let value = try Self.value(string: input.secretString, binary: input.secretBinary) else {
            throw SecretsError.invalidParameter("You must provide either SecretString or SecretBinary.")
        }
        let version = try await addVersion(
            value, to: secret, versionID: input.clientRequestToken, stages: input.versionStages ?? [StagingLabels.current], key: nil, context)
        return SecretsAPI.PutSecretValueResponse(
            arn: secret.arn, name: secret.record.name, versionId: version.versionID, versionStages: version.stages)
    }

    @Sendable func updateSecret(_ input: SecretsAPI.UpdateSecretRequest, _ context: CallContext) async throws -> SecretsAPI.UpdateSecretResponse {
        let secret = try Self.activeSecret(context)
        let value = try Self.value(string: input.secretString, binary: input.secretBinary)
        let newKey = try Self.newKey(input.kmsKeyId, context)
        let description = input.description
        let change: @Sendable (inout SecretRecord) -> Void = { record in
            if let description { record.description = description }
            if let newKey { record.kmsKeyARN = newKey.arn }
        }
        guard let value else {
            let now = clock.now()
            try await database.secrets.update(secret.arn, now: now) { record in
                change(&record)
                record.lastChangedAt = now
            }
            return SecretsAPI.UpdateSecretResponse(arn: secret.arn, name: secret.record.name)
        }
        let version = try await addVersion(
            value, to: secret, versionID: input.clientRequestToken, stages: [StagingLabels.current], key: newKey, context, change: change)
        return SecretsAPI.UpdateSecretResponse(arn: secret.arn, name: secret.record.name, versionId: version.versionID)
    }

    @Sendable func listSecretVersionIds(
        _ input: SecretsAPI.ListSecretVersionIdsRequest, _ context: CallContext
    ) async throws
        -> SecretsAPI.ListSecretVersionIdsResponse
    {
        let secret = try Self.resolvedSecret(context)
        let versions = secret.versions.filter { input.includeDeprecated == true || !$0.stages.isEmpty }
        let (page, next) = try Self.page(versions, maxResults: input.maxResults, nextToken: input.nextToken)
        return SecretsAPI.ListSecretVersionIdsResponse(
            versions: page.map {
                SecretsAPI.SecretVersionsListEntry(
                    versionId: $0.versionID, versionStages: $0.stages, createdDate: $0.createdAt, kmsKeyIds: [Self.keyName($0.kmsKeyARN)])
            },
            nextToken: next, arn: secret.arn, name: secret.record.name)
    }

    /// The key a `KmsKeyId` named, which must exist and be usable.
    static func newKey(_ keyID: String?, _ context: CallContext) throws -> ResolvedResource? {
        guard keyID != nil else { return nil }
        guard let key = context.resolution["KmsKeyId"], key.exists else { throw SecretsError.encryptionFailure }
        return key
    }

    /// How AWS names a version's key in `KmsKeyIds`: `DefaultEncryptionKey` for `aws/secretsmanager`.
    static func keyName(_ stored: String) -> String {
        stored == managedKey ? "DefaultEncryptionKey" : stored
    }

    /// The value given as `SecretString` or `SecretBinary` (never both).
    static func value(string: String?, binary: Data?) throws -> (data: Data, isBinary: Bool)? {
        switch (string, binary) {
        case (.some, .some): throw SecretsError.bothValues
        case (let string?, nil): return (Data(string.utf8), false)
        case (nil, let binary?): return (binary, true)
        case (nil, nil): return nil
        }
    }

    /// The version named by id or staging label (`AWSCURRENT` when neither is given).
    static func version(of secret: ResolvedSecret, versionID: String?, stage: String?) throws -> SecretVersionRecord {
        if let versionID {
            guard let version = secret.versions.first(where: { $0.versionID == versionID }) else {
                throw SecretsError.versionNotFound(versionID: versionID)
            }
            if let stage, !version.stages.contains(stage) {
                throw AWSError(
                    code: "InvalidRequestException", message: "You provided a VersionStage that is not associated to the provided VersionId.",
                    status: 400)
            }
            // A rotation's AWSPENDING version before the function put its value.
            guard version.hasValue else { throw SecretsError.versionNotFound(versionID: versionID) }
            return version
        }
        let label = stage ?? StagingLabels.current
        guard let version = secret.versions.first(where: { $0.stages.contains(label) }), version.hasValue else {
            throw SecretsError.versionNotFound(stage: label)
        }
        return version
    }

    /// Adds a version sealed under `key` (or the secret's encrypting key), moving `stages` to it.
    /// A `ClientRequestToken` already used answers that version when it holds the same value.
    func addVersion(
        _ value: (data: Data, isBinary: Bool), to secret: ResolvedSecret, versionID: String?, stages: [String], key: ResolvedResource?,
        _ context: CallContext, change: (@Sendable (inout SecretRecord) -> Void)? = nil
    ) async throws -> SecretVersionRecord {
        let versionID = versionID ?? UUID().uuidString.lowercased()
        if let existing = secret.versions.first(where: { $0.versionID == versionID }), existing.hasValue {
            guard try await open(existing, context) == value.data, existing.isBinary == value.isBinary else { throw SecretsError.versionExists }
            return existing
        }
        let now = clock.now()
        let encrypting: ResolvedResource
        let keyName: String
        if let key {
            encrypting = key
            keyName = key.arn
        } else if let key = context.resolution.resources.first(where: { $0.reference.kind == .secretsManagerKMSKey }), key.exists {
            encrypting = key
            keyName = secret.record.kmsKeyARN ?? Self.managedKey
        } else if secret.record.kmsKeyARN == nil {
            encrypting = try await managedKey(context)
            keyName = Self.managedKey
        } else {
            throw SecretsError.encryptionFailure
        }
        var version = try seal(value, secretARN: secret.arn, versionID: versionID, key: encrypting, keyName: keyName, now: now)
        version.stages = stages
        do {
            let stored = try await database.secrets.addVersion(version, now: now, change: change)
            guard stored.encryptedDataKey == version.encryptedDataKey else { throw SecretsError.versionExists }
            return stored
        } catch StoreError.notFound {
            throw SecretsError.secretNotFound
        }
    }

    /// The account's `aws/secretsmanager` key, created on its first use.
    func managedKey(_ context: CallContext) async throws -> ResolvedResource {
        try await keys.awsManagedKey(
            service: "secretsmanager",
            reference: ResourceReference(.secretsManagerKMSKey, member: "KmsKeyId", text: Self.managedKey).implied, context: context)
    }

    /// A new version's record: the value sealed under a fresh data key from `key`, bound to the
    /// secret's ARN and the version id (AWS's encryption context).
    func seal(
        _ value: (data: Data, isBinary: Bool), secretARN: String, versionID: String, key: ResolvedResource, keyName: String, now: Date
    ) throws -> SecretVersionRecord {
        let dataKey: (plaintext: SymmetricKey, ciphertext: Data)
        do {
            dataKey = try keys.generateDataKey(
                under: key, encryptionContext: SecretSealing.encryptionContext(secretARN: secretARN, versionID: versionID))
        } catch {
            throw SecretsError.encryptionFailure
        }
        return SecretVersionRecord(
            secretARN: secretARN, versionID: versionID, createdAt: now, kmsKeyARN: keyName, encryptedDataKey: dataKey.ciphertext,
            sealedValue: try SecretSealing.seal(value.data, dataKey: dataKey.plaintext, secretARN: secretARN, versionID: versionID),
            isBinary: value.isBinary, stages: [])
    }

    /// A version's value, opened with the data key that the version's KMS key (resolved for the call) decrypts.
    func open(_ version: SecretVersionRecord, _ context: CallContext) async throws -> Data {
        guard
            let key = context.resolution.resources.first(where: {
                $0.reference.kind == .secretsManagerKMSKey && $0.exists
            })
        else { throw SecretsError.decryptionFailure }
        do {
            let dataKey = try await keys.decryptDataKey(
                version.encryptedDataKey, under: key,
                encryptionContext: SecretSealing.encryptionContext(secretARN: version.secretARN, versionID: version.versionID))
            return try SecretSealing.open(version.sealedValue, dataKey: dataKey, secretARN: version.secretARN, versionID: version.versionID)
        } catch {
            throw SecretsError.decryptionFailure
        }
    }

    /// One page of `items` after the position `nextToken` names (an index, base64-encoded).
    static func page<Item>(_ items: [Item], maxResults: Int?, nextToken: String?) throws -> ([Item], String?) {
        var start = 0
        if let nextToken {
            guard let data = Data(base64Encoded: nextToken), let index = Int(String(decoding: data, as: UTF8.self)), index >= 0, index <= items.count
            else { throw SecretsError.invalidNextToken }
            start = index
        }
        let end = min(items.count, start + (maxResults ?? 100))
        let next = end < items.count ? Data(String(end).utf8).base64EncodedString() : nil
        return (Array(items[start..<end]), next)
    }
}
