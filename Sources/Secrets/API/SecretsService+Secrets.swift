import AWSWire
import BulwarkCore
import Foundation
import IAM
import Store

extension SecretsService {
    @Sendable func describeSecret(
        _ input: SecretsAPI.DescribeSecretRequest, _ context: CallContext
    ) async throws
        -> SecretsAPI.DescribeSecretResponse
    {
        let secret = try Self.resolvedSecret(context)
        let record = secret.record
        return SecretsAPI.DescribeSecretResponse(
            arn: record.arn, name: record.name, description: record.description, kmsKeyId: record.kmsKeyARN,
            rotationEnabled: record.rotationEnabled, rotationLambdaARN: record.rotationLambdaARN,
            rotationRules: RotationSchedule.stored(record.rotationRules)?.rules, lastRotatedDate: Self.lastRotated(record),
            lastChangedDate: record.lastChangedAt, deletedDate: record.deletedAt, nextRotationDate: Self.nextRotation(record),
            tags: Self.tagList(secret.tags), versionIdsToStages: Self.stages(secret.versions), createdDate: record.createdAt)
    }

    @Sendable func listSecrets(_ input: SecretsAPI.ListSecretsRequest, _ context: CallContext) async throws -> SecretsAPI.ListSecretsResponse {
        if let sortBy = input.sortBy, !["created-date", "name"].contains(sortBy) {
            throw SecretsError.invalidParameter("Bulwark sorts secrets by created-date or name only.")
        }
        let filters = try (input.filters ?? []).map(SecretFilter.init)
        var secrets = try await database.secrets.secrets(accountID: context.accountID, region: context.region, now: clock.now())
            .filter { secret, _, tags in
                (input.includePlannedDeletion == true || secret.deletedAt == nil) && filters.allSatisfy { $0.matches(secret, tags: tags) }
            }
        if input.sortBy != "name" { secrets.sort { ($0.0.createdAt, $0.0.name) < ($1.0.createdAt, $1.0.name) } }
        if input.sortOrder == "desc" { secrets.reverse() }
        let (page, next) = try Self.page(secrets, maxResults: input.maxResults, nextToken: input.nextToken)
        return SecretsAPI.ListSecretsResponse(
            secretList: page.map { record, versions, tags in
                SecretsAPI.SecretListEntry(
                    arn: record.arn, name: record.name, description: record.description, kmsKeyId: record.kmsKeyARN,
                    rotationEnabled: record.rotationEnabled, rotationLambdaARN: record.rotationLambdaARN,
                    rotationRules: RotationSchedule.stored(record.rotationRules)?.rules, lastRotatedDate: Self.lastRotated(record),
                    lastChangedDate: record.lastChangedAt, deletedDate: record.deletedAt, nextRotationDate: Self.nextRotation(record),
                    tags: Self.tagList(tags), secretVersionsToStages: Self.stages(versions), createdDate: record.createdAt)
            },
            nextToken: next)
    }

    @Sendable func deleteSecret(_ input: SecretsAPI.DeleteSecretRequest, _ context: CallContext) async throws -> SecretsAPI.DeleteSecretResponse {
        let secret = try Self.resolvedSecret(context)
        if input.forceDeleteWithoutRecovery == true {
            guard input.recoveryWindowInDays == nil else { throw SecretsError.forceWithWindow }
            try await database.secrets.delete(secret.arn)
            return SecretsAPI.DeleteSecretResponse(arn: secret.arn, name: secret.record.name, deletionDate: clock.now())
        }
        let days = input.recoveryWindowInDays ?? 30
        guard (7...30).contains(days) else { throw SecretsError.recoveryWindow }
        let now = clock.now()
        let record = try await change(secret) { record in
            guard record.deletedAt == nil else { throw SecretsError.markedForDeletion }
            record.deletedAt = now
            record.deletionDate = now.addingTimeInterval(Double(days) * 86_400)
        }
        return SecretsAPI.DeleteSecretResponse(arn: record.arn, name: record.name, deletionDate: record.deletionDate)
    }

    @Sendable func restoreSecret(_ input: SecretsAPI.RestoreSecretRequest, _ context: CallContext) async throws -> SecretsAPI.RestoreSecretResponse {
        let secret = try Self.resolvedSecret(context)
        let record = try await change(secret) { record in
            record.deletedAt = nil
            record.deletionDate = nil
        }
        return SecretsAPI.RestoreSecretResponse(arn: record.arn, name: record.name)
    }

    @Sendable func tagResource(_ input: SecretsAPI.TagResourceRequest, _ context: CallContext) async throws -> EmptyOutput {
        let secret = try Self.activeSecret(context)
        let tags = Dictionary(input.tags.compactMap { tag in tag.key.map { ($0, tag.value ?? "") } }, uniquingKeysWith: { _, last in last })
        try await database.tags.merge(tags, into: secret.arn) { merged in
            guard merged.count <= 50 else { throw SecretsError.invalidParameter("A secret can have at most 50 tags.") }
        }
        return EmptyOutput()
    }

