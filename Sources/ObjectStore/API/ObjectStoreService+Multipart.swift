import AWSWire
import BulwarkCore
import Crypto
import Foundation
import Store

/// Multipart uploads (decision 0029): parts are bodies of their own, encrypted and flushed like
/// PutObject's; a completed object keeps its parts' files and names them in order.
extension ObjectStoreService {
    func createMultipartUpload(
        _ input: S3API.CreateMultipartUploadRequest, context: CallContext
    ) async throws
        -> S3API.CreateMultipartUploadOutput
    {
        let bucket = try bucket(context, name: input.bucket, expectedOwner: input.expectedBucketOwner)
        if let acl = input.acl, !Self.ownerOnlyACLs.contains(acl) { throw S3Error.accessControlListNotSupported }
        if [input.grantFullControl, input.grantRead, input.grantReadACP, input.grantWriteACP].contains(where: { $0 != nil }) {
            throw S3Error.accessControlListNotSupported
        }
        let unbuilt: [(String, Bool)] = [
            ("x-amz-tagging", input.tagging != nil), ("x-amz-website-redirect-location", input.websiteRedirectLocation != nil),
            ("x-amz-object-lock-mode", input.objectLockMode != nil),
            ("x-amz-object-lock-retain-until-date", input.objectLockRetainUntilDate != nil),
            ("x-amz-object-lock-legal-hold", input.objectLockLegalHoldStatus != nil),
            ("x-amz-server-side-encryption-customer-algorithm", input.sseCustomerAlgorithm != nil),
            ("x-amz-server-side-encryption-customer-key", input.sseCustomerKey != nil),
            ("x-amz-server-side-encryption-customer-key-MD5", input.sseCustomerKeyMD5 != nil),
            ("x-amz-server-side-encryption-aws-kms-key-id", input.ssekmsKeyId != nil),
            ("x-amz-server-side-encryption-context", input.ssekmsEncryptionContext != nil),
            ("x-amz-server-side-encryption-bucket-key-enabled", input.bucketKeyEnabled != nil),
        ]
        if let (header, _) = unbuilt.first(where: \.1) { throw S3Error.notImplemented(header) }
        if let encryption = input.serverSideEncryption, encryption != "AES256" { throw S3Error.notImplemented("x-amz-server-side-encryption") }
        if let storageClass = input.storageClass, storageClass != "STANDARD" { throw S3Error.notImplemented("x-amz-storage-class") }
        var algorithm: ChecksumAlgorithm?
        var type: String?
        if let name = input.checksumAlgorithm {
            guard let known = ChecksumAlgorithm(name: name) else { throw S3Error.notImplemented("x-amz-checksum-algorithm") }
            algorithm = known
            type = try MultipartAssembly.checksumType(input.checksumType, algorithm: known)
        } else if input.checksumType != nil {
            throw S3Error.invalidRequest("The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.")
        }
        let upload = UploadRecord(
            uploadID: Self.newUploadID(), bucket: bucket.name, key: input.key, initiated: context.receivedAt,
            initiatorARN: context.principal.arn,
            headers: .init(
                contentType: input.contentType ?? "binary/octet-stream", contentEncoding: input.contentEncoding,
                contentDisposition: input.contentDisposition, contentLanguage: input.contentLanguage, cacheControl: input.cacheControl,
                expires: input.expires),
            metadata: input.metadata ?? [:], checksumAlgorithm: algorithm?.rawValue, checksumType: type)
        do {
            try await repository.createUpload(upload, in: bucket)
        } catch StoreError.notFound {
            throw S3Error.noSuchBucket(input.bucket)
        }
        return S3API.CreateMultipartUploadOutput(
            bucket: bucket.name, key: input.key, uploadId: upload.uploadID, serverSideEncryption: "AES256",
            checksumAlgorithm: upload.checksumAlgorithm, checksumType: upload.checksumType)
    }

