import AWSWire
import BulwarkCore
import Foundation
import Store

/// Bucket and object tags (decision 0031). An object's tags belong to its body: an overwrite
/// replaces them (with the `x-amz-tagging` of the new upload, or none), a delete removes them.
extension ObjectStoreService {
    func putBucketTagging(_ input: S3API.PutBucketTaggingRequest, context: CallContext) async throws -> EmptyOutput {
        let bucket = try bucket(context, name: input.bucket, expectedOwner: input.expectedBucketOwner)
        let tags = try TagSet.validated(input.tagging.tagSet, for: .bucket)
        try await changeControls(bucket) { $0.tags = tags }
        return EmptyOutput()
    }

    func getBucketTagging(_ input: S3API.GetBucketTaggingRequest, context: CallContext) async throws -> S3API.GetBucketTaggingOutput {
        let bucket = try resolvedBucket(context, name: input.bucket, expectedOwner: input.expectedBucketOwner)
        guard let tags = bucket.controls.tags else { throw S3Error.noSuchTagSet(input.bucket) }
        return S3API.GetBucketTaggingOutput(tagSet: TagSet.list(tags))
    }

    func deleteBucketTagging(_ input: S3API.DeleteBucketTaggingRequest, context: CallContext) async throws -> EmptyOutput {
        let bucket = try bucket(context, name: input.bucket, expectedOwner: input.expectedBucketOwner)
        try await changeControls(bucket) { $0.tags = nil }
        return EmptyOutput()
    }

    func putObjectTagging(_ input: S3API.PutObjectTaggingRequest, context: CallContext) async throws -> S3API.PutObjectTaggingOutput {
        let object = try object(
            context, bucket: input.bucket, key: input.key, versionID: input.versionId, method: "PUT", expectedOwner: input.expectedBucketOwner)
        let tags = try TagSet.validated(input.tagging.tagSet, for: .object)
        try await setTags(tags, of: object)
        let versionID = Self.versionHeader(object, in: context.resolution["Bucket"]?.entity(as: ResolvedBucket.self))
        await notify([ObjectEvent(name: "ObjectTagging:Put", key: object.key, versionID: versionID)], context: context)
        return S3API.PutObjectTaggingOutput(versionId: versionID)
    }

    func getObjectTagging(_ input: S3API.GetObjectTaggingRequest, context: CallContext) async throws -> S3API.GetObjectTaggingOutput {
        let object = try object(context, bucket: input.bucket, key: input.key, versionID: input.versionId, expectedOwner: input.expectedBucketOwner)
        let tags = context.resolution["Key"]?.entity(as: ResolvedObject.self)?.tags ?? [:]
        return S3API.GetObjectTaggingOutput(
            versionId: Self.versionHeader(object, in: context.resolution["Bucket"]?.entity(as: ResolvedBucket.self)), tagSet: TagSet.list(tags))
    }

    func deleteObjectTagging(_ input: S3API.DeleteObjectTaggingRequest, context: CallContext) async throws -> S3API.DeleteObjectTaggingOutput {
        let object = try object(
            context, bucket: input.bucket, key: input.key, versionID: input.versionId, method: "DELETE", expectedOwner: input.expectedBucketOwner)
        try await setTags([:], of: object)
        let versionID = Self.versionHeader(object, in: context.resolution["Bucket"]?.entity(as: ResolvedBucket.self))
        await notify([ObjectEvent(name: "ObjectTagging:Delete", key: object.key, versionID: versionID)], context: context)
        return S3API.DeleteObjectTaggingOutput(versionId: versionID)
    }

    /// Sets the tags of the version the call resolved, unless it was removed since (NoSuchKey then:
    /// the tags were meant for the version the call was authorized on).
    private func setTags(_ tags: [String: String], of object: ObjectRecord) async throws {
        do {
            try await repository.setObjectTags(bucket: object.bucket, key: object.key, objectID: object.objectID, tags: tags)
        } catch StoreError.notFound {
            throw S3Error.noSuchKey(object.key)
        }
    }

    /// The number of tags of the object a read resolved, for `x-amz-tagging-count` (none when it has none).
    static func tagCount(_ context: CallContext) -> Int? {
        let count = context.resolution["Key"]?.entity(as: ResolvedObject.self)?.tags.count ?? 0
        return count == 0 ? nil : count
    }
}
