import BulwarkCore
import Foundation
import GRDB
import Store

/// Multipart uploads and their parts (decision 0029).
extension ObjectStoreRepository {
    static func upload(_ db: Database, bucket: String, key: String, uploadID: String) throws -> UploadRecord? {
        try Row.fetchOne(
            db, sql: "SELECT * FROM s3Upload WHERE uploadID = ? AND bucket = ? AND key = ?", arguments: [uploadID, bucket, key]
        ).map(UploadRecord.init(row:))
    }

    /// Starts an upload. - Throws: ``StoreError/notFound`` when the bucket is gone.
    func createUpload(_ upload: UploadRecord, in bucket: BucketRecord) async throws {
        try await database.write { db in
            try Self.requireBucket(db, bucket)
            try db.execute(
                sql: """
                    INSERT INTO s3Upload (uploadID, bucket, key, initiated, initiatorARN, contentType, contentEncoding, contentDisposition,
                        contentLanguage, cacheControl, expires, metadata, checksumAlgorithm, checksumType)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    upload.uploadID, upload.bucket, upload.key, upload.initiated.timeIntervalSince1970, upload.initiatorARN,
                    upload.headers.contentType, upload.headers.contentEncoding, upload.headers.contentDisposition,
                    upload.headers.contentLanguage, upload.headers.cacheControl, upload.headers.expires,
                    ObjectRecord.encodeMap(upload.metadata), upload.checksumAlgorithm, upload.checksumType,
                ])
        }
    }

    /// Records a part, replacing a part of the same number; answers the part it replaced (whose
    /// file the caller removes). - Throws: ``StoreError/notFound`` when the upload is gone
    /// (completed or aborted meanwhile).
    func putPart(_ part: PartRecord) async throws -> PartRecord? {
        try await database.write { db in
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM s3Upload WHERE uploadID = ?", arguments: [part.uploadID]) == 1 else {
                throw StoreError.notFound
            }
            let replaced = try Row.fetchOne(
                db, sql: "SELECT * FROM s3Part WHERE uploadID = ? AND partNumber = ?", arguments: [part.uploadID, part.partNumber]
            ).map(PartRecord.init(row:))
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO s3Part (uploadID, partNumber, objectID, size, etag, lastModified, checksums, wrappedKey)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    part.uploadID, part.partNumber, part.objectID, part.size, part.etag, part.lastModified.timeIntervalSince1970,
                    part.checksums.isEmpty ? nil : ObjectRecord.encodeMap(part.checksums), part.wrappedKey,
                ])
            return replaced
        }
    }

    /// Up to `limit` parts of an upload numbered above `marker`, in order.
    func parts(uploadID: String, after marker: Int = 0, limit: Int = 10_000) async throws -> [PartRecord] {
        try await database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM s3Part WHERE uploadID = ? AND partNumber > ? ORDER BY partNumber LIMIT ?",
                arguments: [uploadID, marker, limit]
            ).map(PartRecord.init(row:))
        }
    }

    /// Up to `limit` uploads in progress in `bucket` whose keys are at least `start`, by key, then by
    /// initiation, after `cursor` (the last upload of the previous batch).
    func uploads(bucket: String, from start: String, after cursor: UploadRecord?, limit: Int) async throws -> [UploadRecord] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM s3Upload WHERE bucket = ? AND key >= ? AND (? IS NULL OR (key, initiated, uploadID) > (?, ?, ?))
                    ORDER BY key, initiated, uploadID LIMIT ?
                    """,
                arguments: [
                    bucket, start, cursor?.uploadID, cursor?.key, cursor?.initiated.timeIntervalSince1970, cursor?.uploadID, limit,
                ]
            ).map(UploadRecord.init(row:))
        }
    }

    /// What completing an upload did: the version written (and the `null` version it replaced,
    /// whose body goes), and the parts not used.
    struct Completion: Sendable {
        let written: Written
        let unusedParts: [PartRecord]
    }

    /// Completes an upload in one transaction: `object` becomes the key's latest version if
    /// `condition` holds and the upload still has exactly the parts `object` names; the upload and
    /// its part rows go. - Throws: ``StoreError/notFound`` when the upload is gone,
    /// ``StoreError/conflict`` when its parts changed meanwhile, ``WriteRefusal``.
    func completeUpload(_ uploadID: String, object: ObjectRecord, condition: WriteCondition) async throws -> Completion {
        try await database.write { db in
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM s3Upload WHERE uploadID = ?", arguments: [uploadID]) == 1 else {
                throw StoreError.notFound
            }
            let parts = try Row.fetchAll(db, sql: "SELECT * FROM s3Part WHERE uploadID = ?", arguments: [uploadID]).map(PartRecord.init(row:))
            let current = Set(parts.map(\.objectID))
            guard object.parts.allSatisfy({ current.contains($0.objectID) }) else { throw StoreError.conflict }
            let written = try Self.replace(db, with: object, condition: condition)
            try db.execute(sql: "DELETE FROM s3Part WHERE uploadID = ?", arguments: [uploadID])
            try db.execute(sql: "DELETE FROM s3Upload WHERE uploadID = ?", arguments: [uploadID])
            let used = Set(object.parts.map(\.objectID))
            return Completion(written: written, unusedParts: parts.filter { !used.contains($0.objectID) })
        }
    }

    /// Removes an upload and its part rows; answers the parts (whose files the caller removes).
    /// - Throws: ``StoreError/notFound`` when the upload is gone.
    func abortUpload(_ uploadID: String) async throws -> [PartRecord] {
        try await database.write { db in
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM s3Upload WHERE uploadID = ?", arguments: [uploadID]) == 1 else {
                throw StoreError.notFound
            }
            let parts = try Row.fetchAll(db, sql: "SELECT * FROM s3Part WHERE uploadID = ?", arguments: [uploadID]).map(PartRecord.init(row:))
            try db.execute(sql: "DELETE FROM s3Part WHERE uploadID = ?", arguments: [uploadID])
            try db.execute(sql: "DELETE FROM s3Upload WHERE uploadID = ?", arguments: [uploadID])
            return parts
        }
    }

    /// Removes every upload of a bucket being deleted; answers their parts' files.
    static func removeUploads(_ db: Database, bucket: String) throws -> [String] {
        let files = try String.fetchAll(
            db, sql: "SELECT objectID FROM s3Part WHERE uploadID IN (SELECT uploadID FROM s3Upload WHERE bucket = ?)", arguments: [bucket])
        try db.execute(sql: "DELETE FROM s3Part WHERE uploadID IN (SELECT uploadID FROM s3Upload WHERE bucket = ?)", arguments: [bucket])
        try db.execute(sql: "DELETE FROM s3Upload WHERE bucket = ?", arguments: [bucket])
        return files
    }
}
