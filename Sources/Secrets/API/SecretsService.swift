import AWSWire
import BulwarkCore
import Foundation
import IAM
import KMS
import Store

/// AWS Secrets Manager: secrets whose values are stored only sealed under their KMS key (decision
/// 0011), their versions and staging labels, deletion with a recovery window, tags and resource
/// policies.
///
/// Each operation is declared once below with its IAM action (`secretsmanager:<Op>` on the secret's
/// ARN), the secret its input names (resolved once by ``SecretsResourceAuthority``), its condition
/// keys and its handler. Operations that read or write a value also name the KMS key of the value
/// and ask, on the caller's behalf, the `kms:` actions AWS asks (`kms:Decrypt`, `kms:GenerateDataKey`
/// with `kms:ViaService`), judged with the key policy.
public struct SecretsService: AWSService {
    public let model: ServiceModel = .secretsManager
    let database: BulwarkDatabase
    let keys: KMSKeyUse
    let clock: WallClock
    /// Lambda, which invokes rotation functions for Secrets Manager; without it RotateSecret is refused.
    let functions: (any ServiceFunctionInvoker)?

    public init(database: BulwarkDatabase, keys: KMSKeyUse, functions: (any ServiceFunctionInvoker)? = nil, clock: WallClock = .system) {
        self.database = database
        self.keys = keys
        self.functions = functions
        self.clock = clock
    }

    public var authorities: [any ResourceAuthority] { [SecretsResourceAuthority(database: database, clock: clock)] }

    public var operations: [ServiceOperation] { valueOperations + secretOperations + rotationOperations + passwordOperations }

