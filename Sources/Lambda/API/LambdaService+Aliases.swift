import AWSWire
import BulwarkCore
import Foundation
import Store

extension LambdaService {
    /// The alias a request's `Name` names, as the resolve stage found it (decision 0005).
    static func aliasReference(_ input: String, name: String, creating: Bool = false, context: CallContext) throws -> ResourceReference {
        var reference = try function("Name", input, qualifier: name, context: context).implied
        reference.intent = creating ? .creating : .existing
        return reference
    }

    /// The version a request's `FunctionVersion` names, as the resolve stage found it.
    static func aliasVersionReference(_ input: String, version: String?, context: CallContext) throws -> [ResourceReference] {
        guard let version else { return [] }
        return [try function("FunctionVersion", input, qualifier: version, context: context).implied]
    }

    @Sendable func createAlias(_ input: LambdaAPI.CreateAliasRequest, _ context: CallContext) async throws -> LambdaAPI.AliasConfiguration {
        let reference = try resolvedFunction(context).reference
        let aliasARN = "\(reference.functionARN):\(input.name)"
        if context.resolution["Name"]?.exists == true { throw Self.aliasExists(aliasARN) }
        let routing = try AliasRouting.requested(input.routingConfig?.additionalVersionWeights ?? [:], primary: input.functionVersion)
        try await checkAliasVersions(reference, primary: input.functionVersion, routing: routing, context: context)
        let alias = AliasRecord(
            key: reference.key, name: input.name, functionVersion: input.functionVersion, description: input.description ?? "", routing: routing,
            revisionID: Self.newRevision())
        do {
            try await database.aliases.create(alias)
        } catch StoreError.conflict {
            throw Self.aliasExists(aliasARN)
        } catch StoreError.notFound {
            throw LambdaError.functionNotFound(reference.functionARN)
        } catch AliasStoreError.versionNotFound(let version) {
            throw LambdaError.functionNotFound("\(reference.functionARN):\(version)")
        }
        return Self.aliasConfiguration(alias)
    }

    @Sendable func getAlias(_ input: LambdaAPI.GetAliasRequest, _ context: CallContext) async throws -> LambdaAPI.AliasConfiguration {
        Self.aliasConfiguration(try resolvedAlias(context))
    }

    @Sendable func updateAlias(_ input: LambdaAPI.UpdateAliasRequest, _ context: CallContext) async throws -> LambdaAPI.AliasConfiguration {
        let current = try resolvedAlias(context)
        let reference = try resolvedFunction(context).reference
        let primary = input.functionVersion ?? current.functionVersion
        let routing: AliasRouting?
        if let requested = input.routingConfig {
            routing = try AliasRouting.requested(requested.additionalVersionWeights ?? [:], primary: primary)
        } else if current.routing?.additionalVersion == primary {
            // Moving the alias onto its second version ends the shift: every invocation runs it (decision 0033).
            routing = nil
        } else {
            routing = try current.routing.flatMap { try AliasRouting.requested([$0.additionalVersion: $0.weight], primary: primary) }
        }
        try await checkAliasVersions(reference, primary: primary, routing: routing, context: context)
        let description = input.description
        do {
            let updated = try await database.aliases.update(reference.key, current.name, expectedRevision: input.revisionId) { alias in
                alias.functionVersion = primary
                alias.routing = routing
                if let description { alias.description = description }
                alias.revisionID = Self.newRevision()
            }
            return Self.aliasConfiguration(updated)
        } catch StoreError.notFound {
            throw Self.aliasNotFound("\(reference.functionARN):\(current.name)")
        } catch FunctionStoreError.revisionMismatch {
            throw LambdaError.revisionMismatch()
        } catch AliasStoreError.versionNotFound(let version) {
            throw LambdaError.functionNotFound("\(reference.functionARN):\(version)")
        }
    }

