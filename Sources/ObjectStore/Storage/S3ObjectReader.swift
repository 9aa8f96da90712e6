import AWSWire
import BulwarkCore
import Foundation

/// S3's side of ``ServiceObjectReader``: the body of exactly the object the resolve stage found (its
/// stored body, under its own data key), answered as S3 answers a GetObject of it.
public struct S3ObjectReader: ServiceObjectReader {
    let bodies: ObjectBodyStore

    public init(bodies: ObjectBodyStore) {
        self.bodies = bodies
    }

    public func body(of object: ResolvedResource, in bucket: ResolvedResource, version: String?, region: String) async throws -> Data {
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
        do {
            return try bodies.read(objectID: found.object.objectID, wrappedKey: found.object.wrappedKey)
        } catch {
            throw AWSError(code: "ServiceException", message: "The code could not be read from S3.", status: 500)
        }
    }

    /// The version id of an object of a bucket that has never had versioning enabled.
    static let unversioned = "null"
}
