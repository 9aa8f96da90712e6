import BulwarkCore
import Foundation
import GRDB

/// A secret as stored: its name, ARN (with AWS's six-character suffix), KMS key, deletion schedule
/// and resource policy. Its values are ``SecretVersionRecord``s.
public struct SecretRecord: Sendable, Equatable {
    /// `arn:aws:secretsmanager:<region>:<account>:secret:<name>-AbCdEf`.
    public var arn: String
    public var accountID: String
    public var region: String
    public var name: String
    public var description: String?
    /// The customer key that encrypts new versions; nil for the account's `aws/secretsmanager` key.
    public var kmsKeyARN: String?
    public var createdAt: Date
    public var lastChangedAt: Date
    /// When DeleteSecret was called; the secret is then refused to every use but describe and restore.
    public var deletedAt: Date?
    /// When a secret scheduled for deletion is gone.
    public var deletionDate: Date?
    public var policy: String?
    /// The unique ids of the users and roles the resource policy names, bound when it was saved.
    public var policyPrincipals: [String: String]?
    /// Rotation: nil when never configured, false after CancelRotateSecret.
    public var rotationEnabled: Bool?
    public var rotationLambdaARN: String?
    /// The `RotationRules` as given, JSON (kept after CancelRotateSecret, as AWS shows them).
    public var rotationRules: String?
    public var lastRotatedAt: Date?
    public var nextRotationAt: Date?
    /// The version id of a rotation waiting to run (RotateSecret, or a schedule that came due).
    public var rotationToken: String?

    public init(
        arn: String, accountID: String, region: String, name: String, description: String?, kmsKeyARN: String?, createdAt: Date,
        lastChangedAt: Date, deletedAt: Date? = nil, deletionDate: Date? = nil, policy: String? = nil, policyPrincipals: [String: String]? = nil
    ) {
        self.arn = arn
        self.accountID = accountID
        self.region = region
        self.name = name
        self.description = description
        self.kmsKeyARN = kmsKeyARN
        self.createdAt = createdAt
        self.lastChangedAt = lastChangedAt
        self.deletedAt = deletedAt
        self.deletionDate = deletionDate
        self.policy = policy
        self.policyPrincipals = policyPrincipals
    }

    /// Whether the secret's deletion date has passed: it no longer exists, even before it is purged.
    public func isGone(at now: Date) -> Bool {
        deletionDate.map { $0 <= now } ?? false
    }
}

extension SecretRecord: FetchableRecord {
    public init(row: Row) throws {
        let principals: String? = row["policyPrincipals"]
        self.init(
            arn: row["arn"], accountID: row["accountID"], region: row["region"], name: row["name"], description: row["description"],
            kmsKeyARN: row["kmsKeyARN"], createdAt: Date(timeIntervalSince1970: row["createdAt"]),
            lastChangedAt: Date(timeIntervalSince1970: row["lastChangedAt"]),
            deletedAt: (row["deletedAt"] as Double?).map(Date.init(timeIntervalSince1970:)),
            deletionDate: (row["deletionDate"] as Double?).map(Date.init(timeIntervalSince1970:)), policy: row["policy"],
            policyPrincipals: principals.flatMap { try? JSONValue.parse(Data($0.utf8)).objectValue?.compactMapValues(\.stringValue) })
        rotationEnabled = row["rotationEnabled"]
        rotationLambdaARN = row["rotationLambdaARN"]
        rotationRules = row["rotationRules"]
        lastRotatedAt = (row["lastRotatedAt"] as Double?).map(Date.init(timeIntervalSince1970:))
        nextRotationAt = (row["nextRotationAt"] as Double?).map(Date.init(timeIntervalSince1970:))
        rotationToken = row["rotationToken"]
    }
}

/// One version of a secret's value, sealed: `encryptedDataKey` is a KMS ciphertext of the data key
/// under `kmsKeyARN` (context `SecretARN`, `SecretVersionId`), `sealedValue` the value under the data key.
public struct SecretVersionRecord: Sendable, Equatable {
    public var secretARN: String
    public var versionID: String
    public var createdAt: Date
    public var kmsKeyARN: String
    public var encryptedDataKey: Data
    public var sealedValue: Data
    /// Whether the value was given as `SecretBinary` rather than `SecretString`.
    public var isBinary: Bool
    /// Its staging labels (`AWSCURRENT`, `AWSPREVIOUS`, the caller's own), in the order attached.
    public var stages: [String]

    /// Whether it holds a value: a rotation's `AWSPENDING` version has none until the rotation
    /// function puts one (AWS: "the AWSPENDING staging label might be attached to an empty secret version").
    public var hasValue: Bool { !encryptedDataKey.isEmpty }

    public init(
        secretARN: String, versionID: String, createdAt: Date, kmsKeyARN: String, encryptedDataKey: Data, sealedValue: Data, isBinary: Bool,
        stages: [String]
    ) {
        self.secretARN = secretARN
        self.versionID = versionID
        self.createdAt = createdAt
        self.kmsKeyARN = kmsKeyARN
        self.encryptedDataKey = encryptedDataKey
        self.sealedValue = sealedValue
        self.isBinary = isBinary
        self.stages = stages
    }
}

extension SecretVersionRecord: FetchableRecord {
    public init(row: Row) throws {
        let stages: String = row["stages"]
        self.init(
            secretARN: row["secretARN"], versionID: row["versionID"], createdAt: Date(timeIntervalSince1970: row["createdAt"]),
            kmsKeyARN: row["kmsKeyARN"], encryptedDataKey: row["encryptedDataKey"], sealedValue: row["sealedValue"],
            isBinary: row["isBinary"],
            stages: (try? JSONValue.parse(Data(stages.utf8)).arrayValue?.compactMap(\.stringValue)) ?? [])
    }
}
