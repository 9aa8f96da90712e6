import AWSWire
import BulwarkCore
import Crypto
import Foundation
import IAM
import Store

extension KMSService {
    static let symmetricDefault = "SYMMETRIC_DEFAULT"
    static let encryptDecrypt = "ENCRYPT_DECRYPT"

    @Sendable func createKey(_ input: KMSAPI.CreateKeyRequest, _ context: CallContext) async throws -> KMSAPI.CreateKeyResponse {
        let spec = try Self.keySpec(input)
        let keySpec = spec.name
        let keyUsage = input.keyUsage ?? spec.defaultUsage
        if keyUsage == "KEY_AGREEMENT", case .ecc = spec {
            throw KMSError.unsupported("Bulwark does not support KeyUsage KEY_AGREEMENT (DeriveSharedSecret).")
        }
        guard spec.usages.contains(keyUsage) else {
            throw KMSError.validation("KeyUsage \(keyUsage) is not compatible with KeySpec \(keySpec)")
        }
        if let origin = input.origin, origin != "AWS_KMS" {
            throw KMSError.unsupported("Bulwark creates keys with Origin AWS_KMS only; Origin \(origin) is not supported.")
        }
        if input.customKeyStoreId != nil || input.xksKeyId != nil {
            throw KMSError.unsupported("Bulwark has no custom key stores.")
        }
        if input.multiRegion == true { throw KMSError.unsupported("Bulwark does not create multi-Region keys.") }
        let tags = try Self.checkedTags(input.tags)
        let now = clock.now()
        let id = UUID().uuidString.lowercased()
        let policy = input.policy ?? Self.defaultKeyPolicy(accountID: context.accountID)
        let principals = try await keyPolicyPrincipals(policy, context)
        try Self.refuseLockout(context, keyARN: Self.newKeyARN(context))
        let record = KMSKeyRecord(
            id: id, accountID: context.accountID, region: context.region, description: input.description ?? "", keyUsage: keyUsage,
            keySpec: keySpec, origin: "AWS_KMS", keyManager: "CUSTOMER", state: .enabled, createdAt: now, policy: policy,
            policyPrincipals: principals.ids)
        let material = try newMaterial(keyID: id, spec: spec, version: 1, now: now)
        try await database.kms.create(record, material: material, tags: tags, now: now)
        return KMSAPI.CreateKeyResponse(keyMetadata: Self.metadata(record, materialID: material.materialID))
    }

    /// The spec asked for: symmetric, RSA, NIST elliptic-curve and HMAC keys exist in Bulwark; any
    /// other spec is refused, not imitated (decision 0014).
    private static func keySpec(_ input: KMSAPI.CreateKeyRequest) throws -> KeySpecification {
        if let keySpec = input.keySpec, let legacy = input.customerMasterKeySpec, keySpec != legacy {
            throw KMSError.validation("You cannot specify KeySpec and CustomerMasterKeySpec in the same request.")
        }
        let name = input.keySpec ?? input.customerMasterKeySpec ?? symmetricDefault
        if name == "ECC_SECG_P256K1" {
            throw KMSError.unsupported(
                "Bulwark does not support KeySpec ECC_SECG_P256K1: its cryptography (swift-crypto) has no secp256k1 curve.")
        }
        guard let spec = KeySpecification(name) else {
            throw KMSError.unsupported(
                "Bulwark does not support KeySpec \(name): it creates SYMMETRIC_DEFAULT, RSA_2048/3072/4096, ECC_NIST_P256/P384/P521 and HMAC_224/256/384/512 keys."
            )
        }
        return spec
    }

    /// Fresh material of `spec` for a key version, wrapped by the master key; an asymmetric key's
    /// public key beside it.
    func newMaterial(keyID: String, spec: KeySpecification, version: Int, now: Date) throws -> KMSKeyMaterialRecord {
        if spec == .symmetric { return try KeyMaterial.symmetric(keyID: keyID, version: version, now: now, masterKey: masterKey) }
        let (secret, publicKey) = try spec.generate()
        return KMSKeyMaterialRecord(
            keyID: keyID, version: version, materialID: KeyMaterial.newIdentifier(),
            wrapped: try masterKey.wrap(secret, keyID: keyID, version: version), createdAt: now, publicKey: publicKey)
    }