    func uploadPart(_ input: S3API.UploadPartRequest, context: CallContext) async throws -> S3API.UploadPartOutput {
        try Self.checkPartNumber(input.partNumber)
        let upload = try upload(context, bucket: input.bucket, uploadID: input.uploadId, expectedOwner: input.expectedBucketOwner)
        let unbuilt: [(String, Bool)] = [
            ("x-amz-server-side-encryption-customer-algorithm", input.sseCustomerAlgorithm != nil),
            ("x-amz-server-side-encryption-customer-key", input.sseCustomerKey != nil),
            ("x-amz-server-side-encryption-customer-key-MD5", input.sseCustomerKeyMD5 != nil),
            ("x-amz-checksum-sha512", input.checksumSHA512 != nil), ("x-amz-checksum-md5", input.checksumMD5 != nil),
            ("x-amz-checksum-xxhash64", input.checksumXXHASH64 != nil), ("x-amz-checksum-xxhash3", input.checksumXXHASH3 != nil),
            ("x-amz-checksum-xxhash128", input.checksumXXHASH128 != nil),
        ]
        if let (header, _) = unbuilt.first(where: \.1) { throw S3Error.notImplemented(header) }
        let body = input.body ?? Data()
        // The claim was checked against this body by the pipeline's payload step.
        let claimed = Self.claimedChecksum([
            (.crc32, input.checksumCRC32), (.crc32c, input.checksumCRC32C), (.crc64nvme, input.checksumCRC64NVME),
            (.sha1, input.checksumSHA1), (.sha256, input.checksumSHA256),
        ])
        let checksum = try Self.partChecksum(claimed: claimed, upload: upload, of: body)
        let part = try await storePart(body, number: input.partNumber, upload: upload, checksum: checksum, at: context.receivedAt)
        var output = S3API.UploadPartOutput(serverSideEncryption: "AES256", eTag: part.etag)
        Self.setChecksum(
            checksum ?? claimed, crc32: &output.checksumCRC32, crc32c: &output.checksumCRC32C,
            crc64nvme: &output.checksumCRC64NVME, sha1: &output.checksumSHA1, sha256: &output.checksumSHA256)
        return output
    }

    func uploadPartCopy(_ input: S3API.UploadPartCopyRequest, context: CallContext) async throws -> S3API.UploadPartCopyOutput {
        try Self.checkPartNumber(input.partNumber)
        let upload = try upload(context, bucket: input.bucket, uploadID: input.uploadId, expectedOwner: input.expectedBucketOwner)
        let unbuilt: [(String, Bool)] = [
            ("x-amz-server-side-encryption-customer-algorithm", input.sseCustomerAlgorithm != nil),
            ("x-amz-server-side-encryption-customer-key", input.sseCustomerKey != nil),
            ("x-amz-server-side-encryption-customer-key-MD5", input.sseCustomerKeyMD5 != nil),
            ("x-amz-copy-source-server-side-encryption-customer-algorithm", input.copySourceSSECustomerAlgorithm != nil),
            ("x-amz-copy-source-server-side-encryption-customer-key", input.copySourceSSECustomerKey != nil),
            ("x-amz-copy-source-server-side-encryption-customer-key-MD5", input.copySourceSSECustomerKeyMD5 != nil),
        ]
        if let (header, _) = unbuilt.first(where: \.1) { throw S3Error.notImplemented(header) }
        let object = try copySource(
            input.copySource, context: context, expectedOwner: input.expectedSourceBucketOwner,
            conditions: ReadConditions(
                ifMatch: input.copySourceIfMatch, ifNoneMatch: input.copySourceIfNoneMatch,
                ifModifiedSince: input.copySourceIfModifiedSince, ifUnmodifiedSince: input.copySourceIfUnmodifiedSince)
        ).object
        let range = try CopySource.range(input.copySourceRange, size: object.size)
        let copied = range.map { $0.upper - $0.lower + 1 } ?? object.size
        guard copied <= Self.maxObjectBytes else {
            throw S3Error.invalidRequest(
                "The specified copy source is larger than the maximum allowable size for a copy source: \(Self.maxObjectBytes)")
        }
        let body: Data
        do {
            body = try bodies.read(object, range: range)
        } catch {
            throw S3Error.internalError(context.requestID)
        }
        let checksum = try Self.partChecksum(claimed: nil, upload: upload, of: body)
        let part = try await storePart(body, number: input.partNumber, upload: upload, checksum: checksum, at: context.receivedAt)
        var result = S3API.CopyPartResult(eTag: part.etag, lastModified: part.lastModified)
        Self.setChecksum(
            checksum, crc32: &result.checksumCRC32, crc32c: &result.checksumCRC32C,
            crc64nvme: &result.checksumCRC64NVME, sha1: &result.checksumSHA1, sha256: &result.checksumSHA256)
        return S3API.UploadPartCopyOutput(
            copySourceVersionId: Self.copySourceVersionHeader(object, named: try CopySource(input.copySource).versionID),
            copyPartResult: result, serverSideEncryption: "AES256")
    }

