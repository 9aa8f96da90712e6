import BulwarkCore
import Foundation
import GRDB
import Store

/// Bucket controls (policy, Block Public Access, tags) and object tags (decision 0031).
extension ObjectStoreRepository {
    static func controls(_ db: Database, bucket: String) throws -> BucketControls {
        try Row.fetchOne(db, sql: "SELECT * FROM s3BucketControls WHERE bucket = ?", arguments: [bucket]).map(BucketControls.init(row:))
            ?? .newBucket
    }

    /// Changes the controls of `record`'s bucket as stored now. - Throws: ``StoreError/notFound`` when
    /// that bucket is gone (a bucket created since under its name is another bucket).
    @discardableResult
    func changeControls(
        of record: BucketRecord, _ change: @escaping @Sendable (inout BucketControls) throws -> Void
    ) async throws
        -> BucketControls
    {
        let bucket = record.name
        return try await database.write { db in
            try Self.requireBucket(db, record)
            var controls = try Self.controls(db, bucket: bucket)
            try change(&controls)
            let block = controls.publicAccessBlock
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO s3BucketControls (bucket, policy, policyPrincipals, blockPublicAcls, ignorePublicAcls,
                        blockPublicPolicy, restrictPublicBuckets, tags, versioning, notification)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    bucket, controls.policy, controls.policyPrincipals.map(ObjectRecord.encodeMap), block?.blockPublicAcls, block?.ignorePublicAcls,
                    block?.blockPublicPolicy, block?.restrictPublicBuckets, controls.tags.map(ObjectRecord.encodeMap), controls.versioning,
                    try controls.notification.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) },
                ])
            return controls
        }
    }

    /// The tags of an object's body; empty when it has none.
    static func objectTags(_ db: Database, objectID: String) throws -> [String: String] {
        try String.fetchOne(db, sql: "SELECT tags FROM s3ObjectTags WHERE objectID = ?", arguments: [objectID]).map(ObjectRecord.decodeMap) ?? [:]
    }

    /// Gives a newly written body its tags and drops those of the body it replaced, in the write's transaction.
    static func replaceObjectTags(_ db: Database, objectID: String, tags: [String: String], replacing old: String?) throws {
        if let old { try removeObjectTags(db, objectID: old) }
        guard !tags.isEmpty else { return }
        try db.execute(
            sql: "INSERT OR REPLACE INTO s3ObjectTags (objectID, tags) VALUES (?, ?)", arguments: [objectID, ObjectRecord.encodeMap(tags)])
    }

    static func removeObjectTags(_ db: Database, objectID: String) throws {
        try db.execute(sql: "DELETE FROM s3ObjectTags WHERE objectID = ?", arguments: [objectID])
    }

    /// Sets (or, with an empty set, removes) the tags of the version of the key whose body is
    /// `objectID`, if it is still there. - Throws: ``StoreError/notFound`` when that version is gone
    /// (deleted, or the `null` version overwritten).
    func setObjectTags(bucket: String, key: String, objectID: String, tags: [String: String]) async throws {
        try await database.write { db in
            let found = try Bool.fetchOne(
                db, sql: "SELECT 1 FROM s3Object WHERE bucket = ? AND key = ? AND objectID = ? AND isDeleteMarker = 0",
                arguments: [bucket, key, objectID])
            guard found == true else { throw StoreError.notFound }
            try Self.replaceObjectTags(db, objectID: objectID, tags: tags, replacing: objectID)
        }
    }
}
