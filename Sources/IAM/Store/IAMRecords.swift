import Foundation
import GRDB
import Store

/// The kinds of IAM identities that have names in an account.
public enum IAMPrincipalKind: String, Sendable, Codable {
    case user
    case group
    case role
}

/// A tag of an IAM resource, in the order it was given.
public struct IAMTag: Codable, Sendable, Equatable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// An IAM user, group or role.
public struct IAMPrincipalRecord: Sendable, Equatable {
    public var kind: IAMPrincipalKind
    public var accountID: String
    public var name: String
    /// `AIDA…` for users, `AGPA…` for groups, `AROA…` for roles.
    public var uniqueID: String
    public var path: String
    public var createdAt: Date
    /// A role's trust policy.
    public var trustPolicy: String?
    /// The unique ids of the users and roles the trust policy names, bound when it was saved.
    public var trustPolicyPrincipals: PrincipalBindings?
    public var description: String?
    /// A role's maximum session duration in seconds.
    public var maxSessionDuration: Int?
    /// The ARN of the managed policy used as permissions boundary.
    public var permissionsBoundary: String?
    public var tags: [IAMTag]
    /// For a service-linked role, the service principal it is linked to: only that service may
    /// change or delete it.
    public var linkedService: String?

    public init(
        kind: IAMPrincipalKind, accountID: String, name: String, uniqueID: String, path: String, createdAt: Date,
        trustPolicy: String? = nil, description: String? = nil, maxSessionDuration: Int? = nil, permissionsBoundary: String? = nil,
        tags: [IAMTag] = [], trustPolicyPrincipals: PrincipalBindings? = nil, linkedService: String? = nil
    ) {
        self.kind = kind
        self.accountID = accountID
        self.name = name
        self.uniqueID = uniqueID
        self.path = path
        self.createdAt = createdAt
        self.trustPolicy = trustPolicy
        self.trustPolicyPrincipals = trustPolicyPrincipals
        self.description = description
        self.maxSessionDuration = maxSessionDuration
        self.permissionsBoundary = permissionsBoundary
        self.tags = tags
        self.linkedService = linkedService
    }

    /// `arn:aws:iam::123456789012:user/path/name`.
    public var arn: String {
        "arn:aws:iam::\(accountID):\(kind.rawValue)\(path)\(name)"
    }
}

extension IAMPrincipalRecord: FetchableRecord {
    public init(row: Row) throws {
        self.init(
            kind: IAMPrincipalKind(rawValue: row["kind"]) ?? .user,
            accountID: row["accountID"],
            name: row["name"],
            uniqueID: row["uniqueID"],
            path: row["path"],
            createdAt: row["createdAt"],
            trustPolicy: row["document"],
            description: row["description"],
            maxSessionDuration: row["maxSessionDuration"],
            permissionsBoundary: row["permissionsBoundary"],
            tags: IAMTagCoding.decode(row["tags"]),
            trustPolicyPrincipals: PrincipalBindings(encoded: row["trustPolicyPrincipals"]),
            linkedService: row["linkedService"]
        )
    }
}

/// A customer managed or AWS managed policy.
public struct ManagedPolicyRecord: Sendable, Equatable {
    public var arn: String
    /// The owning account, or `aws` for AWS managed policies.
    public var accountID: String
    public var name: String
    /// `ANPA…`.
    public var policyID: String
    public var path: String
    public var description: String?
    public var defaultVersion: String
    public var nextVersion: Int
    public var createdAt: Date
    public var updatedAt: Date
    public var tags: [IAMTag]

    public init(
        arn: String, accountID: String, name: String, policyID: String, path: String, description: String?, defaultVersion: String,
        nextVersion: Int, createdAt: Date, updatedAt: Date, tags: [IAMTag]
    ) {
        self.arn = arn
        self.accountID = accountID
        self.name = name
        self.policyID = policyID
        self.path = path
        self.description = description
        self.defaultVersion = defaultVersion
        self.nextVersion = nextVersion
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.tags = tags
    }
}

extension ManagedPolicyRecord: FetchableRecord {
    public init(row: Row) throws {
        self.init(
            arn: row["arn"], accountID: row["accountID"], name: row["name"], policyID: row["policyID"], path: row["path"],
            description: row["description"], defaultVersion: row["defaultVersion"], nextVersion: row["nextVersion"],
            createdAt: row["createdAt"], updatedAt: row["updatedAt"], tags: IAMTagCoding.decode(row["tags"])
        )
    }
}

/// One version of a managed policy.
public struct PolicyVersionRecord: Sendable, Equatable {
    public var policyARN: String
    public var versionID: String
    public var document: String
    public var createdAt: Date

    public init(policyARN: String, versionID: String, document: String, createdAt: Date) {
        self.policyARN = policyARN
        self.versionID = versionID
        self.document = document
        self.createdAt = createdAt
    }
}

/// A virtual MFA device.
public struct MFADeviceRecord: Sendable, Equatable {
    /// `arn:aws:iam::123456789012:mfa/name`.
    public var serialNumber: String
    public var accountID: String
    public var name: String
    public var path: String
    /// The TOTP secret.
    public var seed: Data
    /// The user it is enabled for.
    public var userName: String?
    public var enabledAt: Date?
    /// The last TOTP time step accepted, so that no code is accepted twice.
    public var lastUsedStep: Int64
    public var createdAt: Date
    public var tags: [IAMTag]

