import AWSWire
import BulwarkCore
import Foundation
import Store

/// Rotation of a symmetric encryption key's material (decision 0014): each rotation adds a material
/// version that encrypts from then on; every older version stays, so that every ciphertext made
/// before still decrypts (the blob names its version). Automatic rotation happens at the key's
/// `NextRotationDate`, checked lazily when the key is used and by the server's periodic sweep.
extension KMSService {
    /// AWS's default rotation period, and that of AWS managed keys (yearly).
    static let defaultRotationPeriod = 365
    /// The on-demand rotations AWS allows per key.
    static let onDemandRotationLimit = 10

    var rotationOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "EnableKeyRotation", action: "kms:EnableKeyRotation", readOnly: false,
                input: KMSAPI.EnableKeyRotationRequest.self,
                references: { input, context in [try Self.key("KeyId", input.keyId, context, allowsAlias: false)] },
                conditionKeys: { input, _, context in
                    var keys = Self.callerKeys(context)
                    keys["kms:RotationPeriodInDays"] = .single(String(input.rotationPeriodInDays ?? Self.defaultRotationPeriod))
                    return keys
                },
                handler: enableKeyRotation
            ),
            ServiceOperation(
                "DisableKeyRotation", action: "kms:DisableKeyRotation", readOnly: false,
                input: KMSAPI.DisableKeyRotationRequest.self,
                references: { input, context in [try Self.key("KeyId", input.keyId, context, allowsAlias: false)] },
                conditionKeys: { _, _, context in Self.callerKeys(context) },
                handler: disableKeyRotation
            ),
            ServiceOperation(
                "GetKeyRotationStatus", action: "kms:GetKeyRotationStatus", readOnly: true,
                input: KMSAPI.GetKeyRotationStatusRequest.self,
                references: { input, context in [try Self.key("KeyId", input.keyId, context, allowsAlias: false)] },
                conditionKeys: { _, _, context in Self.callerKeys(context) },
                handler: getKeyRotationStatus
            ),
            ServiceOperation(
                "RotateKeyOnDemand", action: "kms:RotateKeyOnDemand", readOnly: false,
                input: KMSAPI.RotateKeyOnDemandRequest.self,
                references: { input, context in [try Self.key("KeyId", input.keyId, context, allowsAlias: false)] },
                conditionKeys: { _, _, context in Self.callerKeys(context) },
                handler: rotateKeyOnDemand
            ),
            ServiceOperation(
                "ListKeyRotations", action: "kms:ListKeyRotations", readOnly: true,
                input: KMSAPI.ListKeyRotationsRequest.self,
                references: { input, context in [try Self.key("KeyId", input.keyId, context, allowsAlias: false)] },
                conditionKeys: { _, _, context in Self.callerKeys(context) },
                handler: listKeyRotations
            ),
        ]
    }

    @Sendable func enableKeyRotation(_ input: KMSAPI.EnableKeyRotationRequest, _ context: CallContext) async throws -> EmptyOutput {
        let now = clock.now()
        try await changeState(context) { key in
            try Self.checkRotatable(key, "EnableKeyRotation", context)
            let days = input.rotationPeriodInDays ?? key.rotationPeriodInDays ?? Self.defaultRotationPeriod
            key.rotationEnabled = true
            key.rotationPeriodInDays = days
            key.nextRotationDate = now.addingTimeInterval(Double(days) * 86_400)
        }
        return EmptyOutput()
    }

    @Sendable func disableKeyRotation(_ input: KMSAPI.DisableKeyRotationRequest, _ context: CallContext) async throws -> EmptyOutput {
        try await changeState(context) { key in
            try Self.checkRotatable(key, "DisableKeyRotation", context)
            key.rotationEnabled = false
            key.rotationPeriodInDays = nil
            key.nextRotationDate = nil
        }
        return EmptyOutput()
    }

    @Sendable func getKeyRotationStatus(
        _ input: KMSAPI.GetKeyRotationStatusRequest, _ context: CallContext
    ) async throws
        -> KMSAPI.GetKeyRotationStatusResponse
    {
        let key = try Self.resolvedKey(context).record
        // Keys that cannot rotate answer `false`, as AWS does for asymmetric and HMAC keys.
        guard key.keySpec == Self.symmetricDefault, key.rotationEnabled else {
            return KMSAPI.GetKeyRotationStatusResponse(keyRotationEnabled: false, keyId: key.id)
        }
        return KMSAPI.GetKeyRotationStatusResponse(
            keyRotationEnabled: true, keyId: key.id, rotationPeriodInDays: key.rotationPeriodInDays, nextRotationDate: key.nextRotationDate)
    }

    @Sendable func rotateKeyOnDemand(
        _ input: KMSAPI.RotateKeyOnDemandRequest, _ context: CallContext
    ) async throws
        -> KMSAPI.RotateKeyOnDemandResponse
    {
        let resolved = try Self.resolvedKey(context)
        let now = clock.now()
        let masterKey = masterKey
        do {
            let key = try await database.kms.rotateOnDemand(
                resolved.record.id, now: now,
                check: { key in
                    try Self.checkRotatable(key, "RotateKeyOnDemand", context)
                    guard key.onDemandRotations < Self.onDemandRotationLimit else {
                        // Bulwark's wording: AWS documents the limit of 10, not its message.
                        throw AWSError(
                            code: "LimitExceededException",
                            message: "\(key.arn) has reached the maximum number of on-demand rotations (\(Self.onDemandRotationLimit)).",
                            status: 400)
                    }
                },
                material: { version in try KeyMaterial.symmetric(keyID: resolved.record.id, version: version, now: now, masterKey: masterKey) })
            return KMSAPI.RotateKeyOnDemandResponse(keyId: key.id)
        } catch StoreError.notFound {
            throw KMSError.keyNotFound(resolved.arn)
        }
    }

    @Sendable func listKeyRotations(
        _ input: KMSAPI.ListKeyRotationsRequest, _ context: CallContext
    ) async throws
        -> KMSAPI.ListKeyRotationsResponse
    {
        let key = try Self.resolvedKey(context).record
        guard key.keySpec == Self.symmetricDefault else { throw KMSError.notRotatable(key) }
        if key.state == .pendingDeletion { throw KMSError.pendingDeletion(key.arn) }
        var after = 0
        if let marker = input.marker {
            guard let version = Int(marker), version > 0 else { throw KMSError.invalidMarker }
            after = version
        }
        let limit = input.limit ?? 100
        let includingFirst = input.includeKeyMaterial == "ALL_KEY_MATERIAL"
        let found = try await database.kms.rotations(keyID: key.id, includingFirst: includingFirst, after: after, limit: limit + 1)
        let page = found.prefix(limit)
        let truncated = found.count > limit
        return KMSAPI.ListKeyRotationsResponse(
            rotations: page.map { material in
                KMSAPI.RotationsListEntry(
                    keyId: key.id, keyMaterialId: material.materialID,
                    keyMaterialState: material.version == key.currentVersion ? "CURRENT" : "NON_CURRENT",
                    rotationDate: material.rotationType == nil ? nil : material.createdAt, rotationType: material.rotationType)
            },
            nextMarker: truncated ? page.last.map { String($0.version) } : nil, truncated: truncated)
    }

    /// Refuses a rotation change on a key that cannot rotate: not a symmetric encryption key, an AWS
    /// managed key (whose key policy allows no such call: AWS answers with the policy's denial), a
    /// disabled key, a key pending deletion.
    static func checkRotatable(_ key: KMSKeyRecord, _ operation: String, _ context: CallContext) throws {
        if key.keyManager == "AWS" {
            throw AWSError(
                code: "AccessDeniedException",
                message:
                    "User: \(context.principal.arn) is not authorized to perform: kms:\(operation) on resource: \(key.arn) because no resource-based policy allows the kms:\(operation) action",
                status: 400)
        }
        guard key.keySpec == symmetricDefault else { throw KMSError.notRotatable(key) }
        switch key.state {
        case .enabled: break
        case .disabled: throw KMSError.disabled(key.arn)
        case .pendingDeletion: throw KMSError.pendingDeletion(key.arn)
        }
    }
}
