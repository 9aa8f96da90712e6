import AWSWire
import BulwarkCore
import Foundation
import GRDB
import Store

/// A bucket as the resolve stage found it.
struct ResolvedBucket: Sendable {
    let record: BucketRecord
}

/// An object as the resolve stage found it: its bucket and its current object.
struct ResolvedObject: Sendable {
    let bucket: BucketRecord
    let object: ObjectRecord
}

/// S3's authority over buckets and objects: a bucket name resolves to the bucket of exactly that
/// name (names are global and lowercase: another case names nothing), an object reference to the
/// current object of exactly that key in it.
struct S3ResourceAuthority: ResourceAuthority {
    let database: BulwarkDatabase

    var kinds: [ResourceKind] { [.s3Bucket, .s3Object] }

    /// The text of an object reference.
    static func objectText(bucket: String, key: String) -> String { "\(bucket)/\(key)" }

    func resolve(_ references: [ResourceReference], context: CallContext) async throws -> [ResolvedResource] {
        try await database.read { db in
            try references.map { reference in
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
