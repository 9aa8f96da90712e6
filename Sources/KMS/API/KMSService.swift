import AWSWire
import BulwarkCore
import Foundation
import IAM
import Store

/// AWS Key Management Service: symmetric encryption keys (`SYMMETRIC_DEFAULT`, `ENCRYPT_DECRYPT`),
/// their aliases and key policies, and the cryptographic operations over them.
///
/// Each operation is declared once below with its IAM action, the keys and aliases its input names
/// (resolved once, aliases to their keys, by ``KMSResourceAuthority``), its condition keys and its
/// handler. A key's policy is its resource policy, evaluated as KMS does: IAM policies count only when
/// the key policy allows the account.
public struct KMSService: AWSService {
    public let model: ServiceModel
    let database: BulwarkDatabase
    let masterKey: MasterKey
    let clock: WallClock

    public init(database: BulwarkDatabase, masterKey: MasterKey, clock: WallClock = .system) {
        self.model = Self.currentModel
        self.database = database
        self.masterKey = masterKey
        self.clock = clock
    }

    /// The model, where KMS refuses what the published one leaves optional: Decrypt and ReEncrypt need
    /// a `CiphertextBlob` (optional in the model only because Decrypt may answer for a `Recipient`,
    /// which Bulwark does not support), refused as a missing member before anything is authorized.
    static let currentModel: ServiceModel = ["DecryptRequest", "ReEncryptRequest"].reduce(ServiceModel.kms) { model, name in
        let shape = model.shape(name)
        return model.replacing(Shape(name: name, kind: .structure, members: shape.members, required: shape.required + ["CiphertextBlob"]))
    }

    public var authorities: [any ResourceAuthority] {
        [KMSResourceAuthority(database: database, masterKey: masterKey, clock: clock), KMSGrantAuthority(database: database, clock: clock)]
    }

    public var operations: [ServiceOperation] {
        keyOperations + aliasOperations + cryptographicOperations + rotationOperations + signingOperations + grantOperations + tagOperations
    }