    func completeMultipartUpload(
        _ input: S3API.CompleteMultipartUploadRequest, context: CallContext
    ) async throws
        -> S3API.CompleteMultipartUploadOutput
    {
        let upload = try upload(context, bucket: input.bucket, uploadID: input.uploadId, expectedOwner: input.expectedBucketOwner)
        let unbuilt: [(String, Bool)] = [
            ("x-amz-server-side-encryption-customer-algorithm", input.sseCustomerAlgorithm != nil),
            ("x-amz-server-side-encryption-customer-key", input.sseCustomerKey != nil),
            ("x-amz-server-side-encryption-customer-key-MD5", input.sseCustomerKeyMD5 != nil),
            ("x-amz-checksum-sha512", input.checksumSHA512 != nil), ("x-amz-checksum-md5", input.checksumMD5 != nil),
            ("x-amz-checksum-xxhash64", input.checksumXXHASH64 != nil), ("x-amz-checksum-xxhash3", input.checksumXXHASH3 != nil),
            ("x-amz-checksum-xxhash128", input.checksumXXHASH128 != nil),
        ]
        if let (header, _) = unbuilt.first(where: \.1) { throw S3Error.notImplemented(header) }
        let condition = try Self.writeCondition(ifMatch: input.ifMatch, ifNoneMatch: input.ifNoneMatch)
        guard let listed = input.multipartUpload?.parts, !listed.isEmpty else { throw S3Error.malformedXML }
        var named: [MultipartAssembly.Named] = []
        for part in listed {
            guard let number = part.partNumber, let etag = part.eTag else { throw S3Error.malformedXML }
            let checksums: [(ChecksumAlgorithm, String?)] = [
                (.crc32, part.checksumCRC32), (.crc32c, part.checksumCRC32C), (.crc64nvme, part.checksumCRC64NVME),
                (.sha1, part.checksumSHA1), (.sha256, part.checksumSHA256),
            ]
            var checksum: ChecksumValue?
            for case (let algorithm, let value?) in checksums {
                guard let parsed = ChecksumValue(algorithm: algorithm, base64: value) else {
                    throw S3Error.invalidPart(uploadID: upload.uploadID, partNumber: number, etag: etag)
                }
                checksum = parsed
            }
            named.append(.init(partNumber: number, etag: etag, checksum: checksum))
        }
        let uploaded = try await repository.parts(uploadID: upload.uploadID)
        let selected = try MultipartAssembly.select(named, from: uploaded, uploadID: upload.uploadID)
        let size = selected.reduce(Int64(0)) { $0 + $1.size }
        guard size <= Self.maxAssembledObjectBytes else {
            throw S3Error.entityTooLarge(proposed: Int(size), allowed: Self.maxAssembledObjectBytes)
        }
        if let declared = input.mpuObjectSize, declared != size {
            throw S3Error.invalidRequest("The provided 'x-amz-mp-object-size' header value \(declared) does not match what was computed: \(size)")
        }
        // The write's condition, judged before the parts are read (and again when the object is written).
        do {
            try await repository.check(condition, bucket: upload.bucket, key: upload.key)
        } catch let refusal as ObjectStoreRepository.WriteRefusal {
            throw Self.refusedWrite(refusal, key: input.key)
        }
        let (checksum, checksumType) = try objectChecksum(input, upload: upload, parts: selected, requestID: context.requestID)
        let first = selected[0]
        let object = ObjectRecord(
            bucket: upload.bucket, key: upload.key, objectID: first.objectID, size: size,
            etag: MultipartAssembly.etag(ofPartETags: selected.map(\.etag)), lastModified: context.receivedAt, headers: upload.headers,
            metadata: upload.metadata, checksums: [checksum.algorithm: checksum.value], wrappedKey: first.wrappedKey,
            parts: selected.map(\.bodyPart), checksumType: checksumType == MultipartAssembly.composite ? checksumType : nil)
        let completion: ObjectStoreRepository.Completion
        do {
            completion = try await repository.completeUpload(upload.uploadID, object: object, condition: condition)
        } catch let refusal as ObjectStoreRepository.WriteRefusal {
            throw Self.refusedWrite(refusal, key: input.key)
        } catch StoreError.notFound {
            throw S3Error.noSuchUpload(input.uploadId)
        } catch StoreError.conflict {
            // A part was uploaded again while the object was being assembled.
            throw S3Error.invalidPart(uploadID: upload.uploadID, partNumber: first.partNumber, etag: first.etag)
        }
        if let replaced = completion.written.removed { bodies.remove(replaced) }
        for part in completion.unusedParts { bodies.remove(objectID: part.objectID) }
        await notify([.created("CompleteMultipartUpload", completion.written)], context: context)
        var output = S3API.CompleteMultipartUploadOutput(
            location: "/\(upload.bucket)/" + Self.urlEncoded(upload.key), bucket: upload.bucket, key: upload.key, eTag: object.etag,
            checksumType: checksumType, serverSideEncryption: "AES256")
        output.versionId = Self.versionHeader(completion.written)
        let stored = StoredChecksums(object)
        output.checksumCRC32 = stored.crc32
        output.checksumCRC32C = stored.crc32c
        output.checksumCRC64NVME = stored.crc64nvme
        output.checksumSHA1 = stored.sha1
        output.checksumSHA256 = stored.sha256
        return output
    }

