import BulwarkCore
import Foundation
import GRDB
import Store

/// Buckets and the versions of their keys (decision 0034).
public struct ObjectStoreRepository: Sendable {
    let database: BulwarkDatabase

    public init(database: BulwarkDatabase) {
        self.database = database
    }

    static func bucket(_ db: Database, name: String) throws -> BucketRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM s3Bucket WHERE name = ?", arguments: [name]).map(BucketRecord.init(row:))
    }

    /// The key's current object: its latest version unless that is a delete marker.
    static func object(_ db: Database, bucket: String, key: String) throws -> ObjectRecord? {
        try Row.fetchOne(
            db, sql: "SELECT * FROM s3Object WHERE bucket = ? AND key = ? AND isLatest = 1 AND isDeleteMarker = 0", arguments: [bucket, key]
        ).map(ObjectRecord.init(row:))
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

    /// Deletes an empty bucket (no version or delete marker of any key left), with its controls (`ON DELETE CASCADE`: a bucket created again under
    /// the name starts with none of them) and the multipart uploads still in progress in it (decision
    /// 0029); answers their parts' files, which the caller removes. - Throws: ``StoreError/conflict``
    /// when it holds objects, ``StoreError/notFound`` when gone.
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

    /// Requires that `record`'s bucket still exists: the resolved one, not another created since under
    /// its name (by another account, perhaps). - Throws: ``StoreError/notFound``.
    static func requireBucket(_ db: Database, _ record: BucketRecord) throws {
        guard try bucket(db, name: record.name) == record else { throw StoreError.notFound }
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

        /// - Throws: the ``WriteRefusal`` of a write over `current` that this condition does not allow.
        func check(_ current: ObjectRecord?) throws {
            switch self {
            case .none: break
            case .absent: if current != nil { throw WriteRefusal.exists }
            case .matching(let etag):
                guard let current else { throw WriteRefusal.missing }
                if etag != "*", current.etag.trimmingCharacters(in: ["\""]) != etag { throw WriteRefusal.mismatch }
            }
        }
    }

    /// Refuses a write that `condition` does not allow over the key's current object.
    func check(_ condition: WriteCondition, bucket: String, key: String) async throws {
        guard case .none = condition else {
            let current = try await database.read { db in try Self.object(db, bucket: bucket, key: key) }
            return try condition.check(current)
        }
    }

    /// Why a conditional write was refused.
    enum WriteRefusal: Error {
        case exists
        case missing
        case mismatch
    }

    /// What a write of a version did: the version as stored (its id, sequence), the version it
    /// removed (the key's `null` version, overwritten where the bucket does not keep versions; the
    /// caller removes its body), and whether the bucket has ever had versioning enabled.
    struct Written: Sendable {
        let object: ObjectRecord
        let removed: ObjectRecord?
        let isVersioned: Bool
    }

    /// Makes `object` the key's latest version if `condition` holds, in one transaction, with
    /// `tags` as its tags. - Throws: ``WriteRefusal``, or ``StoreError/notFound`` when the bucket is gone.
    func putObject(
        _ object: ObjectRecord, in bucket: BucketRecord, condition: WriteCondition, tags: [String: String] = [:]
    ) async throws
        -> Written
    {
        try await database.write { db in
            try Self.requireBucket(db, bucket)
            return try Self.replace(db, with: object, condition: condition, tags: tags)
        }
    }

    /// Checks `condition` against the key's current object and makes `object` the key's latest
    /// version with `tags`, inside a write transaction: a new version when the bucket's versioning is
    /// Enabled (as stored now, not as resolved), else the `null` version, which replaces the key's
    /// `null` version (its tags go with it).
    static func replace(
        _ db: Database, with object: ObjectRecord, condition: WriteCondition, tags: [String: String] = [:]
    ) throws
        -> Written
    {
        try condition.check(try Self.object(db, bucket: object.bucket, key: object.key))
        let status = try Self.controls(db, bucket: object.bucket).versioning
        var version = object
        version.versionID = status == BucketControls.versioningEnabled ? VersionID.make() : VersionID.null
        let removed = try Self.addVersion(db, &version)
        try Self.replaceObjectTags(db, objectID: version.objectID, tags: tags, replacing: removed?.objectID)
        return Written(object: version, removed: removed, isVersioned: status != nil)
    }

    /// Walks `listing` over the current objects of `bucket` after `marker`, in key order (UTF-8 byte
    /// order, as S3 lists, which SQLite's binary collation is; older versions and keys whose latest
    /// version is a delete marker are not listed), reading rows one at a time until the listing is complete: once a
    /// key is rolled up into a common prefix, and from a marker that is one, the walk moves past
    /// every key under it rather than reading them. Answers the listing and the rows read.
    func listObjects(
        bucket: String, into listing: ObjectListing<ObjectRecord>, after marker: String?
    ) async throws -> (listing: ObjectListing<ObjectRecord>, rowsRead: Int) {
        try await database.read { db in
            var listing = listing
            var rowsRead = 0
            guard var (start, after) = listing.start(after: marker) else {
                listing.finish()
                return (listing, rowsRead)
            }
            walk: while !listing.isComplete {
                let rows = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT * FROM s3Object WHERE bucket = ? AND isLatest = 1 AND isDeleteMarker = 0 AND key >= ? AND (? IS NULL OR key > ?)
                        ORDER BY key
                        """,
                    arguments: [bucket, start, after, after])
                while let row = try rows.next() {
                    rowsRead += 1
                    let object = ObjectRecord(row: row)
                    listing.offer(object.key, object)
                    if listing.isComplete { break walk }
                    if let resumption = listing.resumption(after: object.key) {
                        guard let next = resumption else { break }
                        (start, after) = (next, nil)
                        continue walk
                    }
                }
                listing.finish()
            }
            return (listing, rowsRead)
        }
    }
}
