import AWSWire
import BulwarkCore
import Crypto
import Foundation
import Store

/// CopyObject, and the source both copies read (UploadPartCopy's too): the object the resolve stage
/// found for `x-amz-copy-source`, on which `s3:GetObject` was judged, under its own conditions.
extension ObjectStoreService {
    func copyObject(_ input: S3API.CopyObjectRequest, context: CallContext) async throws -> S3API.CopyObjectOutput {
        let bucket = try bucket(context, name: input.bucket, expectedOwner: input.expectedBucketOwner)
        if let acl = input.acl, !Self.ownerOnlyACLs.contains(acl) { throw S3Error.accessControlListNotSupported }
        if [input.grantFullControl, input.grantRead, input.grantReadACP, input.grantWriteACP].contains(where: { $0 != nil }) {
            throw S3Error.accessControlListNotSupported
        }
        let unbuilt: [(String, Bool)] = [
            ("x-amz-website-redirect-location", input.websiteRedirectLocation != nil),
            ("x-amz-object-lock-mode", input.objectLockMode != nil),
            ("x-amz-object-lock-retain-until-date", input.objectLockRetainUntilDate != nil),
            ("x-amz-object-lock-legal-hold", input.objectLockLegalHoldStatus != nil),
            ("x-amz-server-side-encryption-customer-algorithm", input.sseCustomerAlgorithm != nil),
            ("x-amz-server-side-encryption-customer-key", input.sseCustomerKey != nil),
            ("x-amz-server-side-encryption-customer-key-MD5", input.sseCustomerKeyMD5 != nil),
            ("x-amz-copy-source-server-side-encryption-customer-algorithm", input.copySourceSSECustomerAlgorithm != nil),
            ("x-amz-copy-source-server-side-encryption-customer-key", input.copySourceSSECustomerKey != nil),
            ("x-amz-copy-source-server-side-encryption-customer-key-MD5", input.copySourceSSECustomerKeyMD5 != nil),
            ("x-amz-server-side-encryption-aws-kms-key-id", input.ssekmsKeyId != nil),
            ("x-amz-server-side-encryption-context", input.ssekmsEncryptionContext != nil),
            ("x-amz-server-side-encryption-bucket-key-enabled", input.bucketKeyEnabled != nil),
        ]
        if let (header, _) = unbuilt.first(where: \.1) { throw S3Error.notImplemented(header) }
        if let encryption = input.serverSideEncryption, encryption != "AES256" { throw S3Error.notImplemented("x-amz-server-side-encryption") }
        if let storageClass = input.storageClass, storageClass != "STANDARD" { throw S3Error.notImplemented("x-amz-storage-class") }
        let replacesMetadata = try Self.directive(input.metadataDirective, name: "metadata")
        let replacesTags = try Self.directive(input.taggingDirective, name: "tagging")
        let requestTags = try input.tagging.map(TagSet.parseHeader) ?? [:]
        let algorithm = try input.checksumAlgorithm.map {
            guard let known = ChecksumAlgorithm(name: $0) else { throw S3Error.notImplemented("x-amz-checksum-algorithm") }
            return known
        }
        let condition = try Self.writeCondition(ifMatch: input.ifMatch, ifNoneMatch: input.ifNoneMatch)
        let found = try copySource(
            input.copySource, context: context, expectedOwner: input.expectedSourceBucketOwner,
            conditions: ReadConditions(
                ifMatch: input.copySourceIfMatch, ifNoneMatch: input.copySourceIfNoneMatch,
                ifModifiedSince: input.copySourceIfModifiedSince, ifUnmodifiedSince: input.copySourceIfUnmodifiedSince))
        let source = found.object
        // S3 refuses a copy onto itself that changes nothing (a copy of an older version restores it).
        if source.bucket == bucket.name, source.key == input.key, source.isLatest, !replacesMetadata, algorithm == nil, input.storageClass == nil,
            input.serverSideEncryption == nil
        {
            throw S3Error.invalidRequest(
                "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, "
                    + "storage class, website redirect location or encryption attributes.")
        }
        guard source.size <= Self.maxObjectBytes else {
            throw S3Error.invalidRequest(
                "The specified copy source is larger than the maximum allowable size for a copy source: \(Self.maxObjectBytes)")
        }
        let body: Data
        do {
            body = try bodies.read(source)
        } catch StoreError.notFound {
            throw S3Error.noSuchKey(source.key)
        } catch {
            throw S3Error.internalError(context.requestID)
        }
        let sourceAlgorithm = source.checksums.keys.compactMap(ChecksumAlgorithm.init(rawValue:)).first
        let checksum = ChecksumHasher.checksum(algorithm ?? sourceAlgorithm ?? Self.defaultChecksum, of: body)
        let stored = try bodies.write(body)
        let headers =
            replacesMetadata
            ? ObjectRecord.ContentHeaders(
                contentType: input.contentType ?? "binary/octet-stream", contentEncoding: input.contentEncoding,
                contentDisposition: input.contentDisposition, contentLanguage: input.contentLanguage, cacheControl: input.cacheControl,
                expires: input.expires)
            : source.headers
        let object = ObjectRecord(
            bucket: bucket.name, key: input.key, objectID: stored.objectID, size: Int64(body.count),
            etag: "\"" + Insecure.MD5.hash(data: body).map { String(format: "%02x", $0) }.joined() + "\"",
            lastModified: context.receivedAt, headers: headers, metadata: replacesMetadata ? input.metadata ?? [:] : source.metadata,
            checksums: [checksum.algorithm.rawValue: checksum.base64], wrappedKey: stored.wrappedKey)
        let written: ObjectStoreRepository.Written
        do {
            written = try await repository.putObject(object, in: bucket, condition: condition, tags: replacesTags ? requestTags : found.tags)
        } catch {
            bodies.remove(objectID: stored.objectID)
            throw Self.writeFailure(error, bucket: input.bucket, key: input.key)
        }
        if let removed = written.removed { bodies.remove(removed) }
        await notify([.created("Copy", written)], context: context)
        var result = S3API.CopyObjectResult(eTag: object.etag, lastModified: object.lastModified)
        let checksums = StoredChecksums(object)
        result.checksumCRC32 = checksums.crc32
        result.checksumCRC32C = checksums.crc32c
        result.checksumCRC64NVME = checksums.crc64nvme
        result.checksumSHA1 = checksums.sha1
        result.checksumSHA256 = checksums.sha256
        result.checksumType = checksums.type
        var output = S3API.CopyObjectOutput(copyObjectResult: result, serverSideEncryption: "AES256")
        output.versionId = Self.versionHeader(written)
        output.copySourceVersionId = Self.copySourceVersionHeader(source, named: try CopySource(input.copySource).versionID)
        return output
    }