    /// The key policy AWS gives a key created without one: the account may do everything with it
    /// through IAM policies (`Enable IAM User Permissions`), in AWS's own layout.
    public static func defaultKeyPolicy(accountID: String) -> String {
        """
        {
          "Version" : "2012-10-17",
          "Id" : "key-default-1",
          "Statement" : [ {
            "Sid" : "Enable IAM User Permissions",
            "Effect" : "Allow",
            "Principal" : {
              "AWS" : "arn:aws:iam::\(accountID):root"
            },
            "Action" : "kms:*",
            "Resource" : "*"
          } ]
        }
        """
    }

    /// A key policy must parse as a resource policy and name only users and roles that exist, which
    /// it is bound to by their unique ids (decision 0005).
    func keyPolicyPrincipals(_ policy: String, _ context: CallContext) async throws -> PrincipalBindings {
        let document: PolicyDocument
        do {
            document = try PolicyDocument.parse(policy, kind: .resource)
        } catch {
            throw KMSError.malformedPolicy(error.message)
        }
        do {
            return try await database.iam.principalBindings(of: document, accountID: context.accountID)
        } catch IAMStoreError.invalidPrincipal {
            throw KMSError.malformedPolicy("Policy contains a statement with one or more invalid principals.")
        }
    }

    /// AWS's `KeyMetadata` of a key.
    static func metadata(_ key: KMSKeyRecord, materialID: String?) -> KMSAPI.KeyMetadata {
        let spec = KeySpecification(key.keySpec)
        return KMSAPI.KeyMetadata(
            awsAccountId: key.accountID, keyId: key.id, arn: key.arn, creationDate: key.createdAt, enabled: key.state == .enabled,
            description: key.description, keyUsage: key.keyUsage, keyState: key.state.rawValue, deletionDate: key.deletionDate,
            origin: key.origin, keyManager: key.keyManager, customerMasterKeySpec: key.keySpec, keySpec: key.keySpec,
            encryptionAlgorithms: spec?.encryptionAlgorithms(usage: key.keyUsage), signingAlgorithms: spec?.signingAlgorithms(usage: key.keyUsage),
            multiRegion: false, pendingDeletionWindowInDays: key.pendingWindowInDays, macAlgorithms: spec?.macAlgorithms,
            currentKeyMaterialId: spec == .symmetric ? materialID : nil)
    }

    @Sendable func describeKey(_ input: KMSAPI.DescribeKeyRequest, _ context: CallContext) async throws -> KMSAPI.DescribeKeyResponse {
        let key = try Self.resolvedKey(context)
        return KMSAPI.DescribeKeyResponse(keyMetadata: Self.metadata(key.record, materialID: key.material?.materialID))
    }

    @Sendable func listKeys(_ input: KMSAPI.ListKeysRequest, _ context: CallContext) async throws -> KMSAPI.ListKeysResponse {
        if let marker = input.marker, !KeyReference.isKeyID(marker) { throw KMSError.invalidMarker }
        let limit = input.limit ?? 100
        let keys = try await database.kms.keys(
            accountID: context.accountID, region: context.region, after: input.marker, limit: limit + 1, now: clock.now())
        let page = keys.prefix(limit)
        let truncated = keys.count > limit
        return KMSAPI.ListKeysResponse(
            keys: page.map { KMSAPI.KeyListEntry(keyId: $0.id, keyArn: $0.arn) }, nextMarker: truncated ? page.last?.id : nil,
            truncated: truncated)
    }

