import BulwarkCore
import Foundation
import GRDB

/// The states of a KMS key this slice knows (AWS's `KeyState`).
public enum KMSKeyState: String, Sendable, Equatable {
    case enabled = "Enabled"
    case disabled = "Disabled"
    case pendingDeletion = "PendingDeletion"
}

/// A KMS key as stored: its metadata and key policy; its material is in ``KMSKeyMaterialRecord``.
public struct KMSKeyRecord: Sendable, Equatable {
    /// The key id, a UUID (`1234abcd-12ab-34cd-56ef-1234567890ab`).
    public var id: String
    public var accountID: String
    public var region: String
    public var description: String
    /// `ENCRYPT_DECRYPT`.
    public var keyUsage: String
    /// `SYMMETRIC_DEFAULT`.
    public var keySpec: String
    /// `AWS_KMS`.
    public var origin: String
    /// `CUSTOMER`, or `AWS` for AWS managed keys.
    public var keyManager: String
    public var state: KMSKeyState
    public var createdAt: Date
    /// When a key pending deletion is deleted.
    public var deletionDate: Date?
    public var pendingWindowInDays: Int?
    /// The key policy (its only policy, named `default`).
    public var policy: String
    /// The unique ids of the users and roles the key policy names, bound when it was saved.
    public var policyPrincipals: [String: String]?
    /// The version of the key material that encrypts (signs, MACs) now.
    public var currentVersion: Int
    /// Whether the material rotates automatically, every `rotationPeriodInDays`, next at `nextRotationDate`.
    public var rotationEnabled: Bool
    public var rotationPeriodInDays: Int?
    public var nextRotationDate: Date?
    /// The on-demand rotations made so far (AWS allows 10 per key).
    public var onDemandRotations: Int

    public init(
        id: String, accountID: String, region: String, description: String, keyUsage: String, keySpec: String, origin: String,
        keyManager: String, state: KMSKeyState, createdAt: Date, deletionDate: Date? = nil, pendingWindowInDays: Int? = nil, policy: String,
        policyPrincipals: [String: String]? = nil, currentVersion: Int = 1, rotationEnabled: Bool = false, rotationPeriodInDays: Int? = nil,
        nextRotationDate: Date? = nil, onDemandRotations: Int = 0
    ) {
        self.id = id
        self.accountID = accountID
        self.region = region
        self.description = description
        self.keyUsage = keyUsage
        self.keySpec = keySpec
        self.origin = origin
        self.keyManager = keyManager
        self.state = state
        self.createdAt = createdAt
        self.deletionDate = deletionDate
        self.pendingWindowInDays = pendingWindowInDays
        self.policy = policy
        self.policyPrincipals = policyPrincipals
        self.currentVersion = currentVersion
        self.rotationEnabled = rotationEnabled
        self.rotationPeriodInDays = rotationPeriodInDays
        self.nextRotationDate = nextRotationDate
        self.onDemandRotations = onDemandRotations
    }

    /// `arn:aws:kms:<region>:<account>:key/<id>`.
    public var arn: String { ARN(service: "kms", region: region, accountID: accountID, resource: "key/\(id)").description }

    /// Whether the key's deletion date has passed: it no longer exists, even before it is purged.
    public func isDeleted(at now: Date) -> Bool {
        state == .pendingDeletion && (deletionDate.map { $0 <= now } ?? false)
    }

    /// Whether an automatic rotation is due: enabled, its date passed, and the key not deleted.
    public func rotationIsDue(at now: Date) -> Bool {
        rotationEnabled && (nextRotationDate.map { $0 <= now } ?? false) && !isDeleted(at: now)
    }
}

extension KMSKeyRecord: FetchableRecord {
    public init(row: Row) throws {
        let stateText: String = row["state"]
        guard let state = KMSKeyState(rawValue: stateText) else { throw KMSStoreError.corrupt("key state \(stateText)") }
        let principals: String? = row["policyPrincipals"]
        self.init(
            id: row["id"], accountID: row["accountID"], region: row["region"], description: row["description"], keyUsage: row["keyUsage"],
            keySpec: row["keySpec"], origin: row["origin"], keyManager: row["keyManager"], state: state,
            createdAt: Date(timeIntervalSince1970: row["createdAt"]),
            deletionDate: (row["deletionDate"] as Double?).map(Date.init(timeIntervalSince1970:)),
            pendingWindowInDays: row["pendingWindowInDays"], policy: row["policy"],
            policyPrincipals: principals.flatMap { try? JSONValue.parse(Data($0.utf8)).objectValue?.compactMapValues(\.stringValue) },
            currentVersion: row["currentVersion"], rotationEnabled: row["rotationEnabled"], rotationPeriodInDays: row["rotationPeriodInDays"],
            nextRotationDate: (row["nextRotationDate"] as Double?).map(Date.init(timeIntervalSince1970:)),
            onDemandRotations: row["onDemandRotations"]
        )
    }
}

/// One version of a key's material, wrapped by the master key.
public struct KMSKeyMaterialRecord: Sendable, Equatable {
    public var keyID: String
    public var version: Int
    /// AWS's `KeyMaterialId`: 64 hexadecimal digits naming this material.
    public var materialID: String
    /// The material sealed by the master key (``MasterKey/wrap(_:for:version:)``).
    public var wrapped: Data
    public var createdAt: Date
    /// `AUTOMATIC` or `ON_DEMAND` for material a rotation made; nil for the key's first material.
    public var rotationType: String?
    /// The DER `SubjectPublicKeyInfo` of an asymmetric key (not secret, kept unwrapped).
    public var publicKey: Data?

    public init(
        keyID: String, version: Int, materialID: String, wrapped: Data, createdAt: Date, rotationType: String? = nil, publicKey: Data? = nil
    ) {
        self.keyID = keyID
        self.version = version
        self.materialID = materialID
        self.wrapped = wrapped
        self.createdAt = createdAt
        self.rotationType = rotationType
        self.publicKey = publicKey
    }
}

extension KMSKeyMaterialRecord: FetchableRecord {
    public init(row: Row) throws {
        self.init(
            keyID: row["keyID"], version: row["version"], materialID: row["materialID"], wrapped: row["wrapped"],
            createdAt: Date(timeIntervalSince1970: row["createdAt"]), rotationType: row["rotationType"], publicKey: row["publicKey"])
    }
}

/// An alias (`alias/app`) of a key, in one account and region.
public struct KMSAliasRecord: Sendable, Equatable {
    public var accountID: String
    public var region: String
    /// The full name, `alias/...`.
    public var name: String
    public var keyID: String
    public var createdAt: Date
    public var updatedAt: Date

    public init(accountID: String, region: String, name: String, keyID: String, createdAt: Date, updatedAt: Date) {
        self.accountID = accountID
        self.region = region
        self.name = name
        self.keyID = keyID
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// `arn:aws:kms:<region>:<account>:alias/<name>`.
    public var arn: String { ARN(service: "kms", region: region, accountID: accountID, resource: name).description }
}

extension KMSAliasRecord: FetchableRecord {
    public init(row: Row) throws {
        self.init(
            accountID: row["accountID"], region: row["region"], name: row["name"], keyID: row["keyID"],
            createdAt: Date(timeIntervalSince1970: row["createdAt"]), updatedAt: Date(timeIntervalSince1970: row["updatedAt"]))
    }
}

/// Failures of KMS's store.
public enum KMSStoreError: Error, Sendable, Equatable {
    /// A stored value this version cannot read.
    case corrupt(String)
}