    @Sendable func untagResource(_ input: SecretsAPI.UntagResourceRequest, _ context: CallContext) async throws -> EmptyOutput {
        let secret = try Self.activeSecret(context)
        try await database.tags.remove(input.tagKeys, from: secret.arn)
        return EmptyOutput()
    }

    @Sendable func getResourcePolicy(
        _ input: SecretsAPI.GetResourcePolicyRequest, _ context: CallContext
    ) async throws
        -> SecretsAPI.GetResourcePolicyResponse
    {
        let secret = try Self.resolvedSecret(context)
        return SecretsAPI.GetResourcePolicyResponse(arn: secret.arn, name: secret.record.name, resourcePolicy: secret.record.policy)
    }

    /// A resource policy must parse as one and name only users and roles that exist, which it is
    /// bound to by their unique ids (decision 0005).
    @Sendable func putResourcePolicy(
        _ input: SecretsAPI.PutResourcePolicyRequest, _ context: CallContext
    ) async throws
        -> SecretsAPI.PutResourcePolicyResponse
    {
        let secret = try Self.activeSecret(context)
        let document: PolicyDocument
        do {
            document = try PolicyDocument.parse(input.resourcePolicy, kind: .resource)
        } catch {
            throw SecretsError.malformedPolicy(error.message)
        }
        if input.blockPublicPolicy == true, SecretPolicyExposure.allowsBroadAccess(document) { throw SecretsError.publicPolicy }
        let principals: PrincipalBindings
        do {
            principals = try await database.iam.principalBindings(of: document, accountID: context.accountID)
        } catch IAMStoreError.invalidPrincipal {
            throw SecretsError.malformedPolicy("This resource policy contains an unsupported principal.")
        }
        let policy = input.resourcePolicy
        try await change(secret) { record in
            record.policy = policy
            record.policyPrincipals = principals.ids
        }
        return SecretsAPI.PutResourcePolicyResponse(arn: secret.arn, name: secret.record.name)
    }

    @Sendable func deleteResourcePolicy(
        _ input: SecretsAPI.DeleteResourcePolicyRequest, _ context: CallContext
    ) async throws
        -> SecretsAPI.DeleteResourcePolicyResponse
    {
        let secret = try Self.resolvedSecret(context)
        try await change(secret) { record in
            record.policy = nil
            record.policyPrincipals = nil
        }
        return SecretsAPI.DeleteResourcePolicyResponse(arn: secret.arn, name: secret.record.name)
    }

    /// Changes the resolved secret as stored now.
    @discardableResult
    func change(_ secret: ResolvedSecret, _ change: @escaping @Sendable (inout SecretRecord) throws -> Void) async throws -> SecretRecord {
        let now = clock.now()
        do {
            return try await database.secrets.update(secret.arn, now: now) { record in
                try change(&record)
                record.lastChangedAt = now
            }
        } catch StoreError.notFound {
            throw SecretsError.secretNotFound
        }
    }

    /// Tags as AWS lists them, by key; nil when there are none.
    static func tagList(_ tags: [String: String]) -> [SecretsAPI.Tag]? {
        tags.isEmpty ? nil : tags.sorted { $0.key < $1.key }.map { SecretsAPI.Tag(key: $0.key, value: $0.value) }
    }

    /// The labelled versions and their labels (`VersionIdsToStages`).
    static func stages(_ versions: [SecretVersionRecord]) -> [String: [String]]? {
        let labelled = versions.filter { !$0.stages.isEmpty }
        return labelled.isEmpty ? nil : Dictionary(uniqueKeysWithValues: labelled.map { ($0.versionID, $0.stages) })
    }
}

/// One of ListSecrets' `Filters`: the secrets whose field begins with one of the values (a value
/// beginning with `!` excludes instead), case-sensitive, as AWS filters.
struct SecretFilter: Sendable {
    let key: String
    let values: [String]

    init(_ filter: SecretsAPI.Filter) throws {
        guard let key = filter.key, let values = filter.values, !values.isEmpty else {
            throw SecretsError.invalidParameter("A filter needs a Key and at least one value.")
        }
        guard ["name", "description", "tag-key", "tag-value", "all"].contains(key) else {
            throw SecretsError.invalidParameter("Bulwark does not filter secrets by \(key).")
        }
        self.key = key
        self.values = values
    }

    func matches(_ secret: SecretRecord, tags: [String: String]) -> Bool {
        let fields: [String]
        switch key {
        case "name": fields = [secret.name]
        case "description": fields = [secret.description ?? ""]
        case "tag-key": fields = Array(tags.keys)
        case "tag-value": fields = Array(tags.values)
        default: fields = [secret.name, secret.description ?? ""] + Array(tags.keys) + Array(tags.values)
        }
        let excluded = values.filter { $0.hasPrefix("!") }.map { String($0.dropFirst()) }
        let included = values.filter { !$0.hasPrefix("!") }
        if excluded.contains(where: { prefix in fields.contains { $0.hasPrefix(prefix) } }) { return false }
        return included.isEmpty || included.contains { prefix in fields.contains { $0.hasPrefix(prefix) } }
    }
}