    /// Whether a `x-amz-metadata-directive` or `x-amz-tagging-directive` says REPLACE (COPY when absent).
    static func directive(_ value: String?, name: String) throws -> Bool {
        switch value {
        case nil, "COPY": false
        case "REPLACE": true
        case let other?: throw S3Error.invalidArgument("Unknown \(name) directive.", name: "x-amz-\(name)-directive", value: other)
        }
    }

    /// The source of a copy as the resolve stage found it, after its `x-amz-copy-source-if-*`
    /// conditions: the version `?versionId=` names, else the key's current object. - Throws:
    /// NoSuchBucket, NoSuchKey, NoSuchVersion, InvalidRequest for a delete marker's version,
    /// PreconditionFailed, AccessDenied for another owner than `x-amz-source-expected-bucket-owner`.
    func copySource(_ header: String, context: CallContext, expectedOwner: String?, conditions: ReadConditions) throws -> ResolvedObject {
        let source = try CopySource(header)
        guard let resolved = context.resolution["CopySource"] else {
            throw AWSError.undeclaredReference(.s3Object, requestID: context.requestID)
        }
        guard let found = resolved.entity(as: ResolvedObject.self) else {
            if context.resolution.resource(.s3Bucket, named: source.bucket)?.exists != true { throw S3Error.noSuchBucket(source.bucket) }
            if let marker = resolved.entity(as: ResolvedDeleteMarker.self)?.marker {
                if source.versionID != nil { throw S3Error.copyFromDeleteMarker }
                throw S3Error.noSuchKey(source.key, hiddenBy: marker)
            }
            if let versionID = source.versionID { throw S3Error.noSuchVersion(key: source.key, versionID: versionID) }
            throw S3Error.noSuchKey(source.key)
        }
        if let expectedOwner, expectedOwner != found.bucket.accountID { throw S3Error.accessDenied }
        do {
            try conditions.check(etag: found.object.etag, lastModified: found.object.lastModified)
        } catch let error as AWSError where error.code == S3Error.notModified.code {
            // A copy has nothing to answer "not modified" with: S3 refuses it.
            throw S3Error.preconditionFailed(
                conditions.ifNoneMatch != nil ? "x-amz-copy-source-If-None-Match" : "x-amz-copy-source-If-Modified-Since")
        }
        return found
    }
}