    /// DeleteAlias answers 204 for an alias the function does not have, as AWS does (its model
    /// lists no not-found error for it); the function itself must exist.
    @Sendable func deleteAlias(_ input: LambdaAPI.DeleteAliasRequest, _ context: CallContext) async throws -> EmptyOutput {
        let reference = try resolvedFunction(context).reference
        guard context.resolution["Name"]?.exists == true else { return EmptyOutput() }
        _ = try await database.aliases.delete(reference.key, input.name)
        return EmptyOutput()
    }

    @Sendable func listAliases(_ input: LambdaAPI.ListAliasesRequest, _ context: CallContext) async throws -> LambdaAPI.ListAliasesResponse {
        let reference = try resolvedFunction(context).reference
        let pageSize = min(input.maxItems ?? Self.maximumPageSize, Self.maximumPageSize)
        let marker = try input.marker.map(ListMarker.decode)
        if let marker, marker.name != reference.name { throw LambdaError.invalidParameter("Invalid marker: \(input.marker ?? "")") }
        let aliases = try await database.aliases.list(reference.key, routingTo: input.functionVersion, after: marker?.version, limit: pageSize + 1)
        let page = aliases.prefix(pageSize)
        let next = aliases.count > pageSize ? page.last.map { ListMarker(name: reference.name, version: $0.name).encoded } : nil
        return LambdaAPI.ListAliasesResponse(nextMarker: next, aliases: page.map(Self.aliasConfiguration))
    }

    /// The alias the resolve stage found for `Name`, or Lambda's not-found error.
    private func resolvedAlias(_ context: CallContext) throws -> AliasRecord {
        guard let resolved = context.resolution["Name"] else {
            throw AWSError.undeclaredReference(.lambdaFunction, requestID: context.requestID)
        }
        guard let alias = resolved.entity(as: ResolvedFunction.self)?.alias else { throw Self.aliasNotFound(resolved.arn) }
        return alias
    }

    /// The versions an alias names must exist (the request's `FunctionVersion` as resolved, the
    /// second one as stored) and, when it names two, run under the same execution role.
    private func checkAliasVersions(_ reference: FunctionReference, primary: String, routing: AliasRouting?, context: CallContext) async throws {
        let named = context.resolution["FunctionVersion"]
        let primaryState: FunctionState
        if let named, named.reference.qualifier == primary {
            guard let function = named.entity(as: ResolvedFunction.self) else { throw LambdaError.functionNotFound(named.arn) }
            primaryState = function.state
        } else {
            guard let stored = try await storedVersion(reference.key, primary) else {
                throw LambdaError.functionNotFound("\(reference.functionARN):\(primary)")
            }
            primaryState = stored.state
        }
        guard let routing else { return }
        guard let additional = try await storedVersion(reference.key, routing.additionalVersion) else {
            throw LambdaError.functionNotFound("\(reference.functionARN):\(routing.additionalVersion)")
        }
        if additional.state.role != primaryState.role {
            throw LambdaError.invalidParameter("Specified versions must be associated with the same execution role")
        }
    }

    /// A version of a function as the store holds it now, through the resolve stage's cache.
    func storedVersion(_ key: FunctionKey, _ version: String) async throws -> LambdaResourceAuthority.StoredVersion? {
        try await LambdaResourceAuthority(database: database, versions: resolvedVersions).stored(.init(function: key, version: version))
    }

    static func aliasConfiguration(_ alias: AliasRecord) -> LambdaAPI.AliasConfiguration {
        LambdaAPI.AliasConfiguration(
            aliasArn: "\(FunctionReference.arn(alias.key)):\(alias.name)",
            name: alias.name,
            functionVersion: alias.functionVersion,
            description: alias.description,
            routingConfig: alias.routing.map { LambdaAPI.AliasRoutingConfiguration(additionalVersionWeights: [$0.additionalVersion: $0.weight]) },
            revisionId: alias.revisionID
        )
    }

    static func aliasNotFound(_ aliasARN: String) -> AWSError {
        AWSError(code: "ResourceNotFoundException", message: "Cannot find alias arn: \(aliasARN)", status: 404)
    }

    static func aliasExists(_ aliasARN: String) -> AWSError {
        AWSError(code: "ResourceConflictException", message: "Alias already exists: \(aliasARN)", status: 409)
    }
}
