import AWSWire
import BulwarkCore
import Store

extension LogsService {
    @Sendable func tagResource(_ input: LogsAPI.TagResourceRequest, _ context: CallContext) async throws -> EmptyOutput {
        try await addTags(
            input.tags, context, limitError: AWSError(code: "TooManyTagsException", message: "A resource can have no more than 50 tags.", status: 400)
        )
        return EmptyOutput()
    }

    @Sendable func untagResource(_ input: LogsAPI.UntagResourceRequest, _ context: CallContext) async throws -> EmptyOutput {
        let group = try Self.resolvedGroup(context)
        try await database.tags.remove(input.tagKeys, from: group.group.arn)
        return EmptyOutput()
    }

    @Sendable func listTagsForResource(
        _ input: LogsAPI.ListTagsForResourceRequest, _ context: CallContext
    ) async throws -> LogsAPI.ListTagsForResourceResponse {
        LogsAPI.ListTagsForResourceResponse(tags: try Self.resolvedGroup(context).tags)
    }

    @Sendable func tagLogGroup(_ input: LogsAPI.TagLogGroupRequest, _ context: CallContext) async throws -> EmptyOutput {
        try await addTags(input.tags, context, limitError: LogsError.invalidParameter("A resource can have no more than 50 tags."))
        return EmptyOutput()
    }

    @Sendable func untagLogGroup(_ input: LogsAPI.UntagLogGroupRequest, _ context: CallContext) async throws -> EmptyOutput {
        let group = try Self.resolvedGroup(context)
        try await database.tags.remove(input.tags, from: group.group.arn)
        return EmptyOutput()
    }

    @Sendable func listTagsLogGroup(_ input: LogsAPI.ListTagsLogGroupRequest, _ context: CallContext) async throws -> LogsAPI.ListTagsLogGroupResponse
    {
        LogsAPI.ListTagsLogGroupResponse(tags: try Self.resolvedGroup(context).tags)
    }

    private func addTags(_ tags: [String: String], _ context: CallContext, limitError: AWSError) async throws {
        let group = try Self.resolvedGroup(context)
        try Self.checkTags(tags)
        try await database.tags.merge(tags, into: group.group.arn) { merged in
            guard merged.count <= 50 else { throw limitError }
        }
    }

    /// Tag keys may not use the `aws:` prefix AWS reserves.
    static func checkTags(_ tags: [String: String]) throws {
        if tags.keys.contains(where: { $0.lowercased().hasPrefix("aws:") }) {
            throw LogsError.invalidParameter("Tag keys beginning with aws: are reserved.")
        }
    }
}