    public init(
        serialNumber: String, accountID: String, name: String, path: String, seed: Data, userName: String?, enabledAt: Date?,
        lastUsedStep: Int64, createdAt: Date, tags: [IAMTag]
    ) {
        self.serialNumber = serialNumber
        self.accountID = accountID
        self.name = name
        self.path = path
        self.seed = seed
        self.userName = userName
        self.enabledAt = enabledAt
        self.lastUsedStep = lastUsedStep
        self.createdAt = createdAt
        self.tags = tags
    }
}

extension MFADeviceRecord: FetchableRecord {
    public init(row: Row) throws {
        self.init(
            serialNumber: row["serialNumber"], accountID: row["accountID"], name: row["name"], path: row["path"], seed: row["seed"],
            userName: row["userName"], enabledAt: row["enabledAt"], lastUsedStep: row["lastUsedStep"], createdAt: row["createdAt"],
            tags: IAMTagCoding.decode(row["tags"])
        )
    }
}

/// Temporary credentials issued by STS.
public struct SessionRecord: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// `AssumeRole`: a role session.
        case roleSession
        /// `GetSessionToken`: a session of an IAM user or of the root.
        case userSession
        /// `GetFederationToken`: a federated user session of an IAM user (`principalName` is the
        /// federated user's name, `principalID` the IAM user's unique id).
        case federatedUser
    }

    /// `ASIA…`.
    public var accessKeyID: String
    public var secretAccessKey: String
    /// SHA-256 (hex) of the session token; the token itself is never stored.
    public var sessionTokenHash: String
    public var accountID: String
    public var kind: Kind
    /// The role (for role sessions) or the user (empty for the root) the session belongs to, by name.
    public var principalName: String
    /// The unique id of that role or user (`AROA…`, `AIDA…`; the account id for the root): what the
    /// session is bound to, so that it dies with its role or user even when another of the same
    /// name is created later. Nil only for sessions issued before sessions were bound (refused).
    public var principalID: String?
    public var sessionName: String?
    /// The long-term key `GetSessionToken` was called with.
    public var sourceAccessKeyID: String?
    public var issuedAt: Date
    public var expiresAt: Date
    /// When the caller authenticated with MFA, if it did.
    public var mfaAuthenticatedAt: Date?
    /// An inline session policy passed to `AssumeRole`.
    public var sessionPolicy: String?
    public var tags: [IAMTag]
    /// The function whose execution environment holds these credentials.
    public var sourceFunctionARN: String?
    /// The keys of ``tags`` that pass to sessions this one assumes (lowercased).
    public var transitiveTagKeys: [String]
    /// The managed session policies (`PolicyArns`).
    public var sessionPolicyARNs: [String]

    public init(
        accessKeyID: String, secretAccessKey: String, sessionTokenHash: String, accountID: String, kind: Kind, principalName: String,
        principalID: String?, sessionName: String?, sourceAccessKeyID: String?, issuedAt: Date, expiresAt: Date, mfaAuthenticatedAt: Date?,
        sessionPolicy: String?, tags: [IAMTag], sourceFunctionARN: String?, transitiveTagKeys: [String] = [], sessionPolicyARNs: [String] = []
    ) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionTokenHash = sessionTokenHash
        self.accountID = accountID
        self.kind = kind
        self.principalName = principalName
        self.principalID = principalID
        self.sessionName = sessionName
        self.sourceAccessKeyID = sourceAccessKeyID
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.mfaAuthenticatedAt = mfaAuthenticatedAt
        self.sessionPolicy = sessionPolicy
        self.tags = tags
        self.sourceFunctionARN = sourceFunctionARN
        self.transitiveTagKeys = transitiveTagKeys
        self.sessionPolicyARNs = sessionPolicyARNs
    }
}

extension SessionRecord: FetchableRecord {
    public init(row: Row) throws {
        self.init(
            accessKeyID: row["accessKeyID"], secretAccessKey: row["secretAccessKey"], sessionTokenHash: row["sessionTokenHash"],
            accountID: row["accountID"], kind: Kind(rawValue: row["kind"]) ?? .userSession, principalName: row["principalName"],
            principalID: row["principalID"], sessionName: row["sessionName"], sourceAccessKeyID: row["sourceAccessKeyID"], issuedAt: row["issuedAt"],
            expiresAt: row["expiresAt"], mfaAuthenticatedAt: row["mfaAuthenticatedAt"], sessionPolicy: row["sessionPolicy"],
            tags: IAMTagCoding.decode(row["tags"]), sourceFunctionARN: row["sourceFunctionARN"],
            transitiveTagKeys: StringListCoding.decode(row["transitiveTagKeys"]), sessionPolicyARNs: StringListCoding.decode(row["sessionPolicyARNs"])
        )
    }
}

/// Lists of strings are stored as a JSON array, keeping their order.
enum StringListCoding {
    static func encode(_ list: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(list)) ?? Data("[]".utf8), as: UTF8.self)
    }

    static func decode(_ text: String?) -> [String] {
        guard let text else { return [] }
        return (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }
}

/// Tags are stored as a JSON array, keeping their order.
enum IAMTagCoding {
    static func encode(_ tags: [IAMTag]) -> String {
        String(decoding: (try? JSONEncoder().encode(tags)) ?? Data("[]".utf8), as: UTF8.self)
    }

    static func decode(_ text: String?) -> [IAMTag] {
        guard let text else { return [] }
        return (try? JSONDecoder().decode([IAMTag].self, from: Data(text.utf8))) ?? []
    }
}
