import AWSWire
import BulwarkCore
import Foundation
import GRDB
import IAM
import Store

extension ResourceKind {
    /// A multipart upload, named `<bucket>/<key>` with its upload id as the qualifier; its ARN is the
    /// ARN of the object it writes, as IAM judges multipart operations.
    public static let s3Upload = ResourceKind(service: "s3", type: "multipart-upload", trailType: "AWS::S3::Object")
}

/// A bucket as the resolve stage found it, with what controls access to it.
struct ResolvedBucket: Sendable {
    let record: BucketRecord
    let controls: BucketControls
    /// Whether its policy allows public access (``PublicPolicyCheck/s3``); a stored policy that no
    /// longer parses counts as public, so that RestrictPublicBuckets fails closed.
    let policyIsPublic: Bool
}

/// An object as the resolve stage found it: its bucket, the version named (the key's current
/// object when none was) and that version's tags. Never a delete marker.
struct ResolvedObject: Sendable {
    let bucket: BucketRecord
    let object: ObjectRecord
    let tags: [String: String]
}

/// A delete marker the resolve stage found: the key's latest version, or the version named
/// (decision 0034). Reads answer NoSuchKey or MethodNotAllowed for it; it has no body to read.
struct ResolvedDeleteMarker: Sendable {
    let bucket: BucketRecord
    let marker: ObjectRecord
}

/// A multipart upload as the resolve stage found it: its bucket and the upload.
struct ResolvedUpload: Sendable {
    let bucket: BucketRecord
    let upload: UploadRecord
}

/// S3's authority over buckets and objects: a bucket name resolves to the bucket of exactly that
/// name (names are global and lowercase: another case names nothing), an object reference to the
/// latest version of exactly that key in it — or, with a version id as its qualifier, to exactly
/// that version (decision 0034) — an upload reference to the upload of exactly that id
/// writing exactly that key of that bucket.
///
/// The bucket's policy is the resource policy of every check on the bucket and on its objects,
/// present or not (decision 0031). Buckets are read through a ``StoreReadCache``, so a policy or
/// setting is never judged stale after the write that changed it was acknowledged.
struct S3ResourceAuthority: ResourceAuthority {
    let database: BulwarkDatabase
    let buckets: StoreReadCache<String, ResolvedBucket?>

    /// The qualifier of the bucket reference of Get/Put/DeleteBucketPolicy: the bucket owner's root
    /// may always manage the policy, whatever it says (S3's protection against a lockout).
    static let policyManagement = "policy-management"

    var kinds: [ResourceKind] { [.s3Bucket, .s3Object, .s3Upload] }

    /// The text of an object reference.
    static func objectText(bucket: String, key: String) -> String { "\(bucket)/\(key)" }

    func resolve(_ references: [ResourceReference], context: CallContext) async throws -> [ResolvedResource] {
        var found: [String: ResolvedBucket?] = [:]
        for reference in references {
            let name = reference.kind == .s3Bucket ? reference.text : Self.split(reference.text).bucket
            if found[name] == nil { found[name] = .some(try await bucket(named: name)) }
        }
        let buckets = found
        let (objects, uploads) = try await database.read { db in
            var objects: [String: (ObjectRecord, [String: String])] = [:]
            var uploads: [String: UploadRecord] = [:]
            for reference in references where reference.kind != .s3Bucket {
                let (bucketName, key) = Self.split(reference.text)
                guard case .some(.some) = buckets[bucketName] else { continue }
                if reference.kind == .s3Upload {
                    if let uploadID = reference.qualifier,
                        let upload = try ObjectStoreRepository.upload(db, bucket: bucketName, key: key, uploadID: uploadID)
                    {
                        uploads[Self.uploadKey(reference.text, uploadID)] = upload
                    }
                } else if let object = try Self.version(db, bucket: bucketName, key: key, versionID: reference.qualifier) {
                    let tags = object.isDeleteMarker ? [:] : try ObjectStoreRepository.objectTags(db, objectID: object.objectID)
                    objects[Self.versionKey(reference.text, reference.qualifier)] = (object, tags)
                }
            }
            return (objects, uploads)
        }
        return references.map { reference in
            if reference.kind == .s3Upload {
                let (bucketName, key) = Self.split(reference.text)
                let arn = "arn:aws:s3:::\(bucketName)/\(key)"
                guard case .some(.some(let bucket)) = found[bucketName] else { return .absent(reference, arn: arn, accountID: context.accountID) }
                let policy = Self.policy(of: bucket, for: reference, context: context)
                guard let upload = reference.qualifier.flatMap({ uploads[Self.uploadKey(reference.text, $0)] }) else {
                    return ResolvedResource(reference: reference, arn: arn, entity: nil, accountID: bucket.record.accountID, policy: policy)
                }
                return ResolvedResource(
                    reference: reference, arn: upload.arn, entity: ResolvedUpload(bucket: bucket.record, upload: upload),
                    accountID: bucket.record.accountID, policy: policy)
            }
            if reference.kind == .s3Object {
                let (bucketName, key) = Self.split(reference.text)
                let arn = "arn:aws:s3:::\(bucketName)/\(key)"
                guard case .some(.some(let bucket)) = found[bucketName] else { return .absent(reference, arn: arn, accountID: context.accountID) }
                let policy = Self.policy(of: bucket, for: reference, context: context)
                guard let (object, tags) = objects[Self.versionKey(reference.text, reference.qualifier)] else {
                    return ResolvedResource(reference: reference, arn: arn, entity: nil, accountID: bucket.record.accountID, policy: policy)
                }
                if object.isDeleteMarker {
                    return ResolvedResource(
                        reference: reference, arn: object.arn, entity: ResolvedDeleteMarker(bucket: bucket.record, marker: object),
                        accountID: bucket.record.accountID, policy: policy)
                }
                return ResolvedResource(
                    reference: reference, arn: object.arn, entity: ResolvedObject(bucket: bucket.record, object: object, tags: tags),
                    accountID: bucket.record.accountID, policy: policy)
            }
            guard case .some(.some(let bucket)) = found[reference.text] else {
                return .absent(reference, arn: "arn:aws:s3:::\(reference.text)", accountID: context.accountID)
            }
            return ResolvedResource(
                reference: reference, arn: bucket.record.arn, entity: bucket, accountID: bucket.record.accountID,
                policy: Self.policy(of: bucket, for: reference, context: context))
        }
    }

