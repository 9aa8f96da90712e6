import AWSWire
import BulwarkCore
import Foundation
import Store

/// S3's side of ``ServiceObjectReader``: the body of exactly the object the resolve stage found (its
/// stored body, under its own data key), answered as S3 answers a GetObject of it.
public struct S3ObjectReader: ServiceObjectReader {
    let bodies: ObjectBodyStore

    public init(bodies: ObjectBodyStore) {
        self.bodies = bodies
    }

    public func body(
        of object: ResolvedResource, in bucket: ResolvedResource, version: String?, region: String, maxBytes: Int
    ) async throws
        -> Data
    {
        guard object.reference.kind == .s3Object, bucket.reference.kind == .s3Bucket else {
            throw AWSError(code: "ServiceException", message: "The code location was not resolved.", status: 500)
        }
        guard let bucket = bucket.entity(as: ResolvedBucket.self)?.record else {
            throw ServiceObjectFailure(code: "NoSuchBucket", message: "The specified bucket does not exist")
        }
        // S3 sends a request for a bucket of another region there; a service reads only its own region's.
        guard bucket.region == region else {
            throw ServiceObjectFailure(
                code: "PermanentRedirect", message: "The bucket is in this region: \(bucket.region). Please use this region to retry the request")
        }
        // The version named was resolved as the reference's qualifier (decision 0034): exactly that
        // version, or nothing.
        guard object.reference.qualifier == version else {
            throw AWSError(code: "ServiceException", message: "The code location was not resolved.", status: 500)
        }
        if let version, !VersionID.isWellFormed(version) {
            throw ServiceObjectFailure(code: "InvalidArgument", message: "Invalid version id specified")
        }
        if object.entity(as: ResolvedDeleteMarker.self) != nil {
            if version != nil {
                throw ServiceObjectFailure(code: "MethodNotAllowed", message: "The specified method is not allowed against this resource.")
            }
            throw ServiceObjectFailure(code: "NoSuchKey", message: "The specified key does not exist.")
        }
        guard let found = object.entity(as: ResolvedObject.self), found.bucket.name == bucket.name else {
            if version != nil { throw ServiceObjectFailure(code: "NoSuchVersion", message: "The specified version does not exist.") }
            throw ServiceObjectFailure(code: "NoSuchKey", message: "The specified key does not exist.")
        }
        guard found.object.size <= maxBytes else { throw ServiceObjectTooLarge(size: found.object.size) }
        do {
            // The whole body, every part of a multipart object.
            return try bodies.read(found.object)
        } catch StoreError.notFound {
            // Replaced or deleted since it was judged: S3 answers for the key as it is now.
            throw ServiceObjectFailure(code: "NoSuchKey", message: "The specified key does not exist.")
        } catch {
            throw AWSError(code: "ServiceException", message: "The code could not be read from S3.", status: 500)
        }
    }

    public func readConditionKeys(of object: ResolvedResource) -> [String: AuthorizationCheck.Value] {
        TagSet.existingObjectTagKeys(object.entity(as: ResolvedObject.self)?.tags ?? [:])
    }
}
