import AWSWire
import BulwarkCore
import Foundation
import Store

extension ObjectStoreService {
    /// The object ownership of every bucket of this slice: ACLs disabled, as AWS creates buckets since April 2023.
    static let bucketOwnerEnforced = "BucketOwnerEnforced"

    /// The canned ACLs a BucketOwnerEnforced bucket accepts: they grant nothing beyond the owner's access.
    static let ownerOnlyACLs: Set<String> = ["private", "bucket-owner-full-control"]

    func createBucket(_ input: S3API.CreateBucketRequest, context: CallContext) async throws -> S3API.CreateBucketOutput {
        if let ownership = input.objectOwnership, ownership != Self.bucketOwnerEnforced {
            throw S3Error.notImplemented("x-amz-object-ownership")
        }
        if let acl = input.acl, !Self.ownerOnlyACLs.contains(acl) { throw S3Error.bucketAclWithObjectOwnership }
        if [input.grantFullControl, input.grantRead, input.grantReadACP, input.grantWrite, input.grantWriteACP].contains(where: { $0 != nil }) {
            throw S3Error.bucketAclWithObjectOwnership
        }
        if input.objectLockEnabledForBucket == true { throw S3Error.notImplemented("x-amz-bucket-object-lock-enabled") }
        if let configuration = input.createBucketConfiguration, configuration.location != nil || configuration.bucket != nil {
            throw S3Error.notImplemented("CreateBucketConfiguration")
        }
        let constraint = input.createBucketConfiguration?.locationConstraint.flatMap { $0.isEmpty ? nil : $0 }
        let region: String
        switch constraint {
        case nil:
            guard context.region == "us-east-1" else { throw S3Error.illegalLocationConstraint(nil, region: context.region) }
            region = "us-east-1"
        case "us-east-1"?:
            // AWS refuses naming us-east-1 explicitly.
            throw S3Error.invalidLocationConstraint("us-east-1")
        case let given?:
            guard Self.isRegionName(given) || given == "EU" else { throw S3Error.invalidLocationConstraint(given) }
            let named = given == "EU" ? "eu-west-1" : given
            guard named == context.region else { throw S3Error.illegalLocationConstraint(given, region: context.region) }
            region = named
        }
        guard let resolved = context.resolution["Bucket"] else { throw AWSError.undeclaredReference(.s3Bucket, requestID: context.requestID) }
        if resolved.exists { throw Self.existing(resolved.entity(as: ResolvedBucket.self)!.record, name: input.bucket, context: context) }
        let record = BucketRecord(
            name: input.bucket, accountID: context.accountID, region: region, createdAt: context.receivedAt, objectOwnership: Self.bucketOwnerEnforced
        )
        if let existing = try await repository.createBucket(record) { throw Self.existing(existing, name: input.bucket, context: context) }
        return S3API.CreateBucketOutput(location: "/\(input.bucket)", bucketArn: nil)
    }

    /// S3's answer to creating a bucket whose name is taken: the caller's own, or another account's.
    private static func existing(_ record: BucketRecord, name: String, context: CallContext) -> AWSError {
        record.accountID == context.accountID ? S3Error.bucketAlreadyOwnedByYou(name) : S3Error.bucketAlreadyExists(name)
    }

    func deleteBucket(_ input: S3API.DeleteBucketRequest, context: CallContext) async throws -> EmptyOutput {
        _ = try bucket(context, name: input.bucket, expectedOwner: input.expectedBucketOwner)
        do {
            // Uploads in progress go with the bucket; their parts' files after the commit.
            for file in try await repository.deleteBucket(input.bucket) { bodies.remove(objectID: file) }
        } catch StoreError.conflict {
            throw S3Error.bucketNotEmpty(input.bucket)
        } catch StoreError.notFound {
            throw S3Error.noSuchBucket(input.bucket)
        }
        return EmptyOutput()
    }

    func headBucket(_ input: S3API.HeadBucketRequest, context: CallContext) async throws -> S3API.HeadBucketOutput {
        let record = try bucket(context, name: input.bucket, expectedOwner: input.expectedBucketOwner)
        return S3API.HeadBucketOutput(bucketRegion: record.region, accessPointAlias: false)
    }

    func listBuckets(_ input: S3API.ListBucketsRequest, context: CallContext) async throws -> S3API.ListBucketsOutput {
        if input.maxBuckets != nil || input.continuationToken != nil { throw S3Error.notImplemented("max-buckets") }
        let buckets = try await repository.buckets(accountID: context.accountID).filter { bucket in
            (input.prefix.map(bucket.name.hasPrefix) ?? true) && (input.bucketRegion.map { $0 == bucket.region } ?? true)
        }
        return S3API.ListBucketsOutput(
            buckets: buckets.map { S3API.Bucket(name: $0.name, creationDate: $0.createdAt, bucketRegion: $0.region) },
            owner: S3API.Owner(id: Self.canonicalID(context.accountID)),
            prefix: input.prefix
        )
    }

    func getBucketLocation(_ input: S3API.GetBucketLocationRequest, context: CallContext) async throws -> S3API.GetBucketLocationOutput {
        let record = try bucket(context, name: input.bucket, expectedOwner: input.expectedBucketOwner)
        return S3API.GetBucketLocationOutput(locationConstraint: record.region == "us-east-1" ? nil : record.region)
    }

    /// The bucket the resolve stage found for the call, owned by `expectedOwner` when the call names one
    /// (`x-amz-expected-bucket-owner`). - Throws: NoSuchBucket; AccessDenied for another owner.
    func bucket(_ context: CallContext, name: String, expectedOwner: String?) throws -> BucketRecord {
        guard let resolved = context.resolution["Bucket"] else { throw AWSError.undeclaredReference(.s3Bucket, requestID: context.requestID) }
        guard let bucket = resolved.entity(as: ResolvedBucket.self) else { throw S3Error.noSuchBucket(name) }
        if let expectedOwner, expectedOwner != bucket.record.accountID { throw S3Error.accessDenied }
        return bucket.record
    }

    static func isRegionName(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard (3...4).contains(parts.count), parts.allSatisfy({ !$0.isEmpty }), parts[0].count == 2,
            parts.dropLast().allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isLowercase } }), let last = parts.last, last.allSatisfy(\.isNumber)
        else { return false }
        return true
    }
}
