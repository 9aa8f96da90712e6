import AWSWire
import BulwarkCore
import Crypto
import Foundation
import Store

/// S3's side of ``ServiceObjectWriter``: a new object in exactly the bucket the resolve stage found,
/// stored as PutObject stores one (its own data key, MD5 ETag and CRC64NVME checksum).
public struct S3ObjectWriter: ServiceObjectWriter {
    let bodies: ObjectBodyStore
    let repository: ObjectStoreRepository

    public init(database: BulwarkDatabase, bodies: ObjectBodyStore) {
        self.bodies = bodies
        self.repository = ObjectStoreRepository(database: database)
    }

    public func keepsVersions(_ bucket: ResolvedResource) -> Bool {
        bucket.entity(as: ResolvedBucket.self)?.controls.versioning == BucketControls.versioningEnabled
    }

    public func write(
        _ body: Data, key: String, contentType: String, in bucket: ResolvedResource, region: String, at date: Date
    ) async throws
        -> String?
    {
        guard bucket.reference.kind == .s3Bucket else {
            throw AWSError(code: "ServiceException", message: "The destination was not resolved.", status: 500)
        }
        guard let found = bucket.entity(as: ResolvedBucket.self)?.record else {
            throw ServiceObjectFailure(code: "NoSuchBucket", message: "The specified bucket does not exist")
        }
        guard found.region == region else {
            throw ServiceObjectFailure(
                code: "PermanentRedirect", message: "The bucket is in this region: \(found.region). Please use this region to retry the request")
        }
        let md5 = Data(Insecure.MD5.hash(data: body))
        let checksum = ChecksumHasher.checksum(ObjectStoreService.defaultChecksum, of: body)
        let stored = try bodies.write(body)
        let object = ObjectRecord(
            bucket: found.name, key: key, objectID: stored.objectID, size: Int64(body.count),
            etag: "\"" + md5.map { String(format: "%02x", $0) }.joined() + "\"", lastModified: date,
            headers: .init(contentType: contentType), metadata: [:], checksums: [checksum.algorithm.rawValue: checksum.base64],
            wrappedKey: stored.wrappedKey)
        let written: ObjectStoreRepository.Written
        do {
            written = try await repository.putObject(object, in: found, condition: .none)
        } catch StoreError.notFound {
            bodies.remove(objectID: stored.objectID)
            throw ServiceObjectFailure(code: "NoSuchBucket", message: "The specified bucket does not exist")
        } catch {
            bodies.remove(objectID: stored.objectID)
            throw error
        }
        if let removed = written.removed { bodies.remove(removed) }
        return ObjectStoreService.versionHeader(written)
    }
}