    func abortMultipartUpload(_ input: S3API.AbortMultipartUploadRequest, context: CallContext) async throws -> S3API.AbortMultipartUploadOutput {
        let upload = try upload(context, bucket: input.bucket, uploadID: input.uploadId, expectedOwner: input.expectedBucketOwner)
        if let initiated = input.ifMatchInitiatedTime,
            initiated.timeIntervalSince1970.rounded(.down) != upload.initiated.timeIntervalSince1970.rounded(.down)
        {
            throw S3Error.preconditionFailed("x-amz-if-match-initiated-time")
        }
        let parts: [PartRecord]
        do {
            parts = try await repository.abortUpload(upload.uploadID)
        } catch StoreError.notFound {
            throw S3Error.noSuchUpload(input.uploadId)
        }
        for part in parts { bodies.remove(objectID: part.objectID) }
        return S3API.AbortMultipartUploadOutput()
    }

    func listParts(_ input: S3API.ListPartsRequest, context: CallContext) async throws -> S3API.ListPartsOutput {
        let upload = try upload(context, bucket: input.bucket, uploadID: input.uploadId, expectedOwner: input.expectedBucketOwner)
        if input.sseCustomerAlgorithm != nil { throw S3Error.notImplemented("x-amz-server-side-encryption-customer-algorithm") }
        let maxParts = input.maxParts ?? 1000
        guard maxParts >= 0 else {
            throw S3Error.invalidArgument(
                "Argument max-parts must be an integer between 0 and 2147483647", name: "max-parts", value: String(maxParts))
        }
        let marker = input.partNumberMarker ?? 0
        guard marker >= 0 else {
            throw S3Error.invalidArgument(
                "Argument part-number-marker must be an integer between 0 and 2147483647", name: "part-number-marker", value: String(marker))
        }
        let limit = min(maxParts, 1000)
        let fetched = try await repository.parts(uploadID: upload.uploadID, after: marker, limit: limit + 1)
        let page = Array(fetched.prefix(limit))
        let owner = S3API.Owner(id: Self.canonicalID(context.resolution["Bucket"]?.accountID ?? context.accountID))
        let parts = page.map { part in
            var listed = S3API.Part(partNumber: part.partNumber, lastModified: part.lastModified, eTag: part.etag, size: part.size)
            let algorithm = upload.checksumAlgorithm ?? ""
            let value = part.checksums[algorithm]
            switch ChecksumAlgorithm(rawValue: algorithm) {
            case .crc32: listed.checksumCRC32 = value
            case .crc32c: listed.checksumCRC32C = value
            case .crc64nvme: listed.checksumCRC64NVME = value
            case .sha1: listed.checksumSHA1 = value
            case .sha256: listed.checksumSHA256 = value
            case nil: break
            }
            return listed
        }
        return S3API.ListPartsOutput(
            bucket: upload.bucket, key: upload.key, uploadId: upload.uploadID, partNumberMarker: marker,
            nextPartNumberMarker: page.last?.partNumber ?? 0, maxParts: maxParts, isTruncated: fetched.count > limit,
            parts: parts.isEmpty ? nil : parts, initiator: S3API.Initiator(id: upload.initiatorARN), owner: owner, storageClass: "STANDARD",
            checksumAlgorithm: upload.checksumAlgorithm, checksumType: upload.checksumType)
    }

