import AWSWire
import BulwarkCore
import Store

extension LambdaService {
    @Sendable func tagResource(_ input: LambdaAPI.TagResourceRequest, _ context: CallContext) async throws -> EmptyOutput {
        let reference = try await taggableFunction(input.resource, context: context)
        try FunctionRules.checkTags(input.tags)
        try await database.tags.merge(input.tags, into: reference.functionARN) { merged in
            try FunctionRules.checkTags(merged)
        }
        return EmptyOutput()
    }

    @Sendable func untagResource(_ input: LambdaAPI.UntagResourceRequest, _ context: CallContext) async throws -> EmptyOutput {
        let reference = try await taggableFunction(input.resource, context: context)
        try await database.tags.remove(input.tagKeys, from: reference.functionARN)
        return EmptyOutput()
    }

    @Sendable func listTags(_ input: LambdaAPI.ListTagsRequest, _ context: CallContext) async throws -> LambdaAPI.ListTagsResponse {
        let reference = try await taggableFunction(input.resource, context: context)
        return LambdaAPI.ListTagsResponse(tags: try await database.tags.tags(of: reference.functionARN))
    }

    /// The function a tagging ARN names; tags belong to the function, not to a version.
    private func taggableFunction(_ arn: String, context: CallContext) async throws -> FunctionReference {
        guard arn.contains(":function:") else {
            throw LambdaError.unsupported("tagging resources other than functions")
        }
        let reference = try FunctionReference(arn, context: context)
        if reference.qualifier != nil {
            throw LambdaError.invalidParameter("Tags on function aliases and versions are not supported. Please specify a function ARN.")
        }
        guard reference.accountID == context.accountID,
            try await database.functions.version(reference.key, Self.latest) != nil
        else {
            throw LambdaError.functionNotFound(reference.functionARN)
        }
        return reference
    }
}
