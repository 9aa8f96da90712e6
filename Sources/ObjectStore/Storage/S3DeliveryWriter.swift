import AWSWire
import BulwarkCore
import Crypto
import Foundation
import Store

/// The side of S3 that AWS services deliver into (CloudTrail's log files): a bucket's owner, region
/// and policy, for the service to judge whether the policy admits it, and write-once puts of new
/// objects, stored exactly as a PutObject of the same body would store them.
public struct S3DeliveryWriter: Sendable {
    let repository: ObjectStoreRepository
    let bodies: ObjectBodyStore

    public init(database: BulwarkDatabase, bodies: ObjectBodyStore) {
        repository = ObjectStoreRepository(database: database)
        self.bodies = bodies
    }

    /// A bucket as a delivering service sees it.
    public struct Bucket: Sendable, Equatable {
        public let name: String
        public let accountID: String
        public let region: String
        /// The bucket policy, if any.
        public let policy: String?
        let record: BucketRecord
    }

    /// Why a delivery was not written.
    public enum Refusal: Error, Equatable {
        /// The bucket is gone.
        case noSuchBucket
        /// An object already has the key: delivered files are never overwritten.
        case exists
    }

    public func bucket(named name: String) async throws -> Bucket? {
        try await repository.database.read { db in
            guard let record = try ObjectStoreRepository.bucket(db, name: name) else { return nil }
            let controls = try ObjectStoreRepository.controls(db, bucket: name)
            return Bucket(name: record.name, accountID: record.accountID, region: record.region, policy: controls.policy, record: record)
        }
    }

    /// Stores `body` under `key` only if no object has that key (`If-None-Match: *`).
    public func putNew(
        _ body: Data, in bucket: Bucket, key: String, contentType: String, contentEncoding: String?, metadata: [String: String] = [:],
        at date: Date
    ) async throws {
        let md5 = Data(Insecure.MD5.hash(data: body))
        let checksum = ChecksumHasher.checksum(ObjectStoreService.defaultChecksum, of: body)
        let stored = try bodies.write(body)
        let object = ObjectRecord(
            bucket: bucket.name, key: key, objectID: stored.objectID, size: Int64(body.count),
            etag: "\"" + md5.map { String(format: "%02x", $0) }.joined() + "\"", lastModified: date,
            headers: .init(contentType: contentType, contentEncoding: contentEncoding), metadata: metadata,
            checksums: [checksum.algorithm.rawValue: checksum.base64], wrappedKey: stored.wrappedKey)
        do {
            let written = try await repository.putObject(object, in: bucket.record, condition: .absent)
            if let removed = written.removed { bodies.remove(removed) }
        } catch {
            bodies.remove(objectID: stored.objectID)
            switch error {
            case is ObjectStoreRepository.WriteRefusal: throw Refusal.exists
            case StoreError.notFound: throw Refusal.noSuchBucket
            default: throw error
            }
        }
    }
}