    // MARK: Helpers

    /// The upload the resolve stage found for the call. - Throws: NoSuchBucket, NoSuchUpload.
    func upload(_ context: CallContext, bucket: String, uploadID: String, expectedOwner: String?) throws -> UploadRecord {
        _ = try self.bucket(context, name: bucket, expectedOwner: expectedOwner)
        guard let resolved = context.resolution["UploadId"] else {
            throw AWSError.undeclaredReference(.s3Upload, requestID: context.requestID)
        }
        guard let found = resolved.entity(as: ResolvedUpload.self) else { throw S3Error.noSuchUpload(uploadID) }
        return found.upload
    }

    static func checkPartNumber(_ number: Int) throws {
        guard (1...MultipartAssembly.maxPartNumber).contains(number) else {
            throw S3Error.invalidArgument("Part number must be an integer between 1 and 10000, inclusive", name: "partNumber", value: String(number))
        }
    }

    /// A new upload id: 48 random bytes, base64url without padding (no `/`, `+` or `=` to escape).
    static func newUploadID() -> String {
        let bytes = SymmetricKey(size: .init(bitCount: 384)).withUnsafeBytes { Data($0) }
        return bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }

    /// The first well-formed `x-amz-checksum-*` value of a request (the payload step refuses more than one).
    static func claimedChecksum(_ claims: [(ChecksumAlgorithm, String?)]) -> ChecksumValue? {
        for case (let algorithm, let value?) in claims {
            if let checksum = ChecksumValue(algorithm: algorithm, base64: value) { return checksum }
        }
        return nil
    }

    /// The checksum a part keeps: in the upload's algorithm, the claimed one or else computed.
    /// - Throws: InvalidRequest when the part claims another algorithm than the upload's.
    static func partChecksum(claimed: ChecksumValue?, upload: UploadRecord, of body: Data) throws -> ChecksumValue? {
        guard let name = upload.checksumAlgorithm, let algorithm = ChecksumAlgorithm(rawValue: name) else { return nil }
        if let claimed {
            guard claimed.algorithm == algorithm else {
                throw S3Error.invalidRequest(
                    "Checksum Type mismatch occurred, expected checksum Type: \(name.lowercased()), actual checksum Type: \(claimed.algorithm.rawValue.lowercased())"
                )
            }
            return claimed
        }
        return ChecksumHasher.checksum(algorithm, of: body)
    }

