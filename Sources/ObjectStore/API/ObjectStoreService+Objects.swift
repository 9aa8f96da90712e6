import AWSWire
import BulwarkCore
import Crypto
import Foundation
import Store

extension ObjectStoreService {
    func putObject(_ input: S3API.PutObjectRequest, context: CallContext) async throws -> S3API.PutObjectOutput {
        let bucket = try bucket(context, name: input.bucket, expectedOwner: input.expectedBucketOwner)
        if let acl = input.acl, !Self.ownerOnlyACLs.contains(acl) { throw S3Error.accessControlListNotSupported }
        if [input.grantFullControl, input.grantRead, input.grantReadACP, input.grantWriteACP].contains(where: { $0 != nil }) {
            throw S3Error.accessControlListNotSupported
        }
        try Self.refuseUnbuilt(input)
        let tags = try input.tagging.map(TagSet.parseHeader) ?? [:]
        let condition = try Self.writeCondition(ifMatch: input.ifMatch, ifNoneMatch: input.ifNoneMatch)
        let body = input.body ?? Data()
        // Content-MD5 and the x-amz-checksum-* claim were checked against this body before any
        // operation saw it (the pipeline's payload step): the claim is stored as it is.
        let md5 = Data(Insecure.MD5.hash(data: body))
        let checksum = Self.claimedChecksum(input) ?? ChecksumHasher.checksum(Self.defaultChecksum, of: body)
        let stored = try bodies.write(body)
        let object = ObjectRecord(
            bucket: bucket.name, key: input.key, objectID: stored.objectID, size: Int64(body.count),
            etag: "\"" + md5.map { String(format: "%02x", $0) }.joined() + "\"", lastModified: context.receivedAt,
            headers: .init(
                contentType: input.contentType ?? "binary/octet-stream", contentEncoding: input.contentEncoding,
                contentDisposition: input.contentDisposition, contentLanguage: input.contentLanguage, cacheControl: input.cacheControl,
                expires: input.expires),
            metadata: input.metadata ?? [:], checksums: [checksum.algorithm.rawValue: checksum.base64], wrappedKey: stored.wrappedKey)
        let written: ObjectStoreRepository.Written
        do {
            written = try await repository.putObject(object, in: bucket, condition: condition, tags: tags)
        } catch {
            // Nothing names the new body: it goes, whatever refused the row.
            bodies.remove(objectID: stored.objectID)
            throw Self.writeFailure(error, bucket: input.bucket, key: input.key)
        }
        // The `null` version this one replaced, where the bucket keeps no versions.
        if let removed = written.removed { bodies.remove(removed) }
        await notify([.created("Put", written)], context: context)
        var output = S3API.PutObjectOutput(eTag: object.etag, serverSideEncryption: "AES256", size: object.size)
        output.versionId = Self.versionHeader(written)
        let checksums = StoredChecksums(object)
        output.checksumCRC32 = checksums.crc32
        output.checksumCRC32C = checksums.crc32c
        output.checksumCRC64NVME = checksums.crc64nvme
        output.checksumSHA1 = checksums.sha1
        output.checksumSHA256 = checksums.sha256
        output.checksumType = checksums.type
        return output
    }

    /// S3's answer to a write of an object the store refused: its condition did not hold, or the
    /// bucket it was judged on is gone.
    static func writeFailure(_ error: any Error, bucket: String, key: String) -> any Error {
        switch error {
        case let refusal as ObjectStoreRepository.WriteRefusal: refusedWrite(refusal, key: key)
        case StoreError.notFound: S3Error.noSuchBucket(bucket)
        default: error
        }
    }

    /// S3's answer to a write whose `If-None-Match` or `If-Match` did not hold.
    static func refusedWrite(_ refusal: ObjectStoreRepository.WriteRefusal, key: String) -> AWSError {
        switch refusal {
        case .exists: S3Error.preconditionFailed("If-None-Match")
        case .mismatch: S3Error.preconditionFailed("If-Match")
        case .missing: S3Error.noSuchKey(key)
        }
    }

    /// The checksum S3 computes and keeps for an object uploaded without one.
    static let defaultChecksum = ChecksumAlgorithm.crc64nvme

    /// The `x-amz-checksum-*` value the request carried (at most one: the payload step refuses more).
    static func claimedChecksum(_ input: S3API.PutObjectRequest) -> ChecksumValue? {
        let claims: [(ChecksumAlgorithm, String?)] = [
            (.crc32, input.checksumCRC32), (.crc32c, input.checksumCRC32C), (.crc64nvme, input.checksumCRC64NVME),
            (.sha1, input.checksumSHA1), (.sha256, input.checksumSHA256),
        ]
        for case (let algorithm, let value?) in claims {
            if let checksum = ChecksumValue(algorithm: algorithm, base64: value) { return checksum }
        }
        return nil
    }

