import BulwarkCore
import Foundation
import GRDB
import Store

/// Buckets and the current objects of their keys.
public struct ObjectStoreRepository: Sendable {
    let database: BulwarkDatabase

    public init(database: BulwarkDatabase) {
        self.database = database
    }

    static func bucket(_ db: Database, name: String) throws -> BucketRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM s3Bucket WHERE name = ?", arguments: [name]).map(BucketRecord.init(row:))
    }

    static func object(_ db: Database, bucket: String, key: String) throws -> ObjectRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM s3Object WHERE bucket = ? AND key = ?", arguments: [bucket, key]).map(ObjectRecord.init(row:))
    }

    /// Creates a bucket. - Throws: ``StoreError/conflict`` with the existing bucket's owner when the name is taken.
    func createBucket(_ bucket: BucketRecord) async throws -> BucketRecord? {
        try await database.write { db in
            if let existing = try Self.bucket(db, name: bucket.name) { return existing }
            try db.execute(
                sql: "INSERT INTO s3Bucket (name, accountID, region, createdAt, objectOwnership) VALUES (?, ?, ?, ?, ?)",
                arguments: [bucket.name, bucket.accountID, bucket.region, bucket.createdAt.timeIntervalSince1970, bucket.objectOwnership])
            return nil
        }
    }

    /// Deletes an empty bucket, and the multipart uploads still in progress in it (decision 0029);
    /// answers their parts' files, which the caller removes. - Throws: ``StoreError/conflict`` when
    /// it holds objects, ``StoreError/notFound`` when gone.
    func deleteBucket(_ name: String) async throws -> [String] {
        try await database.write { db in
            guard try Self.bucket(db, name: name) != nil else { throw StoreError.notFound }
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM (SELECT 1 FROM s3Object WHERE bucket = ? LIMIT 1)", arguments: [name]) ?? 0
            guard count == 0 else { throw StoreError.conflict }
            let files = try Self.removeUploads(db, bucket: name)
            try db.execute(sql: "DELETE FROM s3Bucket WHERE name = ?", arguments: [name])
            return files
        }
    }

    func buckets(accountID: String) async throws -> [BucketRecord] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM s3Bucket WHERE accountID = ? ORDER BY name", arguments: [accountID]).map(BucketRecord.init(row:))
        }
    }

    /// What a conditional write requires of the key's current object.
    enum WriteCondition: Sendable {
        case none
        /// `If-None-Match: *`: no object under the key.
        case absent
        /// `If-Match`: the current object has this ETag (quotes stripped, or `*` for any).
        case matching(String)
    }

    /// Why a conditional write was refused.
    enum WriteRefusal: Error {
        case exists
        case missing
        case mismatch
    }

    /// Makes `object` the key's current object if `condition` holds, in one transaction; answers the
    /// object it replaced (whose body the caller removes). - Throws: ``WriteRefusal``, or
    /// ``StoreError/notFound`` when the bucket is gone.
    func putObject(_ object: ObjectRecord, condition: WriteCondition) async throws -> ObjectRecord? {
        try await database.write { db in
            guard try Self.bucket(db, name: object.bucket) != nil else { throw StoreError.notFound }
            return try Self.replace(db, with: object, condition: condition)
        }
    }

    /// Checks `condition` against the key's current object and makes `object` current, inside a
    /// write transaction; answers the object it replaced.
    static func replace(_ db: Database, with object: ObjectRecord, condition: WriteCondition) throws -> ObjectRecord? {
        let current = try Self.object(db, bucket: object.bucket, key: object.key)
        switch condition {
        case .none: break
        case .absent: if current != nil { throw WriteRefusal.exists }
        case .matching(let etag):
            guard let current else { throw WriteRefusal.missing }
            if etag != "*", current.etag.trimmingCharacters(in: ["\""]) != etag { throw WriteRefusal.mismatch }
        }
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO s3Object (bucket, key, objectID, size, etag, lastModified, contentType, contentEncoding,
                    contentDisposition, contentLanguage, cacheControl, expires, metadata, checksums, wrappedKey, parts, checksumType)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                object.bucket, object.key, object.objectID, object.size, object.etag, object.lastModified.timeIntervalSince1970,
                object.headers.contentType, object.headers.contentEncoding, object.headers.contentDisposition,
                object.headers.contentLanguage, object.headers.cacheControl, object.headers.expires,
                ObjectRecord.encodeMap(object.metadata), object.checksums.isEmpty ? nil : ObjectRecord.encodeMap(object.checksums),
                object.wrappedKey, object.encodedParts, object.checksumType,
            ])
        return current
    }

    /// Removes the current objects of `keys`; answers those that existed (whose bodies the caller removes).
    func deleteObjects(bucket: String, keys: [String]) async throws -> [ObjectRecord] {
        try await database.write { db in
            var removed: [ObjectRecord] = []
            for key in keys {
                guard let current = try Self.object(db, bucket: bucket, key: key) else { continue }
                try db.execute(sql: "DELETE FROM s3Object WHERE bucket = ? AND key = ?", arguments: [bucket, key])
                removed.append(current)
            }
            return removed
        }
    }

    /// Up to `limit` objects of `bucket` whose keys are at least `prefix` and sort after `after`, in
    /// key order (UTF-8 byte order, as S3 lists, which SQLite's binary collation is).
    func page(bucket: String, from prefix: String, after: String?, limit: Int) async throws -> [ObjectRecord] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM s3Object WHERE bucket = ? AND key >= ? AND (? IS NULL OR key > ?) ORDER BY key LIMIT ?",
                arguments: [bucket, prefix, after, after, limit]
            ).map(ObjectRecord.init(row:))
        }
    }
}