    private var keyOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "CreateKey", action: "kms:CreateKey", readOnly: false,
                input: KMSAPI.CreateKeyRequest.self,
                references: { _, _ in [] },
                resources: { _, _, _ in ["*"] },
                conditionKeys: { input, _, context in Self.creationKeys(input, context) },
                furtherChecks: { input, _, _ in
                    // Tags given with a key are set by it: AWS asks kms:TagResource too.
                    guard let tags = input.tags, !tags.isEmpty else { return [] }
                    let keys = AuthorizationCheck.requestTagKeys(
                        Dictionary(tags.map { ($0.tagKey, $0.tagValue) }, uniquingKeysWith: { _, last in last }))
                    return [AuthorizationCheck(action: "kms:TagResource", resource: "*", conditionKeys: keys)]
                },
                contingentChecks: { input, _, context in
                    Self.lockoutChecks(input.policy, bypass: input.bypassPolicyLockoutSafetyCheck, keyARN: Self.newKeyARN(context), context)
                },
                handler: createKey
            ),
            ServiceOperation(
                "DescribeKey", action: "kms:DescribeKey", readOnly: true,
                input: KMSAPI.DescribeKeyRequest.self,
                references: { input, context in try Self.keyID(input.keyId, grantTokens: input.grantTokens, context) },
                conditionKeys: { input, _, context in Self.callerKeys(context, keyID: input.keyId) },
                handler: describeKey
            ),
            ServiceOperation(
                "ListKeys", action: "kms:ListKeys", readOnly: true,
                input: KMSAPI.ListKeysRequest.self,
                conditionKeys: { _, context in Self.callerKeys(context) },
                handler: listKeys
            ),
            ServiceOperation(
                "EnableKey", action: "kms:EnableKey", readOnly: false,
                input: KMSAPI.EnableKeyRequest.self,
                references: { input, context in [try Self.key("KeyId", input.keyId, context, allowsAlias: false)] },
                conditionKeys: { _, _, context in Self.callerKeys(context) },
                handler: enableKey
            ),
            ServiceOperation(
                "DisableKey", action: "kms:DisableKey", readOnly: false,
                input: KMSAPI.DisableKeyRequest.self,
                references: { input, context in [try Self.key("KeyId", input.keyId, context, allowsAlias: false)] },
                conditionKeys: { _, _, context in Self.callerKeys(context) },
                handler: disableKey
            ),
            ServiceOperation(
                "ScheduleKeyDeletion", action: "kms:ScheduleKeyDeletion", readOnly: false,
                input: KMSAPI.ScheduleKeyDeletionRequest.self,
                references: { input, context in [try Self.key("KeyId", input.keyId, context, allowsAlias: false)] },
                conditionKeys: { _, _, context in Self.callerKeys(context) },
                handler: scheduleKeyDeletion
            ),
            ServiceOperation(
                "CancelKeyDeletion", action: "kms:CancelKeyDeletion", readOnly: false,
                input: KMSAPI.CancelKeyDeletionRequest.self,
                references: { input, context in [try Self.key("KeyId", input.keyId, context, allowsAlias: false)] },
                conditionKeys: { _, _, context in Self.callerKeys(context) },
                handler: cancelKeyDeletion
            ),
            ServiceOperation(
                "GetKeyPolicy", action: "kms:GetKeyPolicy", readOnly: true,
                input: KMSAPI.GetKeyPolicyRequest.self,
                references: { input, context in [try Self.key("KeyId", input.keyId, context, allowsAlias: false)] },
                conditionKeys: { _, _, context in Self.callerKeys(context) },
                handler: getKeyPolicy
            ),
            ServiceOperation(
                "PutKeyPolicy", action: "kms:PutKeyPolicy", readOnly: false,
                input: KMSAPI.PutKeyPolicyRequest.self,
                references: { input, context in [try Self.key("KeyId", input.keyId, context, allowsAlias: false)] },
                conditionKeys: { _, _, context in Self.callerKeys(context) },
                contingentChecks: { input, resolution, context in
                    guard let key = resolution["KeyId"], key.exists else { return [] }
                    return Self.lockoutChecks(input.policy, bypass: input.bypassPolicyLockoutSafetyCheck, keyARN: key.arn, context)
                },
                handler: putKeyPolicy
            ),
        ]
    }

    private var aliasOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "CreateAlias", action: "kms:CreateAlias", readOnly: false,
                input: KMSAPI.CreateAliasRequest.self,
                // AWS asks kms:CreateAlias on both the alias and the key.
                references: { input, context in
                    [
                        try Self.alias("AliasName", input.aliasName, context, intent: .creating),
                        try Self.key("TargetKeyId", input.targetKeyId, context, allowsAlias: false),
                    ]
                },
                conditionKeys: { _, _, context in Self.callerKeys(context) },
                handler: createAlias
            ),
            ServiceOperation(
                "UpdateAlias", action: "kms:UpdateAlias", readOnly: false,
                input: KMSAPI.UpdateAliasRequest.self,
                // On the alias, the key it names now and the key it is to name.
                references: { input, context in
                    [
                        try Self.alias("AliasName", input.aliasName, context),
                        try Self.key("AliasName", input.aliasName, context),
                        try Self.key("TargetKeyId", input.targetKeyId, context, allowsAlias: false),
                    ]
                },
                conditionKeys: { _, _, context in Self.callerKeys(context) },
                handler: updateAlias
            ),
            ServiceOperation(
                "DeleteAlias", action: "kms:DeleteAlias", readOnly: false,
                input: KMSAPI.DeleteAliasRequest.self,
                references: { input, context in
                    [try Self.alias("AliasName", input.aliasName, context), try Self.key("AliasName", input.aliasName, context)]
                },
                conditionKeys: { _, _, context in Self.callerKeys(context) },
                handler: deleteAlias
            ),
            ServiceOperation(
                "ListAliases", action: "kms:ListAliases", readOnly: true,
                input: KMSAPI.ListAliasesRequest.self,
                references: { input, context in
                    // Listing one key's aliases names the key; kms:ListAliases is still asked on `*`.
                    try input.keyId.map { [try Self.key("KeyId", $0, context, allowsAlias: false).implied] } ?? []
                },
                resources: { _, _, _ in ["*"] },
                conditionKeys: { _, _, context in Self.callerKeys(context) },
                handler: listAliases
            ),
        ]
    }

    /// The reference to the key the input member names (key id, key ARN, alias name or alias ARN).
    static func key(
        _ member: String, _ text: String, _ context: CallContext, allowsAlias: Bool = true, version: Int? = nil
    ) throws
        -> ResourceReference
    {
        // Parsed here so that a malformed name is refused before anything is read.
        let parsed = try KeyReference(text, context: context)
        if !allowsAlias, parsed.isAlias { throw KMSError.invalidKeyID(text) }
        return ResourceReference(.kmsKey, member: member, text: text, qualifier: version.map(String.init))
    }

    /// The references of an operation on the key `KeyId` names, once its `GrantTokens` are checked.
    static func keyID(_ text: String, grantTokens: [String]?, _ context: CallContext) throws -> [ResourceReference] {
        try GrantToken.check(grantTokens)
        return [try key("KeyId", text, context)]
    }

    /// The reference to an alias by name (`alias/app`) — the only form the alias operations take.
    static func alias(
        _ member: String, _ text: String, _ context: CallContext, intent: ResourceReference.Intent = .existing
    ) throws
        -> ResourceReference
    {
        guard text.hasPrefix("alias/"), text.count > 6 else {
            throw KMSError.validation(
                "Alias must start with the prefix \"alias/\". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html")
        }
        return ResourceReference(.kmsAlias, member: member, text: text, intent: intent)
    }

    /// The key the resolve stage found for the reference of `member`, or KMS's not-found error for
    /// what was typed.
    static func resolvedKey(_ context: CallContext, member: String = "KeyId") throws -> ResolvedKey {
        guard let resolved = context.resolution.resources.first(where: { $0.reference.kind == .kmsKey && $0.reference.member == member }) else {
            throw AWSError.undeclaredReference(.kmsKey, requestID: context.requestID)
        }
        guard let key = resolved.entity(as: ResolvedKey.self) else {
            let typed = try KeyReference(resolved.reference.text, context: context)
            // A key ARN of another region is refused as such (a key is used in its own region only).
            if typed.form == .keyARN, typed.region != context.region { throw KMSError.invalidARNRegion(typed.region) }
            throw typed.isAlias ? KMSError.aliasNotFound(typed.typedARN) : KMSError.keyNotFound(typed.typedARN)
        }
        return key
    }

    /// `kms:CallerAccount`, and `kms:RequestAlias` when the key was named by an alias.
    static func callerKeys(_ context: CallContext, keyID: String? = nil) -> [String: AuthorizationCheck.Value] {
        var keys: [String: AuthorizationCheck.Value] = ["kms:CallerAccount": .single(context.accountID)]
        if let keyID, let parsed = try? KeyReference(keyID, context: context), parsed.isAlias {
            keys["kms:RequestAlias"] = .single(parsed.name)
        }
        return keys
    }

    /// KMS's key policy lockout safety check, unless bypassed: would the new key policy still allow
    /// the caller `kms:PutKeyPolicy` on the key? The authorize stage judges it with the proposed
    /// policy in place of the stored one and the caller's own policies (decision 0017); the handler
    /// refuses the policy when it is denied. A policy that does not parse asks nothing here: the
    /// handler refuses it as malformed.
    static func lockoutChecks(_ policy: String?, bypass: Bool?, keyARN: String, _ context: CallContext) -> [AuthorizationCheck] {
        guard bypass != true, let policy, (try? PolicyDocument.parse(policy, kind: .resource)) != nil else { return [] }
        let proposed = ResourcePolicy(document: policy, name: "new key policy", kind: .keyPolicy, governedService: "kms")
        return [AuthorizationCheck(action: "kms:PutKeyPolicy", resource: keyARN, conditionKeys: callerKeys(context), proposedPolicy: proposed)]
    }

    /// What the lockout check of `CreateKey` names the key that does not exist yet: any key of the
    /// caller's account and region (a key policy's `Resource` is `*`, the key it is attached to).
    static func newKeyARN(_ context: CallContext) -> String {
        ARN(service: "kms", region: context.region, accountID: context.accountID, resource: "key/*").description
    }

    /// The answer to a key policy the caller could not update again (AWS's message).
    static func refuseLockout(_ context: CallContext, keyARN: String) throws {
        guard context.refusal(of: "kms:PutKeyPolicy", on: keyARN) != nil else { return }
        throw KMSError.malformedPolicy("The new key policy will not allow you to update the key policy in the future.")
    }

    /// The keys of `CreateKey`: what kind of key is asked for.
    static func creationKeys(_ input: KMSAPI.CreateKeyRequest, _ context: CallContext) -> [String: AuthorizationCheck.Value] {
        var keys = callerKeys(context)
        keys["kms:KeySpec"] = .single(input.keySpec ?? input.customerMasterKeySpec ?? "SYMMETRIC_DEFAULT")
        keys["kms:KeyUsage"] = .single(input.keyUsage ?? "ENCRYPT_DECRYPT")
        keys["kms:KeyOrigin"] = .single(input.origin ?? "AWS_KMS")
        keys["kms:MultiRegion"] = .single(input.multiRegion == true ? "true" : "false")
        return keys
    }
}
