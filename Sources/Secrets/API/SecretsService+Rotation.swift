import AWSWire
import BulwarkCore
import Foundation
import Lambda
import Store

/// Rotation with a Lambda rotation function (decision 0016): RotateSecret records the function and
/// the schedule and, unless `RotateImmediately` is false, adds the rotation's empty `AWSPENDING`
/// version for ``SecretRotator`` to run (asynchronously, as AWS runs it); CancelRotateSecret turns
/// rotation off; UpdateSecretVersionStage moves labels, as the function's `finishSecret` does.
extension SecretsService {
    /// The service principal a rotation function's policy must allow.
    public static let servicePrincipal = "secretsmanager.amazonaws.com"

    var rotationOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "RotateSecret", action: "secretsmanager:RotateSecret", readOnly: false,
                input: SecretsAPI.RotateSecretRequest.self,
                references: { input, _ in
                    [ResourceReference(.secretsManagerSecret, member: "SecretId", text: input.secretId)]
                        + Self.rotationFunction(input.rotationLambdaARN)
                },
                conditionKeys: { input, resolution, _ in
                    var keys = Self.secretKeys(resolution)
                    if let function = input.rotationLambdaARN { keys["secretsmanager:RotationLambdaARN"] = .single(function) }
                    return keys
                },
                furtherChecks: { input, resolution, _ in
                    // AWS: "You also need lambda:InvokeFunction permissions on the rotation function" —
                    // asked on the function the resolve stage found (the secret's own when none is given).
                    let function =
                        resolution[Self.rotationFunctionMember]?.arn ?? input.rotationLambdaARN
                        ?? resolution["SecretId"]?.entity(as: ResolvedSecret.self)?.record.rotationLambdaARN
                    guard let function else { return [] }
                    return [AuthorizationCheck(action: "lambda:InvokeFunction", resource: function, conditionKeys: [:])]
                },
                handler: rotateSecret
            ),
            ServiceOperation(
                "CancelRotateSecret", action: "secretsmanager:CancelRotateSecret", readOnly: false,
                input: SecretsAPI.CancelRotateSecretRequest.self,
                references: { input, _ in [ResourceReference(.secretsManagerSecret, member: "SecretId", text: input.secretId)] },
                conditionKeys: { _, resolution, _ in Self.secretKeys(resolution) },
                handler: cancelRotateSecret
            ),
            ServiceOperation(
                "UpdateSecretVersionStage", action: "secretsmanager:UpdateSecretVersionStage", readOnly: false,
                input: SecretsAPI.UpdateSecretVersionStageRequest.self,
                references: { input, _ in [ResourceReference(.secretsManagerSecret, member: "SecretId", text: input.secretId)] },
                conditionKeys: { input, resolution, _ in
                    var keys = Self.secretKeys(resolution)
                    keys["secretsmanager:VersionStage"] = .single(input.versionStage)
                    return keys
                },
                handler: updateSecretVersionStage
            ),
        ]
    }

    static let rotationFunctionMember = "RotationLambdaARN"

    /// The reference to the rotation function `text` names, resolved by Lambda's authority; none for
    /// text that is no function ARN (the handler then answers that it cannot invoke it, as AWS does).
    static func rotationFunction(_ text: String?) -> [ResourceReference] {
        guard let text, let arn = ARN(text), arn.service == "lambda", arn.resource.hasPrefix("function:") else { return [] }
        return [ResourceReference(.lambdaFunction, member: rotationFunctionMember, text: text).implied]
    }

    @Sendable func rotateSecret(_ input: SecretsAPI.RotateSecretRequest, _ context: CallContext) async throws -> SecretsAPI.RotateSecretResponse {
        let secret = try Self.activeSecret(context)
        if input.externalSecretRotationMetadata != nil || input.externalSecretRotationRoleArn != nil {
            throw SecretsError.invalidParameter("Bulwark does not rotate managed external secrets.")
        }
        let schedule = try input.rotationRules.map(RotationSchedule.init) ?? RotationSchedule.stored(secret.record.rotationRules)
        // The function the resolve stage found and the authorizer judged, in its canonical ARN.
        guard let function = context.resolution[Self.rotationFunctionMember]?.arn ?? input.rotationLambdaARN ?? secret.record.rotationLambdaARN
        else {
            throw AWSError(code: "InvalidRequestException", message: "No Lambda rotation function ARN is associated with this secret.", status: 400)
        }
        guard let functions else { throw AWSError(code: "InternalServiceError", message: "Rotation is not available.", status: 500) }
        do {
            try await functions.checkInvocation(
                ServiceInvocation(
                    functionARN: function, service: Self.servicePrincipal, sourceARN: secret.arn, sourceAccount: secret.record.accountID))
        } catch is ServiceInvocationRefusal {
            throw SecretsError.cannotInvokeFunction
        }
        let immediately = input.rotateImmediately ?? true
        let token = input.clientRequestToken ?? UUID().uuidString.lowercased()
        let now = clock.now()
        let keyName = secret.record.kmsKeyARN ?? Self.managedKey
        do {
            try await database.secrets.relabel(secret.arn, now: now, emptyVersionKey: keyName) { record, labels in
                guard record.deletedAt == nil else { throw SecretsError.markedForDeletion }
                record.rotationEnabled = true
                record.rotationLambdaARN = function
                record.rotationRules = schedule?.json
                record.lastChangedAt = now
                if immediately {
                    try Self.startRotation(token: token, record: &record, labels: &labels)
                } else {
                    record.nextRotationAt = schedule?.next(after: record.lastRotatedAt ?? now)
                }
            }
        } catch StoreError.notFound {
            throw SecretsError.secretNotFound
        }
        return SecretsAPI.RotateSecretResponse(arn: secret.arn, name: secret.record.name, versionId: immediately ? token : nil)
    }

    @Sendable func cancelRotateSecret(
        _ input: SecretsAPI.CancelRotateSecretRequest, _ context: CallContext
    ) async throws
        -> SecretsAPI.CancelRotateSecretResponse
    {
        let secret = try Self.activeSecret(context)
        let pending = secret.versions.first { $0.stages.contains(StagingLabels.pending) && !$0.stages.contains(StagingLabels.current) }
        try await change(secret) { record in
            guard record.rotationEnabled == true else {
                throw AWSError(
                    code: "InvalidRequestException", message: "Secrets Manager can't cancel rotation because rotation isn't enabled for this secret.",
                    status: 400)
            }
            record.rotationEnabled = false
            record.rotationToken = nil
            record.nextRotationAt = nil
        }
        return SecretsAPI.CancelRotateSecretResponse(arn: secret.arn, name: secret.record.name, versionId: pending?.versionID)
    }

    @Sendable func updateSecretVersionStage(
        _ input: SecretsAPI.UpdateSecretVersionStageRequest, _ context: CallContext
    ) async throws
        -> SecretsAPI.UpdateSecretVersionStageResponse
    {
        let secret = try Self.activeSecret(context)
        let label = input.versionStage
        let (moveTo, removeFrom) = (input.moveToVersionId, input.removeFromVersionId)
        guard moveTo != nil || removeFrom != nil else {
            throw SecretsError.invalidParameter("You must specify MoveToVersionId or RemoveFromVersionId.")
        }
        do {
            try await database.secrets.relabel(secret.arn, now: clock.now()) { _, labels in
                for versionID in [moveTo, removeFrom].compactMap(\.self) where labels[versionID] == nil {
                    throw SecretsError.versionNotFound(versionID: versionID)
                }
                let holder = labels.first { $0.value.contains(label) }?.key
                if let removeFrom, holder != removeFrom {
                    throw SecretsError.invalidParameter(
                        "The parameter RemoveFromVersionId doesn't match the version that the staging label \(label) is attached to.")
                }
                guard let moveTo else {
                    guard label != StagingLabels.current else {
                        throw SecretsError.invalidParameter(
                            "You can't remove the staging label AWSCURRENT from a version. Move it to another version instead.")
                    }
                    if let removeFrom { labels[removeFrom]?.removeAll { $0 == label } }
                    return
                }
                if let holder, holder != moveTo, removeFrom == nil {
                    throw SecretsError.invalidParameter(
                        "The parameter RemoveFromVersionId can't be empty. Staging label \(label) is currently attached to version \(holder), so you must explicitly reference that version in RemoveFromVersionId."
                    )
                }
                labels = StagingLabels.attach([label], to: moveTo, in: labels)
            }
        } catch StoreError.notFound {
            throw SecretsError.secretNotFound
        }
        return SecretsAPI.UpdateSecretVersionStageResponse(arn: secret.arn, name: secret.record.name)
    }

    /// Starts a rotation with the version id `token`: an empty version labelled `AWSPENDING`, unless
    /// another version is still pending from a rotation that did not finish (AWS refuses then).
    static func startRotation(token: String, record: inout SecretRecord, labels: inout [String: [String]]) throws {
        let current = labels.first { $0.value.contains(StagingLabels.current) }?.key
        if let pending = labels.first(where: { $0.value.contains(StagingLabels.pending) })?.key, pending != current, pending != token {
            throw AWSError(
                code: "InvalidRequestException", message: "A previous rotation isn't complete. That rotation will be reattempted.", status: 400)
        }
        if labels[token] != nil, labels[token]?.contains(StagingLabels.pending) != true {
            throw SecretsError.versionExists
        }
        labels = StagingLabels.attach([StagingLabels.pending], to: token, in: labels)
        record.rotationToken = token
    }

    /// `LastRotatedDate`, shown only while rotation is configured.
    static func lastRotated(_ record: SecretRecord) -> Date? {
        record.rotationEnabled == nil ? nil : record.lastRotatedAt
    }

    /// `NextRotationDate`, shown only while rotation is on.
    static func nextRotation(_ record: SecretRecord) -> Date? {
        record.rotationEnabled == true ? record.nextRotationAt : nil
    }
}
