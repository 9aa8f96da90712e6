import AWSWire
import BulwarkCore
import Foundation
import Store

extension KMSService {
    @Sendable func createAlias(_ input: KMSAPI.CreateAliasRequest, _ context: CallContext) async throws -> EmptyOutput {
        try Self.checkAliasName(input.aliasName)
        let alias = try Self.resolvedAlias(context)
        guard !alias.exists else { throw KMSError.aliasExists(alias.arn) }
        let key = try Self.resolvedKey(context, member: "TargetKeyId")
        guard key.record.state != .pendingDeletion else { throw KMSError.pendingDeletion(key.arn) }
        let now = clock.now()
        let record = KMSAliasRecord(
            accountID: key.record.accountID, region: key.record.region, name: input.aliasName, keyID: key.record.id, createdAt: now,
            updatedAt: now)
        do {
            try await database.kms.createAlias(record, now: now)
        } catch StoreError.conflict {
            throw KMSError.aliasExists(alias.arn)
        }
        return EmptyOutput()
    }

    @Sendable func updateAlias(_ input: KMSAPI.UpdateAliasRequest, _ context: CallContext) async throws -> EmptyOutput {
        let resolved = try Self.resolvedAlias(context)
        guard let alias = resolved.entity(as: KMSAliasRecord.self) else { throw KMSError.aliasNotFound(resolved.arn) }
        try Self.checkAliasName(input.aliasName)
        let target = try Self.resolvedKey(context, member: "TargetKeyId")
        guard target.record.state != .pendingDeletion else { throw KMSError.pendingDeletion(target.arn) }
        do {
            try await database.kms.retarget(alias, to: target.record.id, now: clock.now())
        } catch StoreError.notFound {
            throw KMSError.aliasNotFound(resolved.arn)
        }
        return EmptyOutput()
    }

    @Sendable func deleteAlias(_ input: KMSAPI.DeleteAliasRequest, _ context: CallContext) async throws -> EmptyOutput {
        let resolved = try Self.resolvedAlias(context)
        guard let alias = resolved.entity(as: KMSAliasRecord.self) else { throw KMSError.aliasNotFound(resolved.arn) }
        try Self.checkAliasName(input.aliasName)
        do {
            try await database.kms.deleteAlias(alias)
        } catch StoreError.notFound {
            throw KMSError.aliasNotFound(resolved.arn)
        }
        return EmptyOutput()
    }

    @Sendable func listAliases(_ input: KMSAPI.ListAliasesRequest, _ context: CallContext) async throws -> KMSAPI.ListAliasesResponse {
        var keyID: String?
        if input.keyId != nil { keyID = try Self.resolvedKey(context).record.id }
        if let marker = input.marker, !marker.hasPrefix("alias/") { throw KMSError.invalidMarker }
        let limit = input.limit ?? 100
        let aliases = try await database.kms.aliases(
            accountID: context.accountID, region: context.region, keyID: keyID, after: input.marker, limit: limit + 1, now: clock.now())
        let page = aliases.prefix(limit)
        let truncated = aliases.count > limit
        return KMSAPI.ListAliasesResponse(
            aliases: page.map {
                KMSAPI.AliasListEntry(
                    aliasName: $0.name, aliasArn: $0.arn, targetKeyId: $0.keyID, creationDate: $0.createdAt, lastUpdatedDate: $0.updatedAt)
            },
            nextMarker: truncated ? page.last?.name : nil, truncated: truncated)
    }

    /// The alias the resolve stage found (or found absent) for `AliasName`.
    static func resolvedAlias(_ context: CallContext) throws -> ResolvedResource {
        guard let resolved = context.resolution.resources.first(where: { $0.reference.kind == .kmsAlias }) else {
            throw AWSError.undeclaredReference(.kmsAlias, requestID: context.requestID)
        }
        return resolved
    }

    /// `alias/aws/` names AWS managed keys' aliases, which only AWS creates, changes or deletes.
    static func checkAliasName(_ name: String) throws {
        guard name.hasPrefix("alias/aws/") else { return }
        throw AWSError(
            code: "NotAuthorizedException", message: "The alias name \(name) is reserved for AWS managed keys (alias/aws/...).", status: 400)
    }
}
