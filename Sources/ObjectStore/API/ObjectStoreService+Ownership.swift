import AWSWire
import BulwarkCore
import Foundation

/// Object Ownership and the ACL operations of a bucket whose ACLs are disabled (decision 0031):
/// every bucket is `BucketOwnerEnforced`, an ACL reads as the owner's full control, and only an ACL
/// that grants nothing more may be put.
extension ObjectStoreService {
    /// The values the model allows for `ObjectOwnership`.
    static let objectOwnershipValues: Set<String> = ["BucketOwnerPreferred", "ObjectWriter", "BucketOwnerEnforced"]

    func getBucketOwnershipControls(
        _ input: S3API.GetBucketOwnershipControlsRequest, context: CallContext
    ) async throws
        -> S3API.GetBucketOwnershipControlsOutput
    {
        let record = try bucket(context, name: input.bucket, expectedOwner: input.expectedBucketOwner)
        return S3API.GetBucketOwnershipControlsOutput(
            ownershipControls: S3API.OwnershipControls(rules: [S3API.OwnershipControlsRule(objectOwnership: record.objectOwnership)]))
    }

    func putBucketOwnershipControls(_ input: S3API.PutBucketOwnershipControlsRequest, context: CallContext) async throws -> EmptyOutput {
        _ = try bucket(context, name: input.bucket, expectedOwner: input.expectedBucketOwner)
        let rules = input.ownershipControls.rules
        guard rules.count == 1, let ownership = rules.first?.objectOwnership, Self.objectOwnershipValues.contains(ownership) else {
            throw S3Error.malformedXML
        }
        // ACLs are not kept: the settings that enable them are refused rather than stored unenforced.
        guard ownership == Self.bucketOwnerEnforced else { throw S3Error.notImplemented("ObjectOwnership") }
        return EmptyOutput()
    }

    func deleteBucketOwnershipControls(_ input: S3API.DeleteBucketOwnershipControlsRequest, context: CallContext) async throws -> EmptyOutput {
        _ = try bucket(context, name: input.bucket, expectedOwner: input.expectedBucketOwner)
        // A bucket without ownership controls is ObjectWriter (ACLs enabled), which is not built.
        throw S3Error.notImplemented("ObjectOwnership")
    }

    func getBucketAcl(_ input: S3API.GetBucketAclRequest, context: CallContext) async throws -> S3API.GetBucketAclOutput {
        let record = try bucket(context, name: input.bucket, expectedOwner: input.expectedBucketOwner)
        let (owner, grants) = Self.ownerOnlyACL(record.accountID)
        return S3API.GetBucketAclOutput(owner: owner, grants: grants)
    }

    func putBucketAcl(_ input: S3API.PutBucketAclRequest, context: CallContext) async throws -> EmptyOutput {
        let record = try bucket(context, name: input.bucket, expectedOwner: input.expectedBucketOwner)
        try Self.acceptOwnerOnly(
            acl: input.acl, policy: input.accessControlPolicy, owner: record.accountID,
            grants: [input.grantFullControl, input.grantRead, input.grantReadACP, input.grantWrite, input.grantWriteACP])
        return EmptyOutput()
    }

    func getObjectAcl(_ input: S3API.GetObjectAclRequest, context: CallContext) async throws -> S3API.GetObjectAclOutput {
        // A version's ACL (s3:GetObjectVersionAcl, s3:PutObjectVersionAcl) is not served, `null` included:
        // the key's null version need not be its current object (decision 0034).
        if input.versionId != nil { throw S3Error.notImplemented("versionId") }
        _ = try object(context, bucket: input.bucket, key: input.key, expectedOwner: input.expectedBucketOwner)
        // Under BucketOwnerEnforced the bucket owner owns every object.
        let owner = context.resolution["Bucket"]?.accountID ?? context.accountID
        let (ownerShape, grants) = Self.ownerOnlyACL(owner)
        return S3API.GetObjectAclOutput(owner: ownerShape, grants: grants)
    }

    func putObjectAcl(_ input: S3API.PutObjectAclRequest, context: CallContext) async throws -> S3API.PutObjectAclOutput {
        // A version's ACL (s3:GetObjectVersionAcl, s3:PutObjectVersionAcl) is not served, `null` included:
        // the key's null version need not be its current object (decision 0034).
        if input.versionId != nil { throw S3Error.notImplemented("versionId") }
        _ = try object(context, bucket: input.bucket, key: input.key, expectedOwner: input.expectedBucketOwner)
        let owner = context.resolution["Bucket"]?.accountID ?? context.accountID
        try Self.acceptOwnerOnly(
            acl: input.acl, policy: input.accessControlPolicy, owner: owner,
            grants: [input.grantFullControl, input.grantRead, input.grantReadACP, input.grantWrite, input.grantWriteACP])
        return S3API.PutObjectAclOutput()
    }

    /// The ACL S3 answers for a bucket or object whose ACLs are disabled: the owner's full control.
    static func ownerOnlyACL(_ accountID: String) -> (S3API.Owner, [S3API.Grant]) {
        let id = canonicalID(accountID)
        return (S3API.Owner(id: id), [S3API.Grant(grantee: S3API.Grantee(id: id, type: "CanonicalUser"), permission: "FULL_CONTROL")])
    }

    /// Accepts an ACL that grants nothing beyond the owner's full control (an owner-only canned ACL, or
    /// that grant alone in XML); anything else is AccessControlListNotSupported, as S3 answers it.
    static func acceptOwnerOnly(acl: String?, policy: S3API.AccessControlPolicy?, owner: String, grants: [String?]) throws {
        guard !grants.contains(where: { $0 != nil }) else { throw S3Error.accessControlListNotSupported }
        switch (acl, policy) {
        case (let acl?, nil):
            guard ownerOnlyACLs.contains(acl) else { throw S3Error.accessControlListNotSupported }
        case (nil, let policy?):
            let id = canonicalID(owner)
            let onlyOwner =
                policy.grants?.count == 1
                && policy.grants?.first.map { $0.permission == "FULL_CONTROL" && $0.grantee?.type == "CanonicalUser" && $0.grantee?.id == id }
                    == true
            guard onlyOwner, policy.owner?.id == nil || policy.owner?.id == id else { throw S3Error.accessControlListNotSupported }
        case (nil, nil):
            throw S3Error.malformedACL
        case (.some, .some):
            throw S3Error.unexpectedACLContent
        }
    }
}
