import BulwarkCore
import Foundation

/// S3's answers about versions and delete markers (decision 0034).
extension S3Error {
    static func noSuchVersion(key: String, versionID: String) -> AWSError {
        AWSError(
            code: "NoSuchVersion", message: "The specified version does not exist.", status: 404,
            fields: ["Key": key, "VersionId": versionID])
    }

    /// A version id S3 could not have issued, refused before anything is looked up.
    static func invalidVersionID(_ value: String, name: String = "versionId") -> AWSError {
        invalidArgument("Invalid version id specified", name: name, value: value)
    }

    /// A read of a key whose latest version is a delete marker: NoSuchKey, with the marker's headers.
    static func noSuchKey(_ key: String, hiddenBy marker: ObjectRecord) -> AWSError {
        var error = noSuchKey(key)
        error.headers = ["x-amz-delete-marker": "true", "x-amz-version-id": marker.versionID]
        return error
    }

    /// A read of a delete marker by its version id: S3 allows only DELETE on it.
    static func methodNotAllowed(_ method: String, onDeleteMarker marker: ObjectRecord) -> AWSError {
        var error = AWSError(
            code: "MethodNotAllowed", message: "The specified method is not allowed against this resource.", status: 405,
            fields: ["Method": method, "ResourceType": "DeleteMarker"])
        error.headers = [
            "x-amz-delete-marker": "true", "x-amz-version-id": marker.versionID, "Allow": "DELETE",
            "Last-Modified": AWSTimestamp.rfc7231(marker.lastModified),
        ]
        return error
    }

    /// A copy whose `x-amz-copy-source` names a delete marker's version.
    static let copyFromDeleteMarker = invalidRequest("The source of a copy request may not specifically refer to a delete marker by version id.")

    /// `MFADelete: Enabled` without the `x-amz-mfa` header, as S3 refuses it.
    static let mfaRequired = AWSError(code: "AccessDenied", message: "Mfa Authentication must be used for this request", status: 403)

    /// A `VersioningConfiguration` whose `Status` or `MFADelete` is not one S3 knows.
    static let illegalVersioningConfiguration = AWSError(
        code: "IllegalVersioningConfigurationException", message: "The Versioning element must be specified", status: 400)
}