    @Sendable func enableKey(_ input: KMSAPI.EnableKeyRequest, _ context: CallContext) async throws -> EmptyOutput {
        try await changeState(context) { key in
            guard key.state != .pendingDeletion else { throw KMSError.pendingDeletion(key.arn) }
            key.state = .enabled
        }
        return EmptyOutput()
    }

    @Sendable func disableKey(_ input: KMSAPI.DisableKeyRequest, _ context: CallContext) async throws -> EmptyOutput {
        try await changeState(context) { key in
            guard key.state != .pendingDeletion else { throw KMSError.pendingDeletion(key.arn) }
            key.state = .disabled
        }
        return EmptyOutput()
    }

    @Sendable func scheduleKeyDeletion(
        _ input: KMSAPI.ScheduleKeyDeletionRequest, _ context: CallContext
    ) async throws
        -> KMSAPI.ScheduleKeyDeletionResponse
    {
        let days = input.pendingWindowInDays ?? 30
        guard days >= 7 else { throw Self.windowViolation(days, "greater than or equal to 7") }
        guard days <= 30 else { throw Self.windowViolation(days, "less than or equal to 30") }
        let now = clock.now()
        let key = try await changeState(context) { key in
            guard key.state != .pendingDeletion else { throw KMSError.pendingDeletion(key.arn) }
            key.state = .pendingDeletion
            key.deletionDate = now.addingTimeInterval(Double(days) * 86_400)
            key.pendingWindowInDays = days
        }
        return KMSAPI.ScheduleKeyDeletionResponse(
            keyId: key.arn, deletionDate: key.deletionDate, keyState: key.state.rawValue, pendingWindowInDays: days)
    }

    private static func windowViolation(_ days: Int, _ constraint: String) -> AWSError {
        KMSError.validation(
            "1 validation error detected: Value '\(days)' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value \(constraint)"
        )
    }

    @Sendable func cancelKeyDeletion(
        _ input: KMSAPI.CancelKeyDeletionRequest, _ context: CallContext
    ) async throws
        -> KMSAPI.CancelKeyDeletionResponse
    {
        // A key whose deletion is cancelled is disabled, as in AWS.
        let key = try await changeState(context) { key in
            guard key.state == .pendingDeletion else { throw KMSError.notPendingDeletion(key.arn) }
            key.state = .disabled
            key.deletionDate = nil
            key.pendingWindowInDays = nil
        }
        return KMSAPI.CancelKeyDeletionResponse(keyId: key.arn)
    }

    @Sendable func getKeyPolicy(_ input: KMSAPI.GetKeyPolicyRequest, _ context: CallContext) async throws -> KMSAPI.GetKeyPolicyResponse {
        let key = try Self.resolvedKey(context)
        try Self.checkPolicyName(input.policyName)
        return KMSAPI.GetKeyPolicyResponse(policy: key.record.policy, policyName: "default")
    }

    @Sendable func putKeyPolicy(_ input: KMSAPI.PutKeyPolicyRequest, _ context: CallContext) async throws -> EmptyOutput {
        let key = try Self.resolvedKey(context)
        try Self.checkPolicyName(input.policyName)
        let principals = try await keyPolicyPrincipals(input.policy, context)
        try Self.refuseLockout(context, keyARN: key.arn)
        try await changeState(context) { key in
            key.policy = input.policy
            key.policyPrincipals = principals.ids
        }
        return EmptyOutput()
    }

    /// A key has one policy, named `default`.
    private static func checkPolicyName(_ name: String?) throws {
        guard let name, name != "default" else { return }
        throw AWSError(code: "NotFoundException", message: "No such policy exists", status: 400)
    }

    /// Changes the resolved key as stored, under `change`'s rules.
    @discardableResult
    func changeState(_ context: CallContext, _ change: @escaping @Sendable (inout KMSKeyRecord) throws -> Void) async throws -> KMSKeyRecord {
        let key = try Self.resolvedKey(context)
        do {
            return try await database.kms.update(key.record.id, now: clock.now(), change)
        } catch StoreError.notFound {
            throw KMSError.keyNotFound(key.arn)
        }
    }
}
