import AWSWire
import BulwarkCore
import Foundation
import Store

/// OpenID Connect identity providers: the issuers whose tokens `AssumeRoleWithWebIdentity` accepts
/// for roles of the account, each with the audiences (client ids) it may name.
extension IAMService {
    /// IAM's limits: 100 client ids and 5 thumbprints per provider.
    static let clientIDsPerProvider = 100
    static let thumbprintsPerProvider = 5

    var oidcProviderOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "AddClientIDToOpenIDConnectProvider", action: "iam:AddClientIDToOpenIDConnectProvider", readOnly: false,
                input: IAMAPI.AddClientIDToOpenIDConnectProviderRequest.self,
                references: { input, _ in [Self.oidcProvider(input.openIDConnectProviderArn)] },
                handler: addClientID
            ),
            ServiceOperation(
                "CreateOpenIDConnectProvider", action: "iam:CreateOpenIDConnectProvider", readOnly: false,
                input: IAMAPI.CreateOpenIDConnectProviderRequest.self,
                references: { input, context in
                    [ResourceReference(.iamOIDCProvider, member: "Url", text: try Self.providerARN(input.url, context), intent: .creating)]
                },
                conditionKeys: { input, _, _ in Self.requestTagKeys(input.tags) },
                furtherChecks: { input, resolution, _ in
                    Self.tagOnCreate(input.tags, action: "iam:TagOpenIDConnectProvider", resource: resolution.actedOnARNs[0])
                },
                handler: createOIDCProvider
            ),
            ServiceOperation(
                "DeleteOpenIDConnectProvider", action: "iam:DeleteOpenIDConnectProvider", readOnly: false,
                input: IAMAPI.DeleteOpenIDConnectProviderRequest.self,
                references: { input, _ in [Self.oidcProvider(input.openIDConnectProviderArn)] },
                handler: deleteOIDCProvider
            ),
            ServiceOperation(
                "GetOpenIDConnectProvider", action: "iam:GetOpenIDConnectProvider", readOnly: true,
                input: IAMAPI.GetOpenIDConnectProviderRequest.self,
                references: { input, _ in [Self.oidcProvider(input.openIDConnectProviderArn)] },
                handler: getOIDCProvider
            ),
            ServiceOperation(
                "ListOpenIDConnectProviderTags", action: "iam:ListOpenIDConnectProviderTags", readOnly: true,
                input: IAMAPI.ListOpenIDConnectProviderTagsRequest.self,
                references: { input, _ in [Self.oidcProvider(input.openIDConnectProviderArn)] },
                handler: listOIDCProviderTags
            ),
            ServiceOperation(
                "ListOpenIDConnectProviders", action: "iam:ListOpenIDConnectProviders", readOnly: true,
                input: IAMAPI.ListOpenIDConnectProvidersRequest.self,
                handler: listOIDCProviders
            ),
            ServiceOperation(
                "RemoveClientIDFromOpenIDConnectProvider", action: "iam:RemoveClientIDFromOpenIDConnectProvider", readOnly: false,
                input: IAMAPI.RemoveClientIDFromOpenIDConnectProviderRequest.self,
                references: { input, _ in [Self.oidcProvider(input.openIDConnectProviderArn)] },
                handler: removeClientID
            ),
            ServiceOperation(
                "TagOpenIDConnectProvider", action: "iam:TagOpenIDConnectProvider", readOnly: false,
                input: IAMAPI.TagOpenIDConnectProviderRequest.self,
                references: { input, _ in [Self.oidcProvider(input.openIDConnectProviderArn)] },
                conditionKeys: { input, _, _ in Self.requestTagKeys(input.tags) },
                handler: tagOIDCProvider
            ),
            ServiceOperation(
                "UntagOpenIDConnectProvider", action: "iam:UntagOpenIDConnectProvider", readOnly: false,
                input: IAMAPI.UntagOpenIDConnectProviderRequest.self,
                references: { input, _ in [Self.oidcProvider(input.openIDConnectProviderArn)] },
                conditionKeys: { input, _, _ in AuthorizationCheck.tagKeys(input.tagKeys) },
                handler: untagOIDCProvider
            ),
            ServiceOperation(
                "UpdateOpenIDConnectProviderThumbprint", action: "iam:UpdateOpenIDConnectProviderThumbprint", readOnly: false,
                input: IAMAPI.UpdateOpenIDConnectProviderThumbprintRequest.self,
                references: { input, _ in [Self.oidcProvider(input.openIDConnectProviderArn)] },
                handler: updateThumbprint
            ),
        ]
    }

    @Sendable func createOIDCProvider(
        _ input: IAMAPI.CreateOpenIDConnectProviderRequest, _ context: CallContext
    ) async throws -> IAMAPI.CreateOpenIDConnectProviderResponse {
        let tags = try Self.checkTags(input.tags)
        let clientIDs = Self.unique(input.clientIDList ?? [])
        let thumbprints = Self.unique(input.thumbprintList ?? [])
        try Self.checkLimits(clientIDs: clientIDs, thumbprints: thumbprints)
        guard tags.count <= quotas.tagsPerEntity else { throw IAMError.limitExceeded("The number of tags has reached the maximum limit.") }
        let arn = try Self.providerARN(input.url, context)
        do {
            try await database.oidcProviders.create(
                OIDCProviderRecord(
                    arn: arn, accountID: context.accountID, url: input.url, clientIDs: clientIDs, thumbprints: thumbprints,
                    createdAt: clock.now(), tags: tags))
        } catch StoreError.conflict {
            throw IAMError.entityAlreadyExists("Provider with url \(input.url) already exists.")
        }
        return IAMAPI.CreateOpenIDConnectProviderResponse(
            openIDConnectProviderArn: arn, tags: tags.isEmpty ? nil : tags.map { IAMAPI.Tag(key: $0.key, value: $0.value) })
    }

    @Sendable func getOIDCProvider(
        _ input: IAMAPI.GetOpenIDConnectProviderRequest, _ context: CallContext
    ) async throws -> IAMAPI.GetOpenIDConnectProviderResponse {
        let provider = try existingProvider(input.openIDConnectProviderArn, context)
        return IAMAPI.GetOpenIDConnectProviderResponse(
            url: provider.issuerKey, clientIDList: provider.clientIDs, thumbprintList: provider.thumbprints, createDate: provider.createdAt,
            tags: provider.tags.map { IAMAPI.Tag(key: $0.key, value: $0.value) })
    }

    @Sendable func listOIDCProviders(
        _ input: IAMAPI.ListOpenIDConnectProvidersRequest, _ context: CallContext
    ) async throws -> IAMAPI.ListOpenIDConnectProvidersResponse {
        let providers = try await database.oidcProviders.list(accountID: context.accountID)
        return IAMAPI.ListOpenIDConnectProvidersResponse(
            openIDConnectProviderList: providers.map { IAMAPI.OpenIDConnectProviderListEntry(arn: $0.arn) })
    }

    /// Deleting a provider that does not exist succeeds, as IAM's does.
    @Sendable func deleteOIDCProvider(_ input: IAMAPI.DeleteOpenIDConnectProviderRequest, _ context: CallContext) async throws -> EmptyOutput {
        if let provider = context.resolution["OpenIDConnectProviderArn"]?.entity(as: OIDCProviderRecord.self) {
            try await database.oidcProviders.delete(provider.arn)
        }
        return EmptyOutput()
    }

    @Sendable func addClientID(_ input: IAMAPI.AddClientIDToOpenIDConnectProviderRequest, _ context: CallContext) async throws -> EmptyOutput {
        try await changeProvider(input.openIDConnectProviderArn, context) { provider in
            guard !provider.clientIDs.contains(input.clientID) else { return }
            provider.clientIDs.append(input.clientID)
            try Self.checkLimits(clientIDs: provider.clientIDs, thumbprints: provider.thumbprints)
        }
        return EmptyOutput()
    }

    @Sendable func removeClientID(
        _ input: IAMAPI.RemoveClientIDFromOpenIDConnectProviderRequest, _ context: CallContext
    ) async throws -> EmptyOutput {
        try await changeProvider(input.openIDConnectProviderArn, context) { provider in provider.clientIDs.removeAll { $0 == input.clientID } }
        return EmptyOutput()
    }

    @Sendable func updateThumbprint(
        _ input: IAMAPI.UpdateOpenIDConnectProviderThumbprintRequest, _ context: CallContext
    ) async throws -> EmptyOutput {
        let thumbprints = Self.unique(input.thumbprintList)
        try Self.checkLimits(clientIDs: [], thumbprints: thumbprints)
        try await changeProvider(input.openIDConnectProviderArn, context) { provider in provider.thumbprints = thumbprints }
        return EmptyOutput()
    }

    @Sendable func tagOIDCProvider(_ input: IAMAPI.TagOpenIDConnectProviderRequest, _ context: CallContext) async throws -> EmptyOutput {
        let tags = try Self.checkTags(input.tags)
        let limit = quotas.tagsPerEntity
        try await changeProvider(input.openIDConnectProviderArn, context) { provider in
            provider.tags = try Self.merging(tags, into: provider.tags, limit: limit)
        }
        return EmptyOutput()
    }

    @Sendable func untagOIDCProvider(_ input: IAMAPI.UntagOpenIDConnectProviderRequest, _ context: CallContext) async throws -> EmptyOutput {
        let removed = Set(input.tagKeys.map { $0.lowercased() })
        try await changeProvider(input.openIDConnectProviderArn, context) { provider in
            provider.tags.removeAll { removed.contains($0.key.lowercased()) }
        }
        return EmptyOutput()
    }

    @Sendable func listOIDCProviderTags(
        _ input: IAMAPI.ListOpenIDConnectProviderTagsRequest, _ context: CallContext
    ) async throws -> IAMAPI.ListOpenIDConnectProviderTagsResponse {
        let provider = try existingProvider(input.openIDConnectProviderArn, context)
        let page = try Self.tagPage(provider.tags, marker: input.marker, maxItems: input.maxItems)
        return IAMAPI.ListOpenIDConnectProviderTagsResponse(tags: page.items, isTruncated: page.isTruncated, marker: page.marker)
    }

    // MARK: Steps

    static func oidcProvider(_ arn: String) -> ResourceReference {
        ResourceReference(.iamOIDCProvider, member: "OpenIDConnectProviderArn", text: arn)
    }

    /// The ARN of the provider of `url` in the caller's account; the URL must be an `https://` URL
    /// with a host.
    static func providerARN(_ url: String, _ context: CallContext) throws -> String {
        let key = OIDCProviderRecord.issuerKey(of: url)
        guard url.lowercased().hasPrefix("https://"), !key.isEmpty, !key.hasPrefix("/") else {
            throw IAMError.invalidInput("Invalid Open ID Connect Provider URL")
        }
        return "arn:aws:iam::\(context.accountID):oidc-provider/\(key)"
    }

    private static func checkLimits(clientIDs: [String], thumbprints: [String]) throws {
        guard clientIDs.count <= clientIDsPerProvider else {
            throw IAMError.limitExceeded("Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: \(clientIDsPerProvider)")
        }
        guard thumbprints.count <= thumbprintsPerProvider else {
            throw IAMError.invalidInput("Thumbprint list must contain fewer than \(thumbprintsPerProvider) entries.")
        }
    }

    private static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }

    /// The provider the resolve stage found at `arn`, or NoSuchEntity in IAM's words.
    private func existingProvider(_ arn: String, _ context: CallContext) throws -> OIDCProviderRecord {
        guard let provider = context.resolution["OpenIDConnectProviderArn"]?.entity(as: OIDCProviderRecord.self) else {
            throw Self.noSuchProvider(arn)
        }
        return provider
    }

    private func changeProvider(
        _ arn: String, _ context: CallContext, _ change: @escaping @Sendable (inout OIDCProviderRecord) throws -> Void
    ) async throws {
        let provider = try existingProvider(arn, context)
        do {
            try await database.oidcProviders.update(provider.arn, change)
        } catch StoreError.notFound {
            throw Self.noSuchProvider(arn)
        }
    }

    static func noSuchProvider(_ arn: String) -> AWSError {
        IAMError.noSuchEntity("OpenIDConnect Provider not found for arn \(arn)")
    }
}
