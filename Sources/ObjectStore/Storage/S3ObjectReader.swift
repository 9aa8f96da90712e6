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
        guard let found = object.entity(as: ResolvedObject.self), found.bucket.name == bucket.name else {
            throw ServiceObjectFailure(code: "NoSuchKey", message: "The specified key does not exist.")
        }
        // No bucket keeps versions yet: an object's only version is its current one, "null".
        if let version, version != Self.unversioned {
            throw ServiceObjectFailure(code: "NoSuchVersion", message: "The specified version does not exist.")
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

    /// The version id of an object of a bucket that has never had versioning enabled.
    static let unversioned = "null"
}