    /// Refuses what this slice does not store rather than dropping it silently (decision 0024).
    static func refuseUnbuilt(_ input: S3API.PutObjectRequest) throws {
        let unbuilt: [(String, Bool)] = [
            ("x-amz-website-redirect-location", input.websiteRedirectLocation != nil),
            ("x-amz-object-lock-mode", input.objectLockMode != nil),
            ("x-amz-object-lock-retain-until-date", input.objectLockRetainUntilDate != nil),
            ("x-amz-object-lock-legal-hold", input.objectLockLegalHoldStatus != nil),
            ("x-amz-server-side-encryption-customer-algorithm", input.sseCustomerAlgorithm != nil),
            // The key and its MD5 without the algorithm header are SSE-C too, not a header to drop.
            ("x-amz-server-side-encryption-customer-key", input.sseCustomerKey != nil),
            ("x-amz-server-side-encryption-customer-key-MD5", input.sseCustomerKeyMD5 != nil),
            ("x-amz-server-side-encryption-aws-kms-key-id", input.ssekmsKeyId != nil),
            ("x-amz-server-side-encryption-context", input.ssekmsEncryptionContext != nil),
            ("x-amz-server-side-encryption-bucket-key-enabled", input.bucketKeyEnabled != nil),
            ("x-amz-write-offset-bytes", input.writeOffsetBytes != nil),
            // Checksums the payload step neither verifies nor this slice stores.
            ("x-amz-checksum-sha512", input.checksumSHA512 != nil), ("x-amz-checksum-md5", input.checksumMD5 != nil),
            ("x-amz-checksum-xxhash64", input.checksumXXHASH64 != nil), ("x-amz-checksum-xxhash3", input.checksumXXHASH3 != nil),
            ("x-amz-checksum-xxhash128", input.checksumXXHASH128 != nil),
        ]
        if let (header, _) = unbuilt.first(where: \.1) { throw S3Error.notImplemented(header) }
        if let encryption = input.serverSideEncryption, encryption != "AES256" {
            throw S3Error.notImplemented("x-amz-server-side-encryption")
        }
        if let storageClass = input.storageClass, storageClass != "STANDARD" { throw S3Error.notImplemented("x-amz-storage-class") }
    }