    private var valueOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "CreateSecret", action: "secretsmanager:CreateSecret", readOnly: false,
                input: SecretsAPI.CreateSecretRequest.self,
                references: { input, context in
                    guard SecretReference.isValidName(input.name) else { throw SecretsError.invalidName }
                    var references = [ResourceReference(.secretsManagerSecret, member: "Name", text: input.name, intent: .creating)]
                    if let key = input.kmsKeyId {
                        references.append(ResourceReference(.kmsKey, member: "KmsKeyId", text: try Self.keyText(key, context)).implied)
                    }
                    return references
                },
                conditionKeys: { input, resolution, _ in
                    var keys = Self.secretKeys(resolution)
                    keys["secretsmanager:Name"] = .single(input.name)
                    if let description = input.description { keys["secretsmanager:Description"] = .single(description) }
                    if let key = input.kmsKeyId { keys["secretsmanager:KmsKeyId"] = .single(key) }
                    return keys.merging(Self.requestTags(input.tags)) { _, new in new }
                },
                furtherChecks: { input, resolution, context in
                    // Tags given with a secret need secretsmanager:TagResource too (CreateSecret's API reference).
                    var checks: [AuthorizationCheck] = []
                    if let tags = input.tags, !tags.isEmpty, let secret = resolution["Name"] {
                        checks.append(
                            AuthorizationCheck(
                                action: "secretsmanager:TagResource", resource: secret.arn,
                                conditionKeys: Self.secretKeys(resolution).merging(Self.requestTags(tags)) { _, new in new }))
                    }
                    // With a customer key, AWS asks kms:GenerateDataKey and kms:Decrypt on it for the caller.
                    guard input.secretString != nil || input.secretBinary != nil, let key = resolution["KmsKeyId"], key.exists else { return checks }
                    return checks + Self.kmsChecks(["kms:GenerateDataKey", "kms:Decrypt"], key: key.arn, secretARN: nil, context)
                },
                handler: createSecret
            ),
            ServiceOperation(
                "GetSecretValue", action: "secretsmanager:GetSecretValue", readOnly: true,
                input: SecretsAPI.GetSecretValueRequest.self,
                references: { input, _ in
                    let qualifier =
                        input.versionId.map(SecretKeyQualifier.version)
                        ?? SecretKeyQualifier.stage(input.versionStage ?? StagingLabels.current)
                    return [
                        ResourceReference(.secretsManagerSecret, member: "SecretId", text: input.secretId),
                        ResourceReference(.secretsManagerKMSKey, member: "SecretId", text: input.secretId, qualifier: qualifier).implied,
                    ]
                },
                conditionKeys: { input, resolution, _ in
                    var keys = Self.secretKeys(resolution)
                    keys["secretsmanager:VersionStage"] = .single(input.versionStage ?? StagingLabels.current)
                    if let versionID = input.versionId { keys["secretsmanager:VersionId"] = .single(versionID) }
                    return keys
                },
                furtherChecks: { _, resolution, context in Self.secretKeyChecks(["kms:Decrypt"], resolution, context) },
                handler: getSecretValue
            ),
            ServiceOperation(
                "PutSecretValue", action: "secretsmanager:PutSecretValue", readOnly: false,
                input: SecretsAPI.PutSecretValueRequest.self,
                references: { input, _ in Self.encryptingReferences(input.secretId) },
                conditionKeys: { _, resolution, _ in Self.secretKeys(resolution) },
                furtherChecks: { _, resolution, context in Self.secretKeyChecks(["kms:GenerateDataKey", "kms:Encrypt"], resolution, context) },
                handler: putSecretValue
            ),
            ServiceOperation(
                "UpdateSecret", action: "secretsmanager:UpdateSecret", readOnly: false,
                input: SecretsAPI.UpdateSecretRequest.self,
                references: { input, context in
                    var references = Self.encryptingReferences(input.secretId)
                    if let key = input.kmsKeyId {
                        references.append(ResourceReference(.kmsKey, member: "KmsKeyId", text: try Self.keyText(key, context)).implied)
                    }
                    return references
                },
                conditionKeys: { input, resolution, _ in
                    var keys = Self.secretKeys(resolution)
                    if let description = input.description { keys["secretsmanager:Description"] = .single(description) }
                    if let key = input.kmsKeyId { keys["secretsmanager:KmsKeyId"] = .single(key) }
                    return keys
                },
                furtherChecks: { input, resolution, context in
                    guard input.secretString != nil || input.secretBinary != nil else { return [] }
                    if let key = resolution["KmsKeyId"] {
                        guard key.exists else { return [] }
                        return Self.kmsChecks(["kms:GenerateDataKey", "kms:Decrypt"], key: key.arn, secretARN: resolution["SecretId"]?.arn, context)
                    }
                    return Self.secretKeyChecks(["kms:GenerateDataKey", "kms:Decrypt"], resolution, context)
                },
                handler: updateSecret
            ),
            ServiceOperation(
                "ListSecretVersionIds", action: "secretsmanager:ListSecretVersionIds", readOnly: true,
                input: SecretsAPI.ListSecretVersionIdsRequest.self,
                references: { input, _ in [ResourceReference(.secretsManagerSecret, member: "SecretId", text: input.secretId)] },
                conditionKeys: { _, resolution, _ in Self.secretKeys(resolution) },
                handler: listSecretVersionIds
            ),
        ]
    }

    private var secretOperations: [ServiceOperation] {
        [
            secretOperation("DescribeSecret", readOnly: true, SecretsAPI.DescribeSecretRequest.self, { $0.secretId }, handler: describeSecret),
            ServiceOperation(
                "ListSecrets", action: "secretsmanager:ListSecrets", readOnly: true,
                input: SecretsAPI.ListSecretsRequest.self,
                handler: listSecrets
            ),
            secretOperation("DeleteSecret", readOnly: false, SecretsAPI.DeleteSecretRequest.self, { $0.secretId }, handler: deleteSecret),
            secretOperation("RestoreSecret", readOnly: false, SecretsAPI.RestoreSecretRequest.self, { $0.secretId }, handler: restoreSecret),
            ServiceOperation(
                "TagResource", action: "secretsmanager:TagResource", readOnly: false,
                input: SecretsAPI.TagResourceRequest.self,
                references: { input, _ in [ResourceReference(.secretsManagerSecret, member: "SecretId", text: input.secretId)] },
                conditionKeys: { input, resolution, _ in Self.secretKeys(resolution).merging(Self.requestTags(input.tags)) { _, new in new } },
                handler: tagResource
            ),
            ServiceOperation(
                "UntagResource", action: "secretsmanager:UntagResource", readOnly: false,
                input: SecretsAPI.UntagResourceRequest.self,
                references: { input, _ in [ResourceReference(.secretsManagerSecret, member: "SecretId", text: input.secretId)] },
                conditionKeys: { input, resolution, _ in
                    var keys = Self.secretKeys(resolution)
                    keys["aws:TagKeys"] = .multiple(input.tagKeys)
                    return keys
                },
                handler: untagResource
            ),
            secretOperation(
                "GetResourcePolicy", readOnly: true, SecretsAPI.GetResourcePolicyRequest.self, { $0.secretId }, handler: getResourcePolicy),
            ServiceOperation(
                "PutResourcePolicy", action: "secretsmanager:PutResourcePolicy", readOnly: false,
                input: SecretsAPI.PutResourcePolicyRequest.self,
                references: { input, _ in [ResourceReference(.secretsManagerSecret, member: "SecretId", text: input.secretId)] },
                conditionKeys: { input, resolution, _ in
                    var keys = Self.secretKeys(resolution)
                    keys["secretsmanager:BlockPublicPolicy"] = .single(input.blockPublicPolicy == true ? "true" : "false")
                    return keys
                },
                handler: putResourcePolicy
            ),
            secretOperation(
                "DeleteResourcePolicy", readOnly: false, SecretsAPI.DeleteResourcePolicyRequest.self, { $0.secretId }, handler: deleteResourcePolicy),
        ]
    }

    /// An operation on one secret named by `SecretId`, asked with `secretsmanager:SecretId` and the secret's tags.
    private func secretOperation<Input: Decodable & Sendable, Output: Encodable & Sendable>(
        _ name: String, readOnly: Bool, _ input: Input.Type, _ secretID: @escaping @Sendable (Input) -> String,
        handler: @escaping @Sendable (Input, CallContext) async throws -> Output
    ) -> ServiceOperation {
        ServiceOperation(
            name, action: "secretsmanager:\(name)", readOnly: readOnly,
            input: input,
            references: { input, _ in [ResourceReference(.secretsManagerSecret, member: "SecretId", text: secretID(input))] },
            conditionKeys: { _, resolution, _ in Self.secretKeys(resolution) },
            handler: handler
        )
    }

    /// The secret and the key that encrypts its new versions.
    static func encryptingReferences(_ secretID: String) -> [ResourceReference] {
        [
            ResourceReference(.secretsManagerSecret, member: "SecretId", text: secretID),
            ResourceReference(.secretsManagerKMSKey, member: "SecretId", text: secretID, qualifier: SecretKeyQualifier.encrypting).implied,
        ]
    }

    /// A `KmsKeyId`, refused as Secrets Manager refuses one that names no key at all.
    static func keyText(_ text: String, _ context: CallContext) throws -> String {
        guard KMSKeyUse.isKeyReference(text, context: context) else { throw SecretsError.encryptionFailure }
        return text
    }

    /// `secretsmanager:SecretId`: the secret's ARN (the one it will have, for CreateSecret).
    static func secretKeys(_ resolution: Resolution) -> [String: AuthorizationCheck.Value] {
        guard let secret = resolution.resources.first(where: { $0.reference.kind == .secretsManagerSecret }) else { return [:] }
        return ["secretsmanager:SecretId": .single(secret.arn)]
    }

    /// `aws:RequestTag/<key>` and `aws:TagKeys` of the tags a request sets.
    static func requestTags(_ tags: [SecretsAPI.Tag]?) -> [String: AuthorizationCheck.Value] {
        guard let tags, !tags.isEmpty else { return [:] }
        return AuthorizationCheck.requestTagKeys(
            Dictionary(tags.compactMap { tag in tag.key.map { ($0, tag.value ?? "") } }, uniquingKeysWith: { _, last in last }))
    }

    /// The `kms:` checks on the KMS key of the secret's value, when there is one (the account's
    /// `aws/secretsmanager` key does not exist before its first use, and its policy allows every
    /// principal of the account through Secrets Manager anyway).
    static func secretKeyChecks(_ actions: [String], _ resolution: Resolution, _ context: CallContext) -> [AuthorizationCheck] {
        guard let key = resolution.resources.first(where: { $0.reference.kind == .secretsManagerKMSKey }), key.exists else { return [] }
        return kmsChecks(actions, key: key.arn, secretARN: resolution["SecretId"]?.arn, context)
    }

    /// What Secrets Manager asks of KMS for the caller: `kms:ViaService`, `kms:CallerAccount` and
    /// the encryption context's `SecretARN`.
    static func kmsChecks(_ actions: [String], key: String, secretARN: String?, _ context: CallContext) -> [AuthorizationCheck] {
        var keys: [String: AuthorizationCheck.Value] = [
            "kms:ViaService": .single("secretsmanager.\(context.region).amazonaws.com"),
            "kms:CallerAccount": .single(context.accountID),
        ]
        if let secretARN { keys["kms:EncryptionContext:SecretARN"] = .single(secretARN) }
        return actions.map { AuthorizationCheck(action: $0, resource: key, conditionKeys: keys) }
    }

    /// The secret the resolve stage found, or Secrets Manager's not-found error.
    static func resolvedSecret(_ context: CallContext) throws -> ResolvedSecret {
        guard let resolved = context.resolution.resources.first(where: { $0.reference.kind == .secretsManagerSecret }) else {
            throw AWSError.undeclaredReference(.secretsManagerSecret, requestID: context.requestID)
        }
        guard let secret = resolved.entity(as: ResolvedSecret.self) else { throw SecretsError.secretNotFound }
        return secret
    }

    /// The secret, refused when it is scheduled for deletion.
    static func activeSecret(_ context: CallContext) throws -> ResolvedSecret {
        let secret = try resolvedSecret(context)
        guard secret.record.deletedAt == nil else { throw SecretsError.markedForDeletion }
        return secret
    }
}