    /// The bucket of exactly `name`, with its controls.
    func bucket(named name: String) async throws -> ResolvedBucket? {
        try await buckets.value(for: name) {
            try await database.read { db in
                guard let record = try ObjectStoreRepository.bucket(db, name: name) else { return nil }
                let controls = try ObjectStoreRepository.controls(db, bucket: name)
                let isPublic = controls.policy.map { text in
                    (try? PolicyDocument.parse(text, kind: .resource)).map(PublicPolicyCheck.s3.isPublic) ?? true
                }
                return ResolvedBucket(record: record, controls: controls, policyIsPublic: isPublic ?? false)
            }
        }
    }

    /// The bucket policy as it judges this call's checks on the bucket or its objects.
    static func policy(of bucket: ResolvedBucket, for reference: ResourceReference, context: CallContext) -> ResourcePolicy? {
        // A bucket's policy judges what is done to it and its objects, not the creation of its name.
        guard var document = bucket.controls.policy, reference.intent != .creating else { return nil }
        let owner = bucket.record.accountID
        if reference.kind == .s3Bucket, reference.qualifier == policyManagement, context.principal.kind == .root, context.accountID == owner {
            return nil
        }
        // RestrictPublicBuckets: a public policy lets no one of another account in (AWS service
        // principals excepted), not even an account it names; its denials still hold.
        if bucket.policyIsPublic, bucket.controls.publicAccessBlock?.restrictPublicBuckets == true, context.accountID != owner,
            context.principal.kind != .awsService
        {
            guard let denials = denialsOnly(document) else { return nil }
            document = denials
        }
        return ResourcePolicy(
            document: document, name: "bucket policy", kind: .resource, governedService: "s3", principalIDs: bucket.controls.policyPrincipals)
    }

    /// The policy with its `Deny` statements only; nil when it has none.
    static func denialsOnly(_ text: String) -> String? {
        guard var object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else { return nil }
        let statements = (object["Statement"] as? [Any]) ?? [object["Statement"] as Any]
        let denials = statements.filter { (($0 as? [String: Any])?["Effect"] as? String) == "Deny" }
        guard !denials.isEmpty else { return nil }
        object["Statement"] = denials
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The version an object reference names: the one of its qualifier, else the key's latest.
    private static func version(_ db: Database, bucket: String, key: String, versionID: String?) throws -> ObjectRecord? {
        guard let versionID else { return try ObjectStoreRepository.latest(db, bucket: bucket, key: key) }
        // An id S3 could not have issued names no version (the operations refuse it before resolving).
        guard VersionID.isWellFormed(versionID) else { return nil }
        return try ObjectStoreRepository.version(db, bucket: bucket, key: key, versionID: versionID)
    }

    /// A version found for an object reference: its `<bucket>/<key>` and the version id named.
    private static func versionKey(_ text: String, _ versionID: String?) -> String { (versionID ?? "") + " " + text }

    /// An upload found for a reference: its id and the `<bucket>/<key>` it writes.
    private static func uploadKey(_ text: String, _ uploadID: String) -> String { uploadID + " " + text }

    static func split(_ text: String) -> (bucket: String, key: String) {
        guard let slash = text.firstIndex(of: "/") else { return (text, "") }
        return (String(text[..<slash]), String(text[text.index(after: slash)...]))
    }
}