    /// S3's conditional writes: `If-None-Match: *` (no object yet) and `If-Match: <etag>`.
    static func writeCondition(ifMatch: String?, ifNoneMatch: String?) throws -> ObjectStoreRepository.WriteCondition {
        if let ifNoneMatch {
            guard ifNoneMatch.trimmingCharacters(in: .whitespaces) == "*" else { throw S3Error.notImplemented("If-None-Match") }
            guard ifMatch == nil else { throw S3Error.notImplemented("If-Match") }
            return .absent
        }
        if let ifMatch {
            return .matching(ifMatch.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: ["\""]))
        }
        return .none
    }

    func getObject(_ input: S3API.GetObjectRequest, context: CallContext) async throws -> S3API.GetObjectOutput {
        let object = try object(
            context, bucket: input.bucket, key: input.key, versionID: input.versionId, method: "GET", expectedOwner: input.expectedBucketOwner)
        if input.sseCustomerAlgorithm != nil { throw S3Error.notImplemented("x-amz-server-side-encryption-customer-algorithm") }
        try ReadConditions(
            ifMatch: input.ifMatch, ifNoneMatch: input.ifNoneMatch, ifModifiedSince: input.ifModifiedSince,
            ifUnmodifiedSince: input.ifUnmodifiedSince
        ).check(etag: object.etag, lastModified: object.lastModified)
        let range = try Self.readRange(object, header: input.range, partNumber: input.partNumber)
        var output = S3API.GetObjectOutput(
            acceptRanges: "bytes", lastModified: object.lastModified, contentLength: object.size, eTag: object.etag,
            cacheControl: input.responseCacheControl ?? object.headers.cacheControl,
            contentDisposition: input.responseContentDisposition ?? object.headers.contentDisposition,
            contentEncoding: input.responseContentEncoding ?? object.headers.contentEncoding,
            contentLanguage: input.responseContentLanguage ?? object.headers.contentLanguage,
            contentType: input.responseContentType ?? object.headers.contentType,
            expires: input.responseExpires.map { AWSTimestamp.rfc7231($0) } ?? object.headers.expires,
            serverSideEncryption: "AES256", metadata: object.metadata.isEmpty ? nil : object.metadata)
        if input.partNumber != nil, !object.parts.isEmpty { output.partsCount = object.parts.count }
        output.tagCount = Self.tagCount(context)
        output.versionId = Self.versionHeader(object, in: context.resolution["Bucket"]?.entity(as: ResolvedBucket.self))
        if case .partial(let lower, let upper) = range {
            output.body = try readBody(object, range: (lower, upper))
            output.contentLength = upper - lower + 1
            output.contentRange = "bytes \(lower)-\(upper)/\(object.size)"
        } else {
            output.body = try readBody(object)
            // A whole object's checksum, when asked for; a range has none to check against.
            if input.checksumMode == "ENABLED" {
                let checksums = StoredChecksums(object)
                output.checksumCRC32 = checksums.crc32
                output.checksumCRC32C = checksums.crc32c
                output.checksumCRC64NVME = checksums.crc64nvme
                output.checksumSHA1 = checksums.sha1
                output.checksumSHA256 = checksums.sha256
                output.checksumType = checksums.type
            }
        }
        return output
    }

    func headObject(_ input: S3API.HeadObjectRequest, context: CallContext) async throws -> S3API.HeadObjectOutput {
        let object = try object(
            context, bucket: input.bucket, key: input.key, versionID: input.versionId, method: "HEAD", expectedOwner: input.expectedBucketOwner)
        try ReadConditions(
            ifMatch: input.ifMatch, ifNoneMatch: input.ifNoneMatch, ifModifiedSince: input.ifModifiedSince,
            ifUnmodifiedSince: input.ifUnmodifiedSince
        ).check(etag: object.etag, lastModified: object.lastModified)
        let range = try Self.readRange(object, header: input.range, partNumber: input.partNumber)
        var output = S3API.HeadObjectOutput(
            acceptRanges: "bytes", lastModified: object.lastModified, contentLength: object.size, eTag: object.etag,
            cacheControl: input.responseCacheControl ?? object.headers.cacheControl,
            contentDisposition: input.responseContentDisposition ?? object.headers.contentDisposition,
            contentEncoding: input.responseContentEncoding ?? object.headers.contentEncoding,
            contentLanguage: input.responseContentLanguage ?? object.headers.contentLanguage,
            contentType: input.responseContentType ?? object.headers.contentType,
            expires: input.responseExpires.map { AWSTimestamp.rfc7231($0) } ?? object.headers.expires,
            serverSideEncryption: "AES256", metadata: object.metadata.isEmpty ? nil : object.metadata)
        if input.partNumber != nil, !object.parts.isEmpty { output.partsCount = object.parts.count }
        output.tagCount = Self.tagCount(context)
        output.versionId = Self.versionHeader(object, in: context.resolution["Bucket"]?.entity(as: ResolvedBucket.self))
        if case .partial(let lower, let upper) = range {
            output.contentLength = upper - lower + 1
            output.contentRange = "bytes \(lower)-\(upper)/\(object.size)"
        } else if input.checksumMode == "ENABLED" {
            let checksums = StoredChecksums(object)
            output.checksumCRC32 = checksums.crc32
            output.checksumCRC32C = checksums.crc32c
            output.checksumCRC64NVME = checksums.crc64nvme
            output.checksumSHA1 = checksums.sha1
            output.checksumSHA256 = checksums.sha256
            output.checksumType = checksums.type
        }
        return output
    }

    func deleteObject(_ input: S3API.DeleteObjectRequest, context: CallContext) async throws -> S3API.DeleteObjectOutput {
        let bucket = try bucket(context, name: input.bucket, expectedOwner: input.expectedBucketOwner)
        if input.ifMatch != nil { throw S3Error.notImplemented("If-Match") }
        if input.ifMatchLastModifiedTime != nil { throw S3Error.notImplemented("x-amz-if-match-last-modified-time") }
        if input.ifMatchSize != nil { throw S3Error.notImplemented("x-amz-if-match-size") }
        // Deleting a key without an object, or a version that is not there, succeeds, as S3 answers it.
        let deletions = try await repository.delete(bucket: bucket.name, entries: [(input.key, input.versionId)], at: context.receivedAt)
        for case let removed? in deletions.map(\.removed) { bodies.remove(removed) }
        await notify(deletions.compactMap { ObjectEvent.removed($0, namedVersion: input.versionId) }, context: context)
        guard let deletion = deletions.first else { return S3API.DeleteObjectOutput() }
        return S3API.DeleteObjectOutput(deleteMarker: deletion.isDeleteMarker ? true : nil, versionId: deletion.versionID)
    }

    func deleteObjects(_ input: S3API.DeleteObjectsRequest, context: CallContext) async throws -> S3API.DeleteObjectsOutput {
        _ = try bucket(context, name: input.bucket, expectedOwner: input.expectedBucketOwner)
        // 1 to 1000 entries: checked with the references, before anything was authorized.
        let entries = input.delete.objects
        var errors: [S3API.Error] = []
        var allowed: [(key: String, versionID: String?)] = []
        for entry in entries {
            if let versionID = entry.versionId, !VersionID.isWellFormed(versionID) {
                errors.append(S3API.Error(key: entry.key, versionId: versionID, code: "InvalidArgument", message: "Invalid version id specified"))
            } else if context.refusal(
                of: entry.versionId == nil ? "s3:DeleteObject" : "s3:DeleteObjectVersion", on: Self.objectARN(input.bucket, entry.key))
                != nil
            {
                errors.append(S3API.Error(key: entry.key, versionId: entry.versionId, code: "AccessDenied", message: "Access Denied"))
            } else {
                allowed.append((entry.key, entry.versionId))
            }
        }
        let deletions = try await repository.delete(bucket: input.bucket, entries: allowed, at: context.receivedAt)
        for case let removed? in deletions.map(\.removed) { bodies.remove(removed) }
        await notify(zip(allowed, deletions).compactMap { ObjectEvent.removed($1, namedVersion: $0.versionID) }, context: context)
        // A delete marker created answers DeleteMarker and its id as DeleteMarkerVersionId; a version
        // removed answers its id (and DeleteMarker when it was a marker).
        let deleted =
            input.delete.quiet == true
            ? []
            : zip(allowed, deletions).map { entry, deletion in
                entry.versionID == nil
                    ? S3API.DeletedObject(
                        key: entry.key, deleteMarker: deletion.isDeleteMarker ? true : nil,
                        deleteMarkerVersionId: deletion.isDeleteMarker ? deletion.versionID : nil)
                    : S3API.DeletedObject(
                        key: entry.key, versionId: entry.versionID, deleteMarker: deletion.isDeleteMarker ? true : nil,
                        deleteMarkerVersionId: deletion.isDeleteMarker ? entry.versionID : nil)
            }
        return S3API.DeleteObjectsOutput(deleted: deleted.isEmpty ? nil : deleted, errors: errors.isEmpty ? nil : errors)
    }

    /// The object the resolve stage found for the call: the version `versionID` names, else the
    /// key's current object. - Throws: NoSuchBucket, NoSuchKey (with the delete marker's headers when
    /// one hides the key), NoSuchVersion, MethodNotAllowed for a delete marker's version.
    func object(
        _ context: CallContext, bucket: String, key: String, versionID: String? = nil, method: String = "GET", expectedOwner: String?
    ) throws -> ObjectRecord {
        _ = try self.bucket(context, name: bucket, expectedOwner: expectedOwner)
        guard let resolved = context.resolution["Key"] else { throw AWSError.undeclaredReference(.s3Object, requestID: context.requestID) }
        if let marker = resolved.entity(as: ResolvedDeleteMarker.self)?.marker {
            if versionID != nil { throw S3Error.methodNotAllowed(method, onDeleteMarker: marker) }
            throw S3Error.noSuchKey(key, hiddenBy: marker)
        }
        guard let object = resolved.entity(as: ResolvedObject.self) else {
            if let versionID { throw S3Error.noSuchVersion(key: key, versionID: versionID) }
            throw S3Error.noSuchKey(key)
        }
        return object.object
    }

    /// The bytes a read asks for: a `Range`, or the part `partNumber` of a multipart object (the
    /// whole body is part 1 of an object uploaded whole). - Throws: InvalidRange, InvalidPartNumber,
    /// InvalidRequest for both at once.
    static func readRange(_ object: ObjectRecord, header: String?, partNumber: Int?) throws -> ByteRange {
        guard let partNumber else {
            let range = ByteRange(header: header, size: object.size)
            if range == .unsatisfiable { throw S3Error.invalidRange(header ?? "", size: object.size) }
            return range
        }
        if header != nil { throw S3Error.invalidRequest("Cannot specify both Range header and partNumber query parameter") }
        guard partNumber >= 1, partNumber <= MultipartAssembly.maxPartNumber else {
            throw S3Error.invalidArgument(
                "Part number must be an integer between 1 and 10000, inclusive", name: "partNumber", value: String(partNumber))
        }
        let sizes = object.parts.isEmpty ? [object.size] : object.parts.map(\.size)
        guard partNumber <= sizes.count else { throw S3Error.invalidPartNumber(partNumber, count: sizes.count) }
        let lower = sizes.prefix(partNumber - 1).reduce(0, +)
        guard sizes[partNumber - 1] > 0 else { return .whole }
        return .partial(lower: lower, upper: lower + sizes[partNumber - 1] - 1)
    }

    private func readBody(_ object: ObjectRecord, range: (lower: Int64, upper: Int64)? = nil) throws -> Data {
        do {
            return try bodies.read(object, range: range)
        } catch {
            throw S3Error.internalError("")
        }
    }
}
