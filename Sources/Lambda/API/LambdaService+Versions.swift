import AWSWire
import BulwarkCore
import Foundation
import Store

extension LambdaService {
    @Sendable func publishVersion(_ input: LambdaAPI.PublishVersionRequest, _ context: CallContext) async throws -> LambdaAPI.FunctionConfiguration {
        let reference = try resolvedFunction(context).reference
        if input.publishTo != nil { throw LambdaError.unsupported("publishing to capacity providers (PublishTo)") }
        let published = try await publish(reference, codeSha256: input.codeSha256, description: input.description, expectedRevision: input.revisionId)
        return try await configuration(
            published.state, published.record, functionARN: "\(reference.functionARN):\(published.record.version)", judgedKey: Self.judgedKey(context)
        )
    }

    /// Publishes `$LATEST` as the next version: an immutable copy of its code and configuration
    /// (the variables stay sealed under their key). When `$LATEST` has not changed since the last
    /// version was published, that version is the answer and no number is spent, as in AWS.
    func publish(
        _ reference: FunctionReference, codeSha256: String?, description: String?, expectedRevision: String?
    ) async throws -> (state: FunctionState, record: FunctionVersionRecord) {
        let now = clock.now()
        let functionARN = reference.functionARN
        do {
            let (record, _) = try await database.functions.publish(reference.key, expectedRevision: expectedRevision) {
                latest, lastPublished, number in
                var state = try FunctionStateCoding.decode(latest.configuration)
                try Self.checkChangeable(state, functionARN: functionARN)
                if let codeSha256, codeSha256 != state.codeSha256 {
                    throw LambdaError.invalidParameter(
                        "CodeSHA256 (\(codeSha256)) is different from current CodeSHA256 in $LATEST (\(state.codeSha256)). Please try again with the CodeSHA256 in $LATEST."
                    )
                }
                // Every change of $LATEST's code or configuration is a new revision of it.
                if let lastPublished, try FunctionStateCoding.decode(lastPublished.configuration).publishedFrom == latest.revisionID {
                    return nil
                }
                if let description { state.description = description }
                state.lastModified = now
                state.publishedFrom = latest.revisionID
                return FunctionVersionRecord(
                    key: latest.key, version: number, configuration: try FunctionStateCoding.encode(state),
                    codeSHA256: latest.codeSHA256, codeSize: latest.codeSize, revisionID: Self.newRevision()
                )
            }
            return (try FunctionStateCoding.decode(record.configuration), record)
        } catch StoreError.notFound {
            throw LambdaError.functionNotFound(functionARN)
        } catch FunctionStoreError.revisionMismatch {
            throw LambdaError.revisionMismatch()
        }
    }

    @Sendable func listVersionsByFunction(
        _ input: LambdaAPI.ListVersionsByFunctionRequest, _ context: CallContext
    ) async throws -> LambdaAPI.ListVersionsByFunctionResponse {
        let reference = try resolvedFunction(context).reference
        let pageSize = min(input.maxItems ?? Self.maximumPageSize, Self.maximumPageSize)
        let marker = try input.marker.map(ListMarker.decode)
        if let marker, marker.name != reference.name { throw LambdaError.invalidParameter("Invalid marker: \(input.marker ?? "")") }
        let records = try await database.functions.versions(of: reference.key, after: marker?.version, limit: pageSize + 1)
        let page = records.prefix(pageSize)
        let states = try page.map { try FunctionStateCoding.decode($0.configuration) }
        let judgedKeys = try await Self.listedKeys(states, context)
        var versions: [LambdaAPI.FunctionConfiguration] = []
        for (record, state) in zip(page, states) {
            versions.append(
                try await configuration(
                    state, record, functionARN: "\(reference.functionARN):\(record.version)", listed: true,
                    judgedKey: state.kmsKeyArn.flatMap { judgedKeys[$0] }))
        }
        let next = records.count > pageSize ? page.last.map { ListMarker(name: reference.name, version: $0.version).encoded } : nil
        return LambdaAPI.ListVersionsByFunctionResponse(nextMarker: next, versions: versions)
    }

    /// DeleteFunction with a qualifier deletes one published version, in AWS's order: `$LATEST`
    /// and aliases are refused before the version is looked for; a version an alias routes to is
    /// kept.
    ///
    /// AWS answers 204 for a version number the function does not have; Bulwark answers that the
    /// version is not found, so that no call acts on what does not exist (decisions 0005, 0033).
    func deleteVersion(_ qualifier: String, _ context: CallContext) async throws -> LambdaAPI.DeleteFunctionResponse {
        if qualifier == Self.latest {
            throw LambdaError.invalidParameter("$LATEST version cannot be deleted without deleting the function.")
        }
        guard Self.isVersion(qualifier) else {
            throw LambdaError.invalidParameter("Deletion of aliases is not currently supported.")
        }
        let reference = try resolvedFunction(context).reference
        do {
            try await database.functions.deleteVersion(reference.key, qualifier)
        } catch StoreError.notFound {
            throw LambdaError.functionNotFound(reference.resourceARN)
        } catch FunctionVersionStoreError.referencedByAliases(let aliases) {
            throw AWSError(
                code: "ResourceConflictException",
                message: "Unable to delete version because the following aliases reference it: [\(aliases.joined(separator: ", "))]", status: 409)
        }
        return LambdaAPI.DeleteFunctionResponse(statusCode: 204)
    }
}
