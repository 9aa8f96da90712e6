import AWSWire
import BulwarkCore
import Foundation
import IAM
import Store

/// Bucket policies and Block Public Access (decision 0031).
extension ObjectStoreService {
    func putBucketPolicy(_ input: S3API.PutBucketPolicyRequest, context: CallContext) async throws -> EmptyOutput {
        let bucket = try ownedBucket(context, name: input.bucket, expectedOwner: input.expectedBucketOwner)
        let document = try BucketPolicyValidator(bucket: bucket.record.name).validate(input.policy)
        let principals: PrincipalBindings
        do {
            principals = try await database.iam.principalBindings(of: document, accountID: bucket.record.accountID)
        } catch IAMStoreError.invalidPrincipal {
            throw S3Error.malformedPolicy(BucketPolicyValidator.invalidPrincipal)
        }
        let isPublic = PublicPolicyCheck.s3.isPublic(document)
        let policy = input.policy
        let caller = context.principal.arn
        try await changeControls(bucket.record) { controls in
            // Judged on the settings as stored now, in the write's transaction.
            if isPublic, controls.publicAccessBlock?.blockPublicPolicy == true {
                throw S3Error.publicPolicyBlocked(principalARN: caller, bucket: input.bucket)
            }
            controls.policy = policy
            controls.policyPrincipals = principals.ids
        }
        return EmptyOutput()
    }

    func getBucketPolicy(_ input: S3API.GetBucketPolicyRequest, context: CallContext) async throws -> S3API.GetBucketPolicyOutput {
        let bucket = try ownedBucket(context, name: input.bucket, expectedOwner: input.expectedBucketOwner)
        guard let policy = bucket.controls.policy else { throw S3Error.noSuchBucketPolicy(input.bucket) }
        return S3API.GetBucketPolicyOutput(policy: policy)
    }

    func deleteBucketPolicy(_ input: S3API.DeleteBucketPolicyRequest, context: CallContext) async throws -> EmptyOutput {
        let bucket = try ownedBucket(context, name: input.bucket, expectedOwner: input.expectedBucketOwner)
        // Deleting a policy that is not there succeeds, as S3 answers it.
        try await changeControls(bucket.record) { controls in
            controls.policy = nil
            controls.policyPrincipals = nil
        }
        return EmptyOutput()
    }

    func getBucketPolicyStatus(
        _ input: S3API.GetBucketPolicyStatusRequest, context: CallContext
    ) async throws
        -> S3API.GetBucketPolicyStatusOutput
    {
        let bucket = try resolvedBucket(context, name: input.bucket, expectedOwner: input.expectedBucketOwner)
        guard bucket.controls.policy != nil else { throw S3Error.noSuchBucketPolicy(input.bucket) }
        return S3API.GetBucketPolicyStatusOutput(policyStatus: S3API.PolicyStatus(isPublic: bucket.policyIsPublic))
    }

    func putPublicAccessBlock(_ input: S3API.PutPublicAccessBlockRequest, context: CallContext) async throws -> EmptyOutput {
        let bucket = try resolvedBucket(context, name: input.bucket, expectedOwner: input.expectedBucketOwner)
        // A setting left out is false, as S3 reads the document.
        let given = input.publicAccessBlockConfiguration
        let block = PublicAccessBlock(
            blockPublicAcls: given.blockPublicAcls ?? false, ignorePublicAcls: given.ignorePublicAcls ?? false,
            blockPublicPolicy: given.blockPublicPolicy ?? false, restrictPublicBuckets: given.restrictPublicBuckets ?? false)
        try await changeControls(bucket.record) { $0.publicAccessBlock = block }
        return EmptyOutput()
    }

    func getPublicAccessBlock(_ input: S3API.GetPublicAccessBlockRequest, context: CallContext) async throws -> S3API.GetPublicAccessBlockOutput {
        let bucket = try resolvedBucket(context, name: input.bucket, expectedOwner: input.expectedBucketOwner)
        guard let block = bucket.controls.publicAccessBlock else { throw S3Error.noSuchPublicAccessBlockConfiguration(input.bucket) }
        return S3API.GetPublicAccessBlockOutput(
            publicAccessBlockConfiguration: S3API.PublicAccessBlockConfiguration(
                blockPublicAcls: block.blockPublicAcls, ignorePublicAcls: block.ignorePublicAcls, blockPublicPolicy: block.blockPublicPolicy,
                restrictPublicBuckets: block.restrictPublicBuckets))
    }

    func deletePublicAccessBlock(_ input: S3API.DeletePublicAccessBlockRequest, context: CallContext) async throws -> EmptyOutput {
        let bucket = try resolvedBucket(context, name: input.bucket, expectedOwner: input.expectedBucketOwner)
        try await changeControls(bucket.record) { $0.publicAccessBlock = nil }
        return EmptyOutput()
    }

    /// The bucket the resolve stage found, with its controls. - Throws: NoSuchBucket; AccessDenied
    /// for another owner than `x-amz-expected-bucket-owner`.
    func resolvedBucket(_ context: CallContext, name: String, expectedOwner: String?) throws -> ResolvedBucket {
        _ = try bucket(context, name: name, expectedOwner: expectedOwner)
        return context.resolution["Bucket"]!.entity(as: ResolvedBucket.self)!
    }

    /// ``resolvedBucket(_:name:expectedOwner:)`` for the operations only the bucket owner's account
    /// may call (its policy): another account is answered 405, as S3 answers it.
    func ownedBucket(_ context: CallContext, name: String, expectedOwner: String?) throws -> ResolvedBucket {
        let bucket = try resolvedBucket(context, name: name, expectedOwner: expectedOwner)
        guard bucket.record.accountID == context.accountID else { throw S3Error.methodNotAllowed }
        return bucket
    }

    /// Changes a bucket's controls as stored now. - Throws: NoSuchBucket when it is gone.
    @discardableResult
    func changeControls(
        _ bucket: BucketRecord, _ change: @escaping @Sendable (inout BucketControls) throws -> Void
    ) async throws
        -> BucketControls
    {
        do {
            return try await repository.changeControls(of: bucket, change)
        } catch StoreError.notFound {
            throw S3Error.noSuchBucket(bucket.name)
        }
    }
}
