import AWSWire
import BulwarkCore
import Foundation

/// Bucket versioning (decision 0034): the bucket's status, the listing of every version and delete
/// marker, and how an operation that names a version is declared — resolved to exactly that
/// version, and judged under the Service Authorization Reference's version action (with
/// `s3:versionid`) instead of the object action.
extension ObjectStoreService {
    var versioningOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "PutBucketVersioning", action: "s3:PutBucketVersioning", readOnly: false,
                input: S3API.PutBucketVersioningRequest.self,
                references: { input, _ in [Self.bucketReference(input.bucket)] },
                handler: putBucketVersioning
            ),
            ServiceOperation(
                "GetBucketVersioning", action: "s3:GetBucketVersioning", readOnly: true,
                input: S3API.GetBucketVersioningRequest.self,
                references: { input, _ in [Self.bucketReference(input.bucket)] },
                handler: getBucketVersioning
            ),
            ServiceOperation(
                "ListObjectVersions", action: "s3:ListBucketVersions", readOnly: true, dataEvent: true,
                input: S3API.ListObjectVersionsRequest.self,
                references: { input, _ in [Self.bucketReference(input.bucket)] },
                conditionKeys: { input, _, _ in
                    Self.listingConditionKeys(prefix: input.prefix, delimiter: input.delimiter, maxKeys: input.maxKeys)
                },
                handler: listObjectVersions
            ),
        ]
    }

    // MARK: Declarations

    /// An object operation that may name a version: the object's reference carries the version id as
    /// its qualifier, so the resolve stage finds exactly that version. - Throws: InvalidArgument for
    /// an id S3 could not have issued.
    static func objectReferences(_ bucket: String, _ key: String, versionID: String?) throws -> [ResourceReference] {
        var references = objectReferences(bucket, key)
        if let versionID {
            guard VersionID.isWellFormed(versionID) else { throw S3Error.invalidVersionID(versionID) }
            references[0].qualifier = versionID
        }
        return references
    }

    /// The resources of an operation's own action: the object, unless a version is named — then the
    /// version action alone is asked (``versionCheck(_:versionID:_:keys:)``), as S3 authorizes it.
    static func unversionedResources(_ versionID: String?, _ resolution: Resolution) -> [String] {
        versionID == nil ? resolution.actedOnARNs : []
    }

    /// The version action (`s3:GetObjectVersion`, …) on the object of a call that names a version,
    /// with `s3:versionid` beside the operation's other keys; nothing when none is named.
    static func versionCheck(
        _ action: String, versionID: String?, _ resolution: Resolution, keys: [String: AuthorizationCheck.Value]
    ) -> [AuthorizationCheck] {
        guard let versionID, let object = resolution["Key"] else { return [] }
        return [AuthorizationCheck(action: action, resource: object.arn, conditionKeys: keys.merging(["s3:versionid": .single(versionID)]) { $1 })]
    }

    // MARK: Answers

    /// `x-amz-version-id` of a version: answered once the bucket has had versioning set, or for any
    /// version that is not `null`.
    static func versionHeader(_ object: ObjectRecord, in bucket: ResolvedBucket?) -> String? {
        object.versionID != VersionID.null || bucket?.controls.versioning != nil ? object.versionID : nil
    }

    static func versionHeader(_ written: ObjectStoreRepository.Written) -> String? {
        written.isVersioned || written.object.versionID != VersionID.null ? written.object.versionID : nil
    }

    /// `x-amz-copy-source-version-id`: the version copied, when the copy named one or it is not `null`.
    static func copySourceVersionHeader(_ source: ObjectRecord, named versionID: String?) -> String? {
        versionID != nil || source.versionID != VersionID.null ? source.versionID : nil
    }

    // MARK: Handlers

    /// Only the bucket owner's account sets or reads the versioning state, whatever a bucket policy grants.
    func putBucketVersioning(_ input: S3API.PutBucketVersioningRequest, context: CallContext) async throws -> EmptyOutput {
        let bucket = try bucket(context, name: input.bucket, expectedOwner: input.expectedBucketOwner)
        guard bucket.accountID == context.accountID else { throw S3Error.accessDenied }
        let configuration = input.versioningConfiguration
        guard let status = configuration.status,
            [BucketControls.versioningEnabled, BucketControls.versioningSuspended].contains(status)
        else { throw S3Error.malformedXML }
        switch configuration.mfaDelete {
        case nil, "Disabled": break
        case "Enabled":
            // MFA delete needs the root's MFA device in `x-amz-mfa`; Bulwark does not verify it yet.
            guard input.mfa != nil else { throw S3Error.mfaRequired }
            throw S3Error.notImplemented("x-amz-mfa")
        default: throw S3Error.malformedXML
        }
        try await changeControls(bucket) { $0.versioning = status }
        return EmptyOutput()
    }

    func getBucketVersioning(_ input: S3API.GetBucketVersioningRequest, context: CallContext) async throws -> S3API.GetBucketVersioningOutput {
        let bucket = try resolvedBucket(context, name: input.bucket, expectedOwner: input.expectedBucketOwner)
        guard bucket.record.accountID == context.accountID else { throw S3Error.accessDenied }
        return S3API.GetBucketVersioningOutput(status: bucket.controls.versioning)
    }

    func listObjectVersions(_ input: S3API.ListObjectVersionsRequest, context: CallContext) async throws -> S3API.ListObjectVersionsOutput {
        let bucket = try bucket(context, name: input.bucket, expectedOwner: input.expectedBucketOwner)
        let maxKeys = try Self.pageSize(input.maxKeys, argument: "maxKeys")
        let encode = try Self.listingEncoder(input.encodingType)
        if input.optionalObjectAttributes != nil { throw S3Error.notImplemented("x-amz-optional-object-attributes") }
        if let versionMarker = input.versionIdMarker {
            guard input.keyMarker != nil else {
                throw S3Error.invalidArgument(
                    "A version-id marker cannot be specified without a key marker.", name: "version-id-marker", value: versionMarker)
            }
            guard VersionID.isWellFormed(versionMarker) else { throw S3Error.invalidVersionID(versionMarker, name: "version-id-marker") }
        }
        let prefix = input.prefix ?? ""
        let listing = try await repository.listVersions(
            bucket: bucket.name,
            into: VersionListing(prefix: prefix, delimiter: input.delimiter, maxKeys: min(maxKeys, 1000), keyMarker: input.keyMarker),
            versionIDMarker: input.versionIdMarker
        ).listing
        let owner = S3API.Owner(id: Self.canonicalID(bucket.accountID))
        var versions: [S3API.ObjectVersion] = []
        var markers: [S3API.DeleteMarkerEntry] = []
        for version in listing.versions {
            if version.isDeleteMarker {
                markers.append(
                    S3API.DeleteMarkerEntry(
                        owner: owner, key: encode(version.key), versionId: version.versionID, isLatest: version.isLatest,
                        lastModified: version.lastModified))
            } else {
                let checksums = StoredChecksums(version)
                versions.append(
                    S3API.ObjectVersion(
                        eTag: version.etag, checksumAlgorithm: checksums.algorithms.isEmpty ? nil : checksums.algorithms,
                        checksumType: checksums.type, size: version.size, storageClass: "STANDARD", key: encode(version.key),
                        versionId: version.versionID, isLatest: version.isLatest, lastModified: version.lastModified, owner: owner))
            }
        }
        let next = listing.isTruncated ? listing.nextMarkers : nil
        return S3API.ListObjectVersionsOutput(
            isTruncated: listing.isTruncated,
            keyMarker: encode(input.keyMarker ?? ""),
            versionIdMarker: input.versionIdMarker ?? "",
            nextKeyMarker: next.map { encode($0.key) },
            nextVersionIdMarker: next?.versionID,
            versions: versions.isEmpty ? nil : versions,
            deleteMarkers: markers.isEmpty ? nil : markers,
            name: bucket.name,
            prefix: encode(prefix),
            delimiter: input.delimiter.map(encode),
            maxKeys: maxKeys,
            commonPrefixes: listing.commonPrefixes.isEmpty ? nil : listing.commonPrefixes.map { S3API.CommonPrefix(prefix: encode($0)) },
            encodingType: input.encodingType
        )
    }
}