    /// Stores a part's body (encrypted, flushed) and records it; the part it replaces loses its file.
    private func storePart(_ body: Data, number: Int, upload: UploadRecord, checksum: ChecksumValue?, at time: Date) async throws -> PartRecord {
        let stored = try bodies.write(body)
        let part = PartRecord(
            uploadID: upload.uploadID, partNumber: number, objectID: stored.objectID, size: Int64(body.count),
            etag: "\"" + MultipartAssembly.hex(Insecure.MD5.hash(data: body)) + "\"", lastModified: time,
            checksums: checksum.map { [$0.algorithm.rawValue: $0.base64] } ?? [:], wrappedKey: stored.wrappedKey)
        let replaced: PartRecord?
        do {
            replaced = try await repository.putPart(part)
        } catch {
            bodies.remove(objectID: stored.objectID)
            if case StoreError.notFound = error { throw S3Error.noSuchUpload(upload.uploadID) }
            throw error
        }
        if let replaced { bodies.remove(objectID: replaced.objectID) }
        return part
    }

    /// The checksum of the completed object and its type: `COMPOSITE` from the parts' checksums,
    /// else computed over the body part by part (one part in memory at a time): the upload's
    /// `FULL_OBJECT` algorithm, or the CRC64NVME S3 keeps for an upload without one.
    /// - Throws: BadDigest when the request claims another full-object checksum; InvalidRequest
    ///   when it names another algorithm or type than the upload's.
    private func objectChecksum(
        _ input: S3API.CompleteMultipartUploadRequest, upload: UploadRecord, parts: [PartRecord], requestID: String
    ) throws -> (checksum: (algorithm: String, value: String), type: String) {
        let claims: [(ChecksumAlgorithm, String?)] = [
            (.crc32, input.checksumCRC32), (.crc32c, input.checksumCRC32C), (.crc64nvme, input.checksumCRC64NVME),
            (.sha1, input.checksumSHA1), (.sha256, input.checksumSHA256),
        ]
        let claimed = claims.first { $0.1 != nil }.map { ($0.0, $0.1!) }
        let algorithm = upload.checksumAlgorithm.flatMap(ChecksumAlgorithm.init(rawValue:)) ?? Self.defaultChecksum
        let type = upload.checksumType ?? MultipartAssembly.fullObject
        if let requested = input.checksumType, requested != type {
            throw S3Error.invalidRequest(
                "The upload was created using the \(type) checksum mode. The complete request must use the same checksum mode.")
        }
        if let (claimedAlgorithm, _) = claimed, claimedAlgorithm != algorithm {
            throw S3Error.invalidRequest(
                "The upload was created using a \(upload.checksumAlgorithm?.lowercased() ?? "null") checksum. The complete request had checksum \(claimedAlgorithm.rawValue.lowercased())."
            )
        }
        if type == MultipartAssembly.composite {
            let digests = parts.compactMap { part in part.checksums[algorithm.rawValue].flatMap { ChecksumValue(algorithm: algorithm, base64: $0) } }
            guard digests.count == parts.count else { throw S3Error.internalError(requestID) }
            let value = MultipartAssembly.compositeChecksum(algorithm, ofPartChecksums: digests)
            if let (_, text) = claimed, text != value, text + "-\(parts.count)" != value { throw AWSError.checksumMismatch(algorithm) }
            return ((algorithm.rawValue, value), type)
        }
        var hasher = algorithm.hasher()
        for part in parts {
            let body: Data
            do {
                body = try bodies.read(objectID: part.objectID, wrappedKey: part.wrappedKey)
            } catch {
                throw S3Error.internalError(requestID)
            }
            hasher.update(body)
        }
        let computed = hasher.finalize()
        if let (_, text) = claimed, text != computed.base64 { throw AWSError.checksumMismatch(algorithm) }
        return ((algorithm.rawValue, computed.base64), type)
    }

    static func setChecksum(
        _ checksum: ChecksumValue?, crc32: inout String?, crc32c: inout String?, crc64nvme: inout String?, sha1: inout String?,
        sha256: inout String?
    ) {
        guard let checksum else { return }
        switch checksum.algorithm {
        case .crc32: crc32 = checksum.base64
        case .crc32c: crc32c = checksum.base64
        case .crc64nvme: crc64nvme = checksum.base64
        case .sha1: sha1 = checksum.base64
        case .sha256: sha256 = checksum.base64
        }
    }
}
