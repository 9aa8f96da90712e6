import Foundation
import GRDB

/// A multipart upload in progress: the key it will write and what the object will carry.
public struct UploadRecord: Sendable, Equatable {
    public let uploadID: String
    public let bucket: String
    public let key: String
    public let initiated: Date
    /// Who started it (`Initiator` of ListParts and ListMultipartUploads).
    public let initiatorARN: String
    public let headers: ObjectRecord.ContentHeaders
    public let metadata: [String: String]
    /// The algorithm of the parts' checksums (`CRC32`), when the upload asked for one.
    public let checksumAlgorithm: String?
    /// `COMPOSITE` or `FULL_OBJECT`, with an algorithm.
    public let checksumType: String?

    /// The object ARN the upload writes, on which its operations are authorized.
    public var arn: String { "arn:aws:s3:::\(bucket)/\(key)" }

    init(
        uploadID: String, bucket: String, key: String, initiated: Date, initiatorARN: String, headers: ObjectRecord.ContentHeaders,
        metadata: [String: String], checksumAlgorithm: String?, checksumType: String?
    ) {
        self.uploadID = uploadID
        self.bucket = bucket
        self.key = key
        self.initiated = initiated
        self.initiatorARN = initiatorARN
        self.headers = headers
        self.metadata = metadata
        self.checksumAlgorithm = checksumAlgorithm
        self.checksumType = checksumType
    }

    init(row: Row) {
        uploadID = row["uploadID"]
        bucket = row["bucket"]
        key = row["key"]
        initiated = Date(timeIntervalSince1970: row["initiated"])
        initiatorARN = row["initiatorARN"]
        headers = ObjectRecord.ContentHeaders(
            contentType: row["contentType"], contentEncoding: row["contentEncoding"], contentDisposition: row["contentDisposition"],
            contentLanguage: row["contentLanguage"], cacheControl: row["cacheControl"], expires: row["expires"])
        metadata = ObjectRecord.decodeMap(row["metadata"])
        checksumAlgorithm = row["checksumAlgorithm"]
        checksumType = row["checksumType"]
    }
}

/// One uploaded part of a multipart upload: its body file, size, ETag and checksum.
public struct PartRecord: Sendable, Equatable {
    public let uploadID: String
    public let partNumber: Int
    public let objectID: String
    public let size: Int64
    /// The quoted MD5 hex of the part.
    public let etag: String
    public let lastModified: Date
    /// The part's checksum in the upload's algorithm, by algorithm name, base64.
    public let checksums: [String: String]
    public let wrappedKey: Data

    init(
        uploadID: String, partNumber: Int, objectID: String, size: Int64, etag: String, lastModified: Date, checksums: [String: String],
        wrappedKey: Data
    ) {
        self.uploadID = uploadID
        self.partNumber = partNumber
        self.objectID = objectID
        self.size = size
        self.etag = etag
        self.lastModified = lastModified
        self.checksums = checksums
        self.wrappedKey = wrappedKey
    }

    init(row: Row) {
        uploadID = row["uploadID"]
        partNumber = row["partNumber"]
        objectID = row["objectID"]
        size = row["size"]
        etag = row["etag"]
        lastModified = Date(timeIntervalSince1970: row["lastModified"])
        checksums = ObjectRecord.decodeMap(row["checksums"])
        wrappedKey = row["wrappedKey"]
    }

    var bodyPart: ObjectRecord.BodyPart { ObjectRecord.BodyPart(objectID: objectID, size: size, wrappedKey: wrappedKey) }
}
