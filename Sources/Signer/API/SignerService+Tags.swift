import AWSWire
import BulwarkCore
import Store

extension SignerService {
    @Sendable func tagResource(_ input: SignerAPI.TagResourceRequest, _ context: CallContext) async throws -> EmptyOutput {
        let profile = try Self.taggedProfile(context)
        try await database.tags.merge(input.tags, into: profile.arn) { merged in
            guard merged.count <= 50 else { throw SignerError.badRequest("A resource can have no more than 50 tags.") }
        }
        return EmptyOutput()
    }

    @Sendable func untagResource(_ input: SignerAPI.UntagResourceRequest, _ context: CallContext) async throws -> EmptyOutput {
        let profile = try Self.taggedProfile(context)
        try await database.tags.remove(input.tagKeys, from: profile.arn)
        return EmptyOutput()
    }

    @Sendable func listTagsForResource(
        _ input: SignerAPI.ListTagsForResourceRequest, _ context: CallContext
    ) async throws -> SignerAPI.ListTagsForResourceResponse {
        _ = try Self.taggedProfile(context)
        return SignerAPI.ListTagsForResourceResponse(tags: context.resolution["resourceArn"]?.tags ?? [:])
    }

    /// The profile a tagging operation names, or the NotFoundException of the tagging operations.
    static func taggedProfile(_ context: CallContext) throws -> SigningProfileRecord {
        guard let profile = context.resolution["resourceArn"]?.entity(as: SigningProfileRecord.self) else {
            throw SignerError.taggedResourceNotFound
        }
        return profile
    }
}
