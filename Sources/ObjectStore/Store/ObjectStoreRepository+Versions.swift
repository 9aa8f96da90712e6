import BulwarkCore
import Foundation
import GRDB
import Store

/// The versions of a key (decision 0034): each a row, the newest the key's latest; delete markers
/// are versions without a body.
extension ObjectStoreRepository {
    /// The key's latest version: its current object or the delete marker hiding it.
    static func latest(_ db: Database, bucket: String, key: String) throws -> ObjectRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM s3Object WHERE bucket = ? AND key = ? AND isLatest = 1", arguments: [bucket, key])
            .map(ObjectRecord.init(row:))
    }

    /// The version `versionID` of the key, object or delete marker.
    static func version(_ db: Database, bucket: String, key: String, versionID: String) throws -> ObjectRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM s3Object WHERE bucket = ? AND key = ? AND versionID = ?", arguments: [bucket, key, versionID])
            .map(ObjectRecord.init(row:))
    }

    /// Adds `version` (its id already chosen) as the key's latest version, inside a write
    /// transaction; a `null` version replaces the key's `null` version, which is answered (its tags
    /// removed; its body is the caller's to remove).
    static func addVersion(_ db: Database, _ version: inout ObjectRecord) throws -> ObjectRecord? {
        var removed: ObjectRecord?
        if version.versionID == VersionID.null, let old = try Self.version(db, bucket: version.bucket, key: version.key, versionID: VersionID.null) {
            try db.execute(
                sql: "DELETE FROM s3Object WHERE bucket = ? AND key = ? AND versionID = ?", arguments: [version.bucket, version.key, VersionID.null])
            try Self.removeObjectTags(db, objectID: old.objectID)
            removed = old.isDeleteMarker ? nil : old
        }
        try db.execute(
            sql: "UPDATE s3Object SET isLatest = 0 WHERE bucket = ? AND key = ? AND isLatest = 1", arguments: [version.bucket, version.key])
        let newest = try Int64.fetchOne(
            db, sql: "SELECT MAX(sequence) FROM s3Object WHERE bucket = ? AND key = ?", arguments: [version.bucket, version.key])
        version.sequence = (newest ?? 0) + 1
        version.isLatest = true
        try db.execute(
            sql: """
                INSERT INTO s3Object (bucket, key, versionID, sequence, isLatest, isDeleteMarker, objectID, size, etag, lastModified,
                    contentType, contentEncoding, contentDisposition, contentLanguage, cacheControl, expires, metadata, checksums,
                    wrappedKey, parts, checksumType)
                VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                version.bucket, version.key, version.versionID, version.sequence, version.isDeleteMarker, version.objectID, version.size,
                version.etag, version.lastModified.timeIntervalSince1970, version.headers.contentType, version.headers.contentEncoding,
                version.headers.contentDisposition, version.headers.contentLanguage, version.headers.cacheControl, version.headers.expires,
                ObjectRecord.encodeMap(version.metadata), version.checksums.isEmpty ? nil : ObjectRecord.encodeMap(version.checksums),
                version.wrappedKey, version.encodedParts, version.checksumType,
            ])
        return removed
    }

    /// What a delete did, as DeleteObject and DeleteObjects answer it: the version id it created
    /// or removed (nil in a bucket never versioned), whether that version is a delete marker, and
    /// the object version removed (whose body the caller removes).
    struct Deletion: Sendable, Equatable {
        let key: String
        let versionID: String?
        let isDeleteMarker: Bool
        let removed: ObjectRecord?
    }

    /// Deletes each entry in one transaction: a key without a version id gets a delete marker where
    /// the bucket keeps versions (a `null` one, replacing the `null` version, when suspended) and
    /// loses its object where it never did; a version id removes that version permanently (the next
    /// newest becomes the latest). Deleting what is not there succeeds, as S3 answers it.
    func delete(bucket: String, entries: [(key: String, versionID: String?)], at date: Date) async throws -> [Deletion] {
        try await database.write { db in
            let status = try Self.controls(db, bucket: bucket).versioning
            return try entries.map { entry in
                if let versionID = entry.versionID {
                    return try Self.removeVersion(db, bucket: bucket, key: entry.key, versionID: versionID)
                }
                guard let status else {
                    let removed = try Self.removeVersion(db, bucket: bucket, key: entry.key, versionID: VersionID.null).removed
                    return Deletion(key: entry.key, versionID: nil, isDeleteMarker: false, removed: removed)
                }
                var marker = ObjectRecord.deleteMarker(bucket: bucket, key: entry.key, at: date)
                marker.versionID = status == BucketControls.versioningEnabled ? VersionID.make() : VersionID.null
                let removed = try Self.addVersion(db, &marker)
                return Deletion(key: entry.key, versionID: marker.versionID, isDeleteMarker: true, removed: removed)
            }
        }
    }

    /// Removes one version for good; when it was the latest, the next newest becomes the latest.
    static func removeVersion(_ db: Database, bucket: String, key: String, versionID: String) throws -> Deletion {
        guard let version = try Self.version(db, bucket: bucket, key: key, versionID: versionID) else {
            return Deletion(key: key, versionID: versionID, isDeleteMarker: false, removed: nil)
        }
        try db.execute(sql: "DELETE FROM s3Object WHERE bucket = ? AND key = ? AND versionID = ?", arguments: [bucket, key, versionID])
        if !version.isDeleteMarker { try Self.removeObjectTags(db, objectID: version.objectID) }
        if version.isLatest {
            try db.execute(
                sql: """
                    UPDATE s3Object SET isLatest = 1 WHERE bucket = ? AND key = ?
                        AND sequence = (SELECT MAX(sequence) FROM s3Object WHERE bucket = ? AND key = ?)
                    """,
                arguments: [bucket, key, bucket, key])
        }
        return Deletion(key: key, versionID: versionID, isDeleteMarker: version.isDeleteMarker, removed: version.isDeleteMarker ? nil : version)
    }

    /// Where a ListObjectVersions page resumes: after the version of `key` at `sequence` (every
    /// version of `key` when `sequence` is nil).
    struct VersionCursor: Sendable, Equatable {
        let key: String
        let sequence: Int64?
    }

    /// The cursor after `versionID` of `key` (ListObjectVersions' key and version-id markers); a
    /// version no longer there resumes after the whole key.
    func versionCursor(bucket: String, key: String, versionID: String?) async throws -> VersionCursor {
        guard let versionID else { return VersionCursor(key: key, sequence: nil) }
        let sequence = try await database.read { db in try Self.version(db, bucket: bucket, key: key, versionID: versionID)?.sequence }
        return VersionCursor(key: key, sequence: sequence)
    }

    /// One ListObjectVersions page: `listing` walked from its key marker and `versionIDMarker` (past
    /// every key under the key marker when that is a common prefix listed before). Answers the
    /// listing and the rows read.
    func listVersions(
        bucket: String, into listing: VersionListing, versionIDMarker: String?
    ) async throws -> (
        listing: VersionListing, rowsRead: Int
    ) {
        var listing = listing
        guard let start = listing.start else {
            listing.finish()
            return (listing, 0)
        }
        var cursor: VersionCursor?
        if let marker = listing.keyMarker, !start.skipsMarker {
            cursor = try await versionCursor(bucket: bucket, key: marker, versionID: versionIDMarker)
        }
        return try await listVersions(bucket: bucket, into: listing, from: start.from, after: cursor)
    }

    /// Walks `listing` over the versions and delete markers of `bucket` whose keys are at least
    /// `start`, after `cursor`, in ListObjectVersions' order, reading rows one at a time until the
    /// listing is complete: once a key is rolled up into a common prefix the walk moves past every
    /// key under it rather than reading their versions. Answers the listing and the rows read.
    func listVersions(
        bucket: String, into listing: VersionListing, from start: String, after cursor: VersionCursor?
    ) async throws -> (listing: VersionListing, rowsRead: Int) {
        try await database.read { db in
            var listing = listing
            var rowsRead = 0
            var start = start
            var cursor = cursor
            walk: while !listing.isComplete {
                let rows = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT * FROM s3Object WHERE bucket = ? AND key >= ?
                            AND (? IS NULL OR key > ? OR (key = ? AND sequence < ?))
                        ORDER BY key, sequence DESC
                        """,
                    arguments: [bucket, start, cursor?.key, cursor?.key, cursor?.key, cursor?.sequence])
                while let row = try rows.next() {
                    rowsRead += 1
                    let version = ObjectRecord(row: row)
                    listing.offer(version)
                    if listing.isComplete { break walk }
                    if let resumption = listing.resumption(after: version.key) {
                        guard let next = resumption else { break }
                        (start, cursor) = (next, nil)
                        continue walk
                    }
                }
                listing.finish()
            }
            return (listing, rowsRead)
        }
    }
}
