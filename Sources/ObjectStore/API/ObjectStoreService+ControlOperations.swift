import AWSWire
import BulwarkCore
import Foundation

/// The operations on what controls access to buckets and objects, and on their tags (decision 0031):
/// bucket policies, Block Public Access, Object Ownership and ACLs, tagging.
extension ObjectStoreService {
    var controlOperations: [ServiceOperation] { policyOperations + ownershipOperations + taggingOperations }

    private var policyOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "PutBucketPolicy", action: "s3:PutBucketPolicy", readOnly: false, maxRequestBytes: 64 << 10,
                input: S3API.PutBucketPolicyRequest.self,
                references: { input, _ in [Self.policyManagementReference(input.bucket)] },
                handler: putBucketPolicy
            ),
            ServiceOperation(
                "GetBucketPolicy", action: "s3:GetBucketPolicy", readOnly: true,
                input: S3API.GetBucketPolicyRequest.self,
                references: { input, _ in [Self.policyManagementReference(input.bucket)] },
                handler: getBucketPolicy
            ),
            ServiceOperation(
                "DeleteBucketPolicy", action: "s3:DeleteBucketPolicy", readOnly: false,
                input: S3API.DeleteBucketPolicyRequest.self,
                references: { input, _ in [Self.policyManagementReference(input.bucket)] },
                handler: deleteBucketPolicy
            ),
            ServiceOperation(
                "GetBucketPolicyStatus", action: "s3:GetBucketPolicyStatus", readOnly: true,
                input: S3API.GetBucketPolicyStatusRequest.self,
                references: { input, _ in [Self.bucketReference(input.bucket)] },
                handler: getBucketPolicyStatus
            ),
            ServiceOperation(
                "PutPublicAccessBlock", action: "s3:PutBucketPublicAccessBlock", readOnly: false,
                input: S3API.PutPublicAccessBlockRequest.self,
                references: { input, _ in [Self.bucketReference(input.bucket)] },
                handler: putPublicAccessBlock
            ),
            ServiceOperation(
                "GetPublicAccessBlock", action: "s3:GetBucketPublicAccessBlock", readOnly: true,
                input: S3API.GetPublicAccessBlockRequest.self,
                references: { input, _ in [Self.bucketReference(input.bucket)] },
                handler: getPublicAccessBlock
            ),
            ServiceOperation(
                "DeletePublicAccessBlock", action: "s3:PutBucketPublicAccessBlock", readOnly: false,
                input: S3API.DeletePublicAccessBlockRequest.self,
                references: { input, _ in [Self.bucketReference(input.bucket)] },
                handler: deletePublicAccessBlock
            ),
        ]
    }

    private var ownershipOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "GetBucketOwnershipControls", action: "s3:GetBucketOwnershipControls", readOnly: true,
                input: S3API.GetBucketOwnershipControlsRequest.self,
                references: { input, _ in [Self.bucketReference(input.bucket)] },
                handler: getBucketOwnershipControls
            ),
            ServiceOperation(
                "PutBucketOwnershipControls", action: "s3:PutBucketOwnershipControls", readOnly: false,
                input: S3API.PutBucketOwnershipControlsRequest.self,
                references: { input, _ in [Self.bucketReference(input.bucket)] },
                handler: putBucketOwnershipControls
            ),
            ServiceOperation(
                "DeleteBucketOwnershipControls", action: "s3:PutBucketOwnershipControls", readOnly: false,
                input: S3API.DeleteBucketOwnershipControlsRequest.self,
                references: { input, _ in [Self.bucketReference(input.bucket)] },
                handler: deleteBucketOwnershipControls
            ),
            ServiceOperation(
                "GetBucketAcl", action: "s3:GetBucketAcl", readOnly: true,
                input: S3API.GetBucketAclRequest.self,
                references: { input, _ in [Self.bucketReference(input.bucket)] },
                handler: getBucketAcl
            ),
            ServiceOperation(
                "PutBucketAcl", action: "s3:PutBucketAcl", readOnly: false,
                input: S3API.PutBucketAclRequest.self,
                references: { input, _ in [Self.bucketReference(input.bucket)] },
                conditionKeys: { input, _, _ in input.acl.map { ["s3:x-amz-acl": .single($0)] } ?? [:] },
                handler: putBucketAcl
            ),
            ServiceOperation(
                "GetObjectAcl", action: "s3:GetObjectAcl", readOnly: true, dataEvent: true,
                input: S3API.GetObjectAclRequest.self,
                references: { input, _ in Self.objectReferences(input.bucket, input.key) },
                conditionKeys: { _, resolution, _ in Self.existingObjectTagKeys(resolution) },
                handler: getObjectAcl
            ),
            ServiceOperation(
                "PutObjectAcl", action: "s3:PutObjectAcl", readOnly: false, dataEvent: true,
                input: S3API.PutObjectAclRequest.self,
                references: { input, _ in Self.objectReferences(input.bucket, input.key) },
                conditionKeys: { input, resolution, _ in
                    var keys = Self.existingObjectTagKeys(resolution)
                    if let acl = input.acl { keys["s3:x-amz-acl"] = .single(acl) }
                    return keys
                },
                handler: putObjectAcl
            ),
        ]
    }

    private var taggingOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "PutBucketTagging", action: "s3:PutBucketTagging", readOnly: false,
                input: S3API.PutBucketTaggingRequest.self,
                references: { input, _ in [Self.bucketReference(input.bucket)] },
                handler: putBucketTagging
            ),
            ServiceOperation(
                "GetBucketTagging", action: "s3:GetBucketTagging", readOnly: true,
                input: S3API.GetBucketTaggingRequest.self,
                references: { input, _ in [Self.bucketReference(input.bucket)] },
                handler: getBucketTagging
            ),
            ServiceOperation(
                "DeleteBucketTagging", action: "s3:PutBucketTagging", readOnly: false,
                input: S3API.DeleteBucketTaggingRequest.self,
                references: { input, _ in [Self.bucketReference(input.bucket)] },
                handler: deleteBucketTagging
            ),
            // A named version is judged under the version actions (s3:PutObjectVersionTagging, …) with
            // s3:versionid, instead of the object actions (decision 0034).
            ServiceOperation(
                "PutObjectTagging", action: "s3:PutObjectTagging", readOnly: false, dataEvent: true,
                input: S3API.PutObjectTaggingRequest.self,
                references: { input, _ in try Self.objectReferences(input.bucket, input.key, versionID: input.versionId) },
                resources: { input, resolution, _ in Self.unversionedResources(input.versionId, resolution) },
                conditionKeys: { input, resolution, _ in Self.taggingKeys(input, resolution) },
                furtherChecks: { input, resolution, _ in
                    Self.versionCheck("s3:PutObjectVersionTagging", versionID: input.versionId, resolution, keys: Self.taggingKeys(input, resolution))
                },
                handler: putObjectTagging
            ),
            ServiceOperation(
                "GetObjectTagging", action: "s3:GetObjectTagging", readOnly: true, dataEvent: true,
                input: S3API.GetObjectTaggingRequest.self,
                references: { input, _ in try Self.objectReferences(input.bucket, input.key, versionID: input.versionId) },
                resources: { input, resolution, _ in Self.unversionedResources(input.versionId, resolution) },
                conditionKeys: { _, resolution, _ in Self.existingObjectTagKeys(resolution) },
                furtherChecks: { input, resolution, _ in
                    Self.versionCheck(
                        "s3:GetObjectVersionTagging", versionID: input.versionId, resolution, keys: Self.existingObjectTagKeys(resolution))
                },
                handler: getObjectTagging
            ),
            ServiceOperation(
                "DeleteObjectTagging", action: "s3:DeleteObjectTagging", readOnly: false, dataEvent: true,
                input: S3API.DeleteObjectTaggingRequest.self,
                references: { input, _ in try Self.objectReferences(input.bucket, input.key, versionID: input.versionId) },
                resources: { input, resolution, _ in Self.unversionedResources(input.versionId, resolution) },
                conditionKeys: { _, resolution, _ in Self.existingObjectTagKeys(resolution) },
                furtherChecks: { input, resolution, _ in
                    Self.versionCheck(
                        "s3:DeleteObjectVersionTagging", versionID: input.versionId, resolution, keys: Self.existingObjectTagKeys(resolution))
                },
                handler: deleteObjectTagging
            ),
        ]
    }

    /// The bucket of Get/Put/DeleteBucketPolicy: the owner's root may manage the policy whatever it says.
    static func policyManagementReference(_ bucket: String) -> ResourceReference {
        ResourceReference(.s3Bucket, member: "Bucket", text: bucket, qualifier: S3ResourceAuthority.policyManagement)
    }

    /// `s3:ExistingObjectTag/<key>` for the tags of the object a call acts on.
    /// PutObjectTagging's keys: the object's tags, and the tags it sets (those S3 would refuse are not
    /// asked: the handler refuses them).
    static func taggingKeys(_ input: S3API.PutObjectTaggingRequest, _ resolution: Resolution) -> [String: AuthorizationCheck.Value] {
        var keys = Self.existingObjectTagKeys(resolution)
        if let tags = try? TagSet.validated(input.tagging.tagSet, for: .object) {
            keys.merge(TagSet.requestObjectTagKeys(tags)) { _, request in request }
        }
        return keys
    }

    static func existingObjectTagKeys(_ resolution: Resolution) -> [String: AuthorizationCheck.Value] {
        TagSet.existingObjectTagKeys(resolution["Key"]?.entity(as: ResolvedObject.self)?.tags ?? [:])
    }
}
