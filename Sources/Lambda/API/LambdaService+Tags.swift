import AWSWire
import BulwarkCore
import Store

extension LambdaService {
    @Sendable func tagResource(_ input: LambdaAPI.TagResourceRequest, _ context: CallContext) async throws -> EmptyOutput {
        let reference = try taggedFunction(context).reference
        try FunctionRules.checkTags(input.tags)
        try await database.tags.merge(input.tags, into: reference.functionARN) { merged in
            try FunctionRules.checkTags(merged)
        }
        return EmptyOutput()
    }

    @Sendable func untagResource(_ input: LambdaAPI.UntagResourceRequest, _ context: CallContext) async throws -> EmptyOutput {
        let reference = try taggedFunction(context).reference
        try await database.tags.remove(input.tagKeys, from: reference.functionARN)
        return EmptyOutput()
    }

    @Sendable func listTags(_ input: LambdaAPI.ListTagsRequest, _ context: CallContext) async throws -> LambdaAPI.ListTagsResponse {
        LambdaAPI.ListTagsResponse(tags: try taggedFunction(context).tags)
    }

    /// The reference to the function a tagging ARN names; tags belong to the function, not to a version.
    static func taggableFunction(_ arn: String, context: CallContext) throws -> ResourceReference {
        guard arn.contains(":function:") else {
            throw LambdaError.unsupported("tagging resources other than functions")
        }
        let reference = try function("Resource", arn, context: context)
        if reference.qualifier != nil {
            throw LambdaError.invalidParameter("Tags on function aliases and versions are not supported. Please specify a function ARN.")
        }
        return reference
    }

    /// The function of the account that the tagging ARN resolved to.
    private func taggedFunction(_ context: CallContext) throws -> ResolvedFunction {
        let function = try resolvedFunction(context, member: "Resource")
        guard function.reference.accountID == context.accountID else { throw LambdaError.functionNotFound(function.reference.functionARN) }
        return function
    }
}
