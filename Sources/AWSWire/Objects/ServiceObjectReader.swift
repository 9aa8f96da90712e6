import BulwarkCore
import Foundation

/// S3's kinds, resolved by ObjectStore's authority; declared here so that a service that names an
/// object (Lambda's `Code.S3Key`) declares the same kind without importing ObjectStore.
extension ResourceKind {
    /// A bucket, named by its (global) name: `arn:aws:s3:::<bucket>`.
    public static let s3Bucket = ResourceKind(service: "s3", type: "bucket", trailType: "AWS::S3::Bucket")
    /// An object, named `<bucket>/<key>`: `arn:aws:s3:::<bucket>/<key>`.
    public static let s3Object = ResourceKind(service: "s3", type: "object", trailType: "AWS::S3::Object")
}

/// Reading an S3 object on a service's behalf (Lambda's code from S3): the object the resolve stage
/// found for the call — and that the authorize stage judged the caller may read — never one named
/// by raw text. The ObjectStore module implements it; services receive it in their initializer, so
/// that no service imports another.
public protocol ServiceObjectReader: Sendable {
    /// The body of `object`, found by the resolve stage in `bucket`.
    ///
    /// - Parameters:
    ///   - object: the resolved object reference (kind `s3:object`); absent when no object has the key.
    ///   - bucket: the resolved bucket reference (kind `s3:bucket`) the object's text names.
    ///   - version: the version asked for (`S3ObjectVersion`), nil for the current one.
    ///   - region: the region the reading service serves the call in; S3 answers a bucket of
    ///     another region with a redirect.
    /// - Throws: ``ServiceObjectFailure`` with the code and message S3 answers a GetObject that
    ///   fails so (NoSuchBucket, NoSuchKey, NoSuchVersion, PermanentRedirect).
    func body(of object: ResolvedResource, in bucket: ResolvedResource, version: String?, region: String) async throws -> Data
}

/// S3's answer to a GetObject a service made for its caller: its error code and message, which the
/// service words into its own error (Lambda's "Error occurred while GetObject. S3 Error Code: …").
public struct ServiceObjectFailure: Error, Sendable, Equatable {
    public let code: String
    public let message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}
