import Foundation
import GRDB

/// One version of a key: its metadata, and where and how its body is stored — or a delete marker,
/// which has no body (decision 0034).
public struct ObjectRecord: Sendable, Equatable {
    public let bucket: String
    public let key: String
    /// The version's id: `null` for an object written while its bucket was never versioned or was
    /// suspended, an opaque id (``VersionID``) otherwise. Set by the store when the version is written.
    public internal(set) var versionID: String = VersionID.null
    /// Whether the version is the key's latest (the current object, or the delete marker hiding it).
    public internal(set) var isLatest = true
    /// Whether the version is a delete marker: no body, no metadata.
    public internal(set) var isDeleteMarker = false
    /// Its place among the key's versions, newest highest (the store's order; 0 until written).
    public internal(set) var sequence: Int64 = 0
    /// The name of the body's file under the object directory.
    public let objectID: String
    public let size: Int64
    /// The quoted MD5 hex of the body.
    public let etag: String
    public let lastModified: Date
    public var headers: ContentHeaders
    /// User metadata (`x-amz-meta-*`), names lowercased.
    public let metadata: [String: String]
    /// The flexible checksums (`x-amz-checksum-*`) of the whole body, by algorithm (`CRC32`) to their
    /// base64 value: the one the upload claimed (verified before the handler saw the body), else the
    /// CRC64NVME S3 computes for an object uploaded without one.
    public let checksums: [String: String]
    /// The body's data key, wrapped by the master key for this object.
    public let wrappedKey: Data
    /// A multipart object's parts, in order: its body is their bodies one after the other, each in
    /// its own file (decision 0029); empty for an object uploaded whole, whose body is `objectID`.
    public let parts: [BodyPart]
    /// `COMPOSITE` when `checksums` holds a checksum of the parts' checksums (`…-3`); nil for
    /// `FULL_OBJECT`, a checksum of the whole body.
    public let checksumType: String?

    /// One part of a multipart object's body: its file, its size and its wrapped data key.
    public struct BodyPart: Sendable, Equatable, Codable {
        public let objectID: String
        public let size: Int64
        public let wrappedKey: Data
    }

    /// The files of the object's body (none for a delete marker).
    var bodyIDs: [String] {
        if isDeleteMarker { return [] }
        return parts.isEmpty ? [objectID] : parts.map(\.objectID)
    }

    /// A delete marker for `key`, written at `date`.
    static func deleteMarker(bucket: String, key: String, at date: Date) -> ObjectRecord {
        var marker = ObjectRecord(
            bucket: bucket, key: key, objectID: "", size: 0, etag: "", lastModified: date, headers: .init(), metadata: [:], checksums: [:],
            wrappedKey: Data())
        marker.isDeleteMarker = true
        return marker
    }

    public var arn: String { "arn:aws:s3:::\(bucket)/\(key)" }

    /// The representation headers S3 stores and returns with an object.
    public struct ContentHeaders: Sendable, Equatable, Codable {
        public var contentType: String?
        public var contentEncoding: String?
        public var contentDisposition: String?
        public var contentLanguage: String?
        public var cacheControl: String?
        public var expires: String?

        public init(
            contentType: String? = nil, contentEncoding: String? = nil, contentDisposition: String? = nil, contentLanguage: String? = nil,
            cacheControl: String? = nil, expires: String? = nil
        ) {
            self.contentType = contentType
            self.contentEncoding = contentEncoding
            self.contentDisposition = contentDisposition
            self.contentLanguage = contentLanguage
            self.cacheControl = cacheControl
            self.expires = expires
        }
    }

    init(
        bucket: String, key: String, objectID: String, size: Int64, etag: String, lastModified: Date, headers: ContentHeaders,
        metadata: [String: String], checksums: [String: String], wrappedKey: Data, parts: [BodyPart] = [],
        checksumType: String? = nil
    ) {
        self.bucket = bucket
        self.key = key
        self.objectID = objectID
        self.size = size
        self.etag = etag
        self.lastModified = lastModified
        self.headers = headers
        self.metadata = metadata
        self.checksums = checksums
        self.wrappedKey = wrappedKey
        self.parts = parts
        self.checksumType = checksumType
    }

    init(row: Row) {
        bucket = row["bucket"]
        key = row["key"]
        versionID = row["versionID"]
        isLatest = row["isLatest"]
        isDeleteMarker = row["isDeleteMarker"]
        sequence = row["sequence"]
        objectID = row["objectID"]
        size = row["size"]
        etag = row["etag"]
        lastModified = Date(timeIntervalSince1970: row["lastModified"])
        headers = ContentHeaders(
            contentType: row["contentType"], contentEncoding: row["contentEncoding"], contentDisposition: row["contentDisposition"],
            contentLanguage: row["contentLanguage"], cacheControl: row["cacheControl"], expires: row["expires"])
        metadata = Self.decodeMap(row["metadata"])
        checksums = Self.decodeMap(row["checksums"])
        wrappedKey = row["wrappedKey"]
        checksumType = row["checksumType"]
        parts = (row["parts"] as String?).flatMap { try? JSONDecoder().decode([BodyPart].self, from: Data($0.utf8)) } ?? []
    }

    /// The `parts` column: nil for an object uploaded whole.
    var encodedParts: String? {
        guard !parts.isEmpty, let data = try? JSONEncoder().encode(parts) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    static func encodeMap(_ map: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(map)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    static func decodeMap(_ text: String?) -> [String: String] {
        guard let text else { return [:] }
        return (try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))) ?? [:]
    }
}
