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
        try await removeTags(input.tagKeys, context)
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
        try await removeTags(input.tags, context)
        return EmptyOutput()
    }

    @Sendable func listTagsLogGroup(_ input: LogsAPI.ListTagsLogGroupRequest, _ context: CallContext) async throws -> LogsAPI.ListTagsLogGroupResponse
    {
        LogsAPI.ListTagsLogGroupResponse(tags: try Self.resolvedGroup(context).tags)
    }

    /// Adds tags to the resolved group, which must still exist when they are written.
    private func addTags(_ tags: [String: String], _ context: CallContext, limitError: AWSError) async throws {
        let group = try Self.resolvedGroup(context)
        try Self.checkTags(tags)
        do {
            try await database.logs.mergeTags(tags, into: group.group) { merged in
                guard merged.count <= 50 else { throw limitError }
            }
        } catch StoreError.notFound {
            throw LogsError.groupNotFound
        }
    }

    private func removeTags(_ keys: [String], _ context: CallContext) async throws {
        let group = try Self.resolvedGroup(context)
        do {
            try await database.logs.removeTags(keys, from: group.group)
        } catch StoreError.notFound {
            throw LogsError.groupNotFound
        }
    }

    /// Tag keys may not use the `aws:` prefix AWS reserves.
    static func checkTags(_ tags: [String: String]) throws {
        if tags.keys.contains(where: { $0.lowercased().hasPrefix("aws:") }) {
            throw LogsError.invalidParameter("Tag keys beginning with aws: are reserved.")
        }
    }
}
