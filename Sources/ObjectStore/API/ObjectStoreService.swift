import AWSWire
import BulwarkCore
import Crypto
import Foundation
import KMS
import Store

/// Amazon S3 (first slice): buckets and the current objects of their keys, over S3's rest-xml wire
/// (``S3Router``), with bodies encrypted at rest (``ObjectBodyStore``).
///
/// Each operation is declared once below: its IAM action (the Service Authorization Reference's),
/// the bucket or object its input names (resolved once by ``S3ResourceAuthority``), its condition
/// keys and its handler. Object operations are CloudTrail data events.
public struct ObjectStoreService: AWSService {
    public let model: ServiceModel = .s3.updating(Self.currentConstraints)
    let repository: ObjectStoreRepository
    let bodies: ObjectBodyStore
    let database: BulwarkDatabase
    let router: S3Router
    let clock: WallClock
    /// Buckets with their controls, as the resolve stage reads them (until the next write).
    let buckets: StoreReadCache<String, ResolvedBucket?>
    /// Lambda, which the bucket notifications invoke; nil where none runs (events then go nowhere).
    let functions: (any ServiceFunctionInvoker)?

    /// The largest object body a PutObject or UploadPart takes, and the most an UploadPartCopy copies,
    /// until bodies stream (decision 0024).
    public static let maxObjectBytes = 64 << 20
    /// The largest object a multipart upload completes into: a read of a whole object is held in memory
    /// until bodies stream (decision 0029).
    public static let maxAssembledObjectBytes = 256 << 20
    /// Where S3 accepts more than its model says: filter rule names in either case (it answers
    /// `Prefix` and `Suffix`, so a configuration read back can be put again).
    static let currentConstraints = CurrentConstraints(enums: ["FilterRuleName": ["prefix", "suffix", "Prefix", "Suffix"]])
    /// S3's XML namespace.
    public static let namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

    public init(
        database: BulwarkDatabase, bodies: ObjectBodyStore, baseDomain: String = "s3.localhost", functions: (any ServiceFunctionInvoker)? = nil,
        clock: WallClock = .system
    ) {
        self.functions = functions
        self.database = database
        self.repository = ObjectStoreRepository(database: database)
        self.bodies = bodies
        self.router = S3Router(baseDomain: baseDomain)
        self.clock = clock
        self.buckets = StoreReadCache(database: database, capacity: 1024)
    }

    public var authorities: [any ResourceAuthority] { [S3ResourceAuthority(database: database, buckets: buckets)] }

    public var codec: (any WireCodec)? {
        RestXMLCodec(
            model: model, router: router,
            outputRoots: [
                "ListBuckets": "ListAllMyBucketsResult", "ListObjects": "ListBucketResult", "ListObjectsV2": "ListBucketResult",
                "DeleteObjects": "DeleteResult",
                "GetBucketLocation": "LocationConstraint", "CreateMultipartUpload": "InitiateMultipartUploadResult",
                "CompleteMultipartUpload": "CompleteMultipartUploadResult", "ListParts": "ListPartsResult",
                "ListMultipartUploads": "ListMultipartUploadsResult", "GetBucketTagging": "Tagging", "GetObjectTagging": "Tagging",
                "GetBucketAcl": "AccessControlPolicy", "GetObjectAcl": "AccessControlPolicy",
                "GetBucketVersioning": "VersioningConfiguration", "ListObjectVersions": "ListVersionsResult",
                "GetBucketNotificationConfiguration": "NotificationConfiguration",
            ],
            namespace: Self.namespace,
            // The API reference's answers, which the model leaves at 200.
            responseCodes: ["PutBucketPolicy": 204, "PutBucketTagging": 204])
    }

    public var operations: [ServiceOperation] {
        bucketOperations + objectOperations + multipartOperations + controlOperations + versioningOperations + notificationOperations
    }

