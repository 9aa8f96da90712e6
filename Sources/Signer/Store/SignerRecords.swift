import BulwarkCore
import Foundation
import GRDB

/// A signing profile as stored, with its one version (decision 0038): the version's key pair, its
/// revocation, and the profile's permissions (a JSON list of ``ProfilePermission``).
public struct SigningProfileRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "signerProfile"

    public var accountID: String
    public var region: String
    public var name: String
    public var profileVersion: String
    public var platformID: String
    public var validityValue: Int
    public var validityType: String
    /// JSON object of the signing parameters.
    public var signingParameters: String
    /// `Active`, `Canceled` or `Revoked`.
    public var status: String
    /// DER SubjectPublicKeyInfo of the P-384 key.
    public var publicKey: Data
    /// The raw private key sealed by the master key for ``keyID``.
    public var wrappedPrivateKey: Data
    public var createdAt: Int64
    public var revokedAt: Int64?
    public var revocationEffectiveFrom: Int64?
    public var revokedBy: String?
    public var revocationReason: String?
    public var permissions: String
    public var permissionsRevision: String?

    /// `arn:aws:signer:<region>:<account>:/signing-profiles/<name>`.
    public var arn: String { Self.arn(accountID: accountID, region: region, name: name) }
    /// The profile version's ARN: the profile's, `/<version>`.
    public var versionARN: String { arn + "/" + profileVersion }

    public static func arn(accountID: String, region: String, name: String) -> String {
        ARN(service: "signer", region: region, accountID: accountID, resource: "/signing-profiles/\(name)").description
    }

    /// The name the master key wraps the private key for.
    var keyID: String { "signer-profile/\(accountID)/\(region)/\(name)/\(profileVersion)" }

    var parameters: [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data(signingParameters.utf8))) ?? [:]
    }

    var permissionList: [ProfilePermission] {
        (try? JSONDecoder().decode([ProfilePermission].self, from: Data(permissions.utf8))) ?? []
    }

    var revocationEffectiveDate: Date? { revocationEffectiveFrom.map { Date(timeIntervalSince1970: TimeInterval($0)) } }
}

/// One statement of a profile's permissions (AddProfilePermission).
public struct ProfilePermission: Codable, Sendable, Equatable {
    public var statementId: String
    public var action: String
    public var principal: String
    public var profileVersion: String?
}

/// A signing job as stored.
public struct SigningJobRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "signerJob"

    public var jobID: String
    public var accountID: String
    public var region: String
    public var profileName: String
    public var profileVersion: String
    public var platformID: String
    public var signingParameters: String
    public var sourceBucket: String
    public var sourceKey: String
    public var sourceVersion: String
    public var destinationBucket: String
    public var destinationKey: String
    public var clientRequestToken: String
    public var requestedBy: String
    /// `InProgress`, `Failed` or `Succeeded`.
    public var status: String
    public var statusReason: String?
    public var createdAt: Int64
    public var completedAt: Int64?
    public var expiresAt: Int64?
    public var revokedAt: Int64?
    public var revokedBy: String?
    public var revocationReason: String?

    /// `arn:aws:signer:<region>:<account>:/signing-jobs/<id>`.
    public var arn: String { Self.arn(accountID: accountID, region: region, jobID: jobID) }

    public static func arn(accountID: String, region: String, jobID: String) -> String {
        ARN(service: "signer", region: region, accountID: accountID, resource: "/signing-jobs/\(jobID)").description
    }
}
