import BulwarkCore
import Foundation

/// Writing an S3 object on a service's behalf (Signer's signed package), into the bucket the resolve
/// stage found — whose write the authorize stage judged the caller may make. The ObjectStore module
/// implements it; services receive it in their initializer, so that no service imports another.
public protocol ServiceObjectWriter: Sendable {
    /// Whether `bucket` (a resolved `s3:bucket` reference) has versioning `Enabled`; false for a
    /// bucket that does not exist.
    func keepsVersions(_ bucket: ResolvedResource) -> Bool

    /// Stores `body` under `key` in `bucket` as a PutObject would (a new version where the bucket
    /// keeps versions), at `date`; answers the version ID S3 would answer (nil for an unversioned
    /// bucket).
    /// - Throws: ``ServiceObjectFailure`` with S3's NoSuchBucket or PermanentRedirect.
    func write(
        _ body: Data, key: String, contentType: String, in bucket: ResolvedResource, region: String, at date: Date
    ) async throws
        -> String?
}
