import AWSWire
import BulwarkCore
import Foundation
import GRDB
import Store

extension ResourceKind {
    /// A multipart upload, named `<bucket>/<key>` with its upload id as the qualifier; its ARN is the
    /// ARN of the object it writes, as IAM judges multipart operations.
    public static let s3Upload = ResourceKind(service: "s3", type: "multipart-upload", trailType: "AWS::S3::Object")
}

/// A bucket as the resolve stage found it.
struct ResolvedBucket: Sendable {
    let record: BucketRecord
}

/// An object as the resolve stage found it: its bucket and its current object.
struct ResolvedObject: Sendable {
    let bucket: BucketRecord
    let object: ObjectRecord
}

/// A multipart upload as the resolve stage found it: its bucket and the upload.
struct ResolvedUpload: Sendable {
    let bucket: BucketRecord
    let upload: UploadRecord
}

/// S3's authority over buckets and objects: a bucket name resolves to the bucket of exactly that
/// name (names are global and lowercase: another case names nothing), an object reference to the
/// current object of exactly that key in it, an upload reference to the upload of exactly that id
/// writing exactly that key of that bucket.
struct S3ResourceAuthority: ResourceAuthority {
    let database: BulwarkDatabase

    var kinds: [ResourceKind] { [.s3Bucket, .s3Object, .s3Upload] }

    /// The text of an object reference.
    static func objectText(bucket: String, key: String) -> String { "\(bucket)/\(key)" }

    func resolve(_ references: [ResourceReference], context: CallContext) async throws -> [ResolvedResource] {
        try await database.read { db in
            try references.map { reference in
                if reference.kind == .s3Upload {
                    let (bucketName, key) = Self.split(reference.text)
                    let arn = "arn:aws:s3:::\(bucketName)/\(key)"
                    guard let bucket = try ObjectStoreRepository.bucket(db, name: bucketName) else {
                        return .absent(reference, arn: arn, accountID: context.accountID)
                    }
                    guard let uploadID = reference.qualifier,
                        let upload = try ObjectStoreRepository.upload(db, bucket: bucketName, key: key, uploadID: uploadID)
                    else {
                        return .absent(reference, arn: arn, accountID: bucket.accountID)
                    }
                    return ResolvedResource(
                        reference: reference, arn: upload.arn, entity: ResolvedUpload(bucket: bucket, upload: upload), accountID: bucket.accountID)
                }
                if reference.kind == .s3Object {
                    let (bucketName, key) = Self.split(reference.text)
                    let arn = "arn:aws:s3:::\(bucketName)/\(key)"
                    guard let bucket = try ObjectStoreRepository.bucket(db, name: bucketName) else {
                        return .absent(reference, arn: arn, accountID: context.accountID)
                    }
                    guard let object = try ObjectStoreRepository.object(db, bucket: bucketName, key: key) else {
                        return .absent(reference, arn: arn, accountID: bucket.accountID)
                    }
                    return ResolvedResource(
                        reference: reference, arn: object.arn, entity: ResolvedObject(bucket: bucket, object: object), accountID: bucket.accountID)
                }
                let arn = "arn:aws:s3:::\(reference.text)"
                guard let bucket = try ObjectStoreRepository.bucket(db, name: reference.text) else {
                    return .absent(reference, arn: arn, accountID: context.accountID)
                }
                return ResolvedResource(reference: reference, arn: bucket.arn, entity: ResolvedBucket(record: bucket), accountID: bucket.accountID)
            }
        }
    }

    static func split(_ text: String) -> (bucket: String, key: String) {
        guard let slash = text.firstIndex(of: "/") else { return (text, "") }
        return (String(text[..<slash]), String(text[text.index(after: slash)...]))
    }
}