    private var bucketOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "CreateBucket", action: "s3:CreateBucket", readOnly: false,
                input: S3API.CreateBucketRequest.self,
                references: { input, _ in
                    guard BucketName.isValid(input.bucket) else { throw S3Error.invalidBucketName(input.bucket) }
                    return [ResourceReference(.s3Bucket, member: "Bucket", text: input.bucket, intent: .creating)]
                },
                conditionKeys: { input, _, _ in Self.bucketCreationKeys(input) },
                handler: createBucket
            ),
            ServiceOperation(
                "DeleteBucket", action: "s3:DeleteBucket", readOnly: false,
                input: S3API.DeleteBucketRequest.self,
                references: { input, _ in [Self.bucketReference(input.bucket)] },
                handler: deleteBucket
            ),
            ServiceOperation(
                "HeadBucket", action: "s3:ListBucket", readOnly: true,
                input: S3API.HeadBucketRequest.self,
                references: { input, _ in [Self.bucketReference(input.bucket)] },
                handler: headBucket
            ),
            ServiceOperation(
                "ListBuckets", action: "s3:ListAllMyBuckets", readOnly: true,
                input: S3API.ListBucketsRequest.self,
                handler: listBuckets
            ),
            ServiceOperation(
                "GetBucketLocation", action: "s3:GetBucketLocation", readOnly: true,
                input: S3API.GetBucketLocationRequest.self,
                references: { input, _ in [Self.bucketReference(input.bucket)] },
                handler: getBucketLocation
            ),
            ServiceOperation(
                "ListObjects", action: "s3:ListBucket", readOnly: true, dataEvent: true,
                input: S3API.ListObjectsRequest.self,
                references: { input, _ in [Self.bucketReference(input.bucket)] },
                conditionKeys: { input, _, _ in
                    Self.listingConditionKeys(prefix: input.prefix, delimiter: input.delimiter, maxKeys: input.maxKeys)
                },
                handler: listObjects
            ),
            ServiceOperation(
                "ListObjectsV2", action: "s3:ListBucket", readOnly: true, dataEvent: true,
                input: S3API.ListObjectsV2Request.self,
                references: { input, _ in [Self.bucketReference(input.bucket)] },
                conditionKeys: { input, _, _ in
                    Self.listingConditionKeys(prefix: input.prefix, delimiter: input.delimiter, maxKeys: input.maxKeys)
                },
                handler: listObjectsV2
            ),
        ]
    }

    private var objectOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "PutObject", action: "s3:PutObject", readOnly: false, auditsResponse: false, maxRequestBytes: Self.maxObjectBytes,
                dataEvent: true,
                input: S3API.PutObjectRequest.self,
                references: { input, _ in Self.objectReferences(input.bucket, input.key) },
                conditionKeys: { input, _, _ in
                    // The tags the upload sets (`x-amz-tagging`), checked before anything is asked of them.
                    var keys = try input.tagging.map { TagSet.requestObjectTagKeys(try TagSet.parseHeader($0)) } ?? [:]
                    if let acl = input.acl { keys["s3:x-amz-acl"] = .single(acl) }
                    return keys
                },
                handler: putObject
            ),
            ServiceOperation(
                "CopyObject", action: "s3:PutObject", readOnly: false, auditsResponse: false, dataEvent: true,
                input: S3API.CopyObjectRequest.self,
                references: { input, _ in
                    // The source is named and resolved like any object: s3:GetObject is judged on what was
                    // found, under its tags, and the handler reads only that.
                    let source = try CopySource(input.copySource)
                    return Self.objectReferences(input.bucket, input.key) + (try Self.copySourceReferences(source))
                },
                conditionKeys: { input, _, _ in
                    var keys: [String: AuthorizationCheck.Value] = [:]
                    if let source = try? CopySource(input.copySource) {
                        keys["s3:x-amz-copy-source"] = .single(S3ResourceAuthority.objectText(bucket: source.bucket, key: source.key))
                    }
                    keys["s3:x-amz-metadata-directive"] = .single(input.metadataDirective ?? "COPY")
                    if input.taggingDirective == "REPLACE" {
                        keys.merge(try TagSet.requestObjectTagKeys(input.tagging.map(TagSet.parseHeader) ?? [:])) { $1 }
                    }
                    if let acl = input.acl { keys["s3:x-amz-acl"] = .single(acl) }
                    return keys
                },
                furtherChecks: { _, resolution, _ in Self.copySourceChecks(resolution) },
                handler: copyObject
            ),
            // A read or delete of a named version is s3:GetObjectVersion / s3:DeleteObjectVersion (with
            // s3:versionid) instead of the object action (decision 0034).
            ServiceOperation(
                "GetObject", action: "s3:GetObject", readOnly: true, dataEvent: true,
                input: S3API.GetObjectRequest.self,
                references: { input, _ in try Self.objectReferences(input.bucket, input.key, versionID: input.versionId) },
                resources: { input, resolution, _ in Self.unversionedResources(input.versionId, resolution) },
                conditionKeys: { _, resolution, _ in Self.existingObjectTagKeys(resolution) },
                furtherChecks: { input, resolution, _ in
                    Self.versionCheck("s3:GetObjectVersion", versionID: input.versionId, resolution, keys: Self.existingObjectTagKeys(resolution))
                },
                handler: getObject
            ),
            ServiceOperation(
                "HeadObject", action: "s3:GetObject", readOnly: true, dataEvent: true,
                input: S3API.HeadObjectRequest.self,
                references: { input, _ in try Self.objectReferences(input.bucket, input.key, versionID: input.versionId) },
                resources: { input, resolution, _ in Self.unversionedResources(input.versionId, resolution) },
                conditionKeys: { _, resolution, _ in Self.existingObjectTagKeys(resolution) },
                furtherChecks: { input, resolution, _ in
                    Self.versionCheck("s3:GetObjectVersion", versionID: input.versionId, resolution, keys: Self.existingObjectTagKeys(resolution))
                },
                handler: headObject
            ),
            ServiceOperation(
                "DeleteObject", action: "s3:DeleteObject", readOnly: false, auditsResponse: false, dataEvent: true,
                input: S3API.DeleteObjectRequest.self,
                references: { input, _ in try Self.objectReferences(input.bucket, input.key, versionID: input.versionId) },
                resources: { input, resolution, _ in Self.unversionedResources(input.versionId, resolution) },
                furtherChecks: { input, resolution, _ in
                    Self.versionCheck("s3:DeleteObjectVersion", versionID: input.versionId, resolution, keys: [:])
                },
                handler: deleteObject
            ),
            ServiceOperation(
                "DeleteObjects", action: "s3:DeleteObject", readOnly: false, auditsResponse: false, maxRequestBytes: 2 << 20,
                access: .perResourceByPolicy, dataEvent: true,
                input: S3API.DeleteObjectsRequest.self,
                references: { input, _ in
                    // S3's schema takes 1 to 1000 <Object> entries; judged before anything is resolved
                    // or authorized, so that a 2 MiB body of 70,000 keys costs no policy evaluations.
                    guard (1...1000).contains(input.delete.objects.count) else { throw S3Error.malformedXML }
                    return [Self.bucketReference(input.bucket)]
                },
                contingentChecks: { input, resolution, _ in
                    // S3 judges s3:DeleteObject on each key (s3:DeleteObjectVersion with s3:versionid on
                    // each version), as a resource of the bucket's owner: a refused entry is answered
                    // AccessDenied in the result; the bucket's policy judges each one.
                    let bucket = resolution["Bucket"]
                    return input.delete.objects.map { Self.deleteCheck($0, bucket: input.bucket, resolved: bucket) }
                },
                handler: deleteObjects
            ),
        ]
    }

    /// Multipart uploads (decision 0029): their IAM actions are the Service Authorization
    /// Reference's, on the object the upload writes; the upload itself is resolved by its id,
    /// bucket and key together.
    private var multipartOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "CreateMultipartUpload", action: "s3:PutObject", readOnly: false, dataEvent: true,
                input: S3API.CreateMultipartUploadRequest.self,
                references: { input, _ in Self.objectReferences(input.bucket, input.key) },
                handler: createMultipartUpload
            ),
            ServiceOperation(
                "UploadPart", action: "s3:PutObject", readOnly: false, auditsResponse: false, maxRequestBytes: Self.maxObjectBytes,
                dataEvent: true,
                input: S3API.UploadPartRequest.self,
                references: { input, _ in Self.uploadReferences(input.bucket, input.key, input.uploadId) },
                handler: uploadPart
            ),
            ServiceOperation(
                "UploadPartCopy", action: "s3:PutObject", readOnly: false, auditsResponse: false, dataEvent: true,
                input: S3API.UploadPartCopyRequest.self,
                references: { input, _ in
                    // The source is named and resolved like any object, so that s3:GetObject is judged on
                    // what was found and the handler reads only that.
                    let source = try CopySource(input.copySource)
                    return Self.uploadReferences(input.bucket, input.key, input.uploadId) + (try Self.copySourceReferences(source))
                },
                // `s3:x-amz-copy-source` (bucket/key, decoded) on the write, as S3 sets it for a copy.
                conditionKeys: { input, _, _ in
                    guard let source = try? CopySource(input.copySource) else { return [:] }
                    return ["s3:x-amz-copy-source": .single(S3ResourceAuthority.objectText(bucket: source.bucket, key: source.key))]
                },
                furtherChecks: { _, resolution, _ in Self.copySourceChecks(resolution) },
                handler: uploadPartCopy
            ),
            ServiceOperation(
                "CompleteMultipartUpload", action: "s3:PutObject", readOnly: false, maxRequestBytes: 4 << 20,
                checksumHeadersDescribeBody: false, dataEvent: true,
                input: S3API.CompleteMultipartUploadRequest.self,
                references: { input, _ in Self.uploadReferences(input.bucket, input.key, input.uploadId) },
                handler: completeMultipartUpload
            ),
            ServiceOperation(
                "AbortMultipartUpload", action: "s3:AbortMultipartUpload", readOnly: false, auditsResponse: false, dataEvent: true,
                input: S3API.AbortMultipartUploadRequest.self,
                references: { input, _ in Self.uploadReferences(input.bucket, input.key, input.uploadId) },
                handler: abortMultipartUpload
            ),
            ServiceOperation(
                "ListParts", action: "s3:ListMultipartUploadParts", readOnly: true, dataEvent: true,
                input: S3API.ListPartsRequest.self,
                references: { input, _ in Self.uploadReferences(input.bucket, input.key, input.uploadId) },
                handler: listParts
            ),
            ServiceOperation(
                "ListMultipartUploads", action: "s3:ListBucketMultipartUploads", readOnly: true, dataEvent: true,
                input: S3API.ListMultipartUploadsRequest.self,
                references: { input, _ in [Self.bucketReference(input.bucket)] },
                handler: listMultipartUploads
            ),
        ]
    }

    // MARK: Declarations

    /// A multipart operation acts on the upload, whose ARN is the object's; its bucket is named too,
    /// to tell NoSuchBucket from NoSuchUpload.
    static func uploadReferences(_ bucket: String, _ key: String, _ uploadID: String) -> [ResourceReference] {
        [
            ResourceReference(.s3Upload, member: "UploadId", text: S3ResourceAuthority.objectText(bucket: bucket, key: key), qualifier: uploadID),
            ResourceReference(.s3Bucket, member: "Bucket", text: bucket).implied,
        ]
    }

    /// The object a copy reads (exactly the version `?versionId=` names, decision 0034) and its
    /// bucket, implied (the operation acts on its target). - Throws: InvalidArgument for a version id
    /// S3 could not have issued.
    static func copySourceReferences(_ source: CopySource) throws -> [ResourceReference] {
        if let versionID = source.versionID, !VersionID.isWellFormed(versionID) { throw S3Error.invalidVersionID(versionID) }
        return [
            ResourceReference(
                .s3Object, member: "CopySource", text: S3ResourceAuthority.objectText(bucket: source.bucket, key: source.key),
                qualifier: source.versionID
            ).implied,
            ResourceReference(.s3Bucket, member: "CopySourceBucket", text: source.bucket).implied,
        ]
    }

    /// The read of a copy's source, judged as a GetObject of it — a GetObjectVersion (with
    /// `s3:versionid`) when it names a version: under its tags too.
    static func copySourceChecks(_ resolution: Resolution) -> [AuthorizationCheck] {
        guard let source = resolution["CopySource"] else { return [] }
        var keys = TagSet.existingObjectTagKeys(source.entity(as: ResolvedObject.self)?.tags ?? [:])
        var action = "s3:GetObject"
        if let versionID = source.reference.qualifier {
            action = "s3:GetObjectVersion"
            keys["s3:versionid"] = .single(versionID)
        }
        return [AuthorizationCheck(action: action, resource: source.arn, conditionKeys: keys, resourceAccount: source.accountID)]
    }

    /// DeleteObjects' check of one entry: s3:DeleteObject on its key, or s3:DeleteObjectVersion with
    /// `s3:versionid` on a version of it.
    static func deleteCheck(_ entry: S3API.ObjectIdentifier, bucket: String, resolved: ResolvedResource?) -> AuthorizationCheck {
        AuthorizationCheck(
            action: entry.versionId == nil ? "s3:DeleteObject" : "s3:DeleteObjectVersion", resource: Self.objectARN(bucket, entry.key),
            conditionKeys: entry.versionId.map { ["s3:versionid": .single($0)] } ?? [:], resourceAccount: resolved?.accountID,
            resourcePolicy: resolved?.policy)
    }

    static func bucketReference(_ bucket: String) -> ResourceReference {
        ResourceReference(.s3Bucket, member: "Bucket", text: bucket)
    }

    /// An object operation acts on the object; its bucket is named too, to tell NoSuchBucket from NoSuchKey.
    static func objectReferences(_ bucket: String, _ key: String) -> [ResourceReference] {
        [
            ResourceReference(.s3Object, member: "Key", text: S3ResourceAuthority.objectText(bucket: bucket, key: key)),
            ResourceReference(.s3Bucket, member: "Bucket", text: bucket).implied,
        ]
    }

    static func objectARN(_ bucket: String, _ key: String) -> String { "arn:aws:s3:::\(bucket)/\(key)" }

    /// `s3:LocationConstraint`, `s3:x-amz-acl` and `s3:x-amz-object-ownership`, which AWS defines for CreateBucket.
    static func bucketCreationKeys(_ input: S3API.CreateBucketRequest) -> [String: AuthorizationCheck.Value] {
        var keys: [String: AuthorizationCheck.Value] = [:]
        if let constraint = input.createBucketConfiguration?.locationConstraint { keys["s3:LocationConstraint"] = .single(constraint) }
        if let acl = input.acl { keys["s3:x-amz-acl"] = .single(acl) }
        if let ownership = input.objectOwnership { keys["s3:x-amz-object-ownership"] = .single(ownership) }
        return keys
    }

    /// The S3 canonical user id of an account (64 hex digits), as ListBuckets and ListObjectsV2 show owners.
    static func canonicalID(_ accountID: String) -> String {
        SHA256.hash(data: Data("bulwark-s3-canonical-user/\(accountID)".utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
