import Foundation
import IAM
import KMS
import Lambda
import Secrets
import Store

/// What the store shows of the resources `bulwark audit` judges, read once.
public struct AssessmentInventory: Sendable {
    public var functions: [FunctionInventoryEntry]
    public var credentialFindings: [CredentialFindingRepository.Record]
    /// The policies of each execution role named by a function, by role ARN; a role that no longer
    /// exists has none.
    public var roles: [String: EntityPolicyTexts]
    /// The account's id, nil before the first start.
    public var accountID: String?
    public var rootAccessKeys: [IdentityChecks.AccessKey]
    public var users: [IdentityChecks.User]
    /// Customer managed KMS keys and secrets, of every account and region.
    public var keys: [KMSKeyRecord]
    public var secrets: [SecretRecord]

    public init(
        functions: [FunctionInventoryEntry], credentialFindings: [CredentialFindingRepository.Record] = [],
        roles: [String: EntityPolicyTexts] = [:], accountID: String? = nil, rootAccessKeys: [IdentityChecks.AccessKey] = [],
        users: [IdentityChecks.User] = [], keys: [KMSKeyRecord] = [], secrets: [SecretRecord] = []
    ) {
        self.functions = functions
        self.credentialFindings = credentialFindings
        self.roles = roles
        self.accountID = accountID
        self.rootAccessKeys = rootAccessKeys
        self.users = users
        self.keys = keys
        self.secrets = secrets
    }

    /// The schemas the inventory reads.
    public static let schemas: [DatabaseSchema] = [.iam, .lambda, .kms, .secrets]

    /// Reads the inventory from `database` through each service's repositories.
    public static func read(from database: BulwarkDatabase, now: Date) async throws -> AssessmentInventory {
        let functions = try await database.functionInventory()
        var roles: [String: EntityPolicyTexts] = [:]
        for arn in Set(functions.map(\.role)) {
            let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
            guard parts.count == 6, let name = parts[5].split(separator: "/").last else { continue }
            // The role of exactly that ARN (path included), not one that shares its name.
            guard let role = try await database.iam.principal(.role, accountID: String(parts[4]), name: String(name)), role.arn == arn else {
                continue
            }
            roles[arn] = try await database.iam.policyTexts(of: role)
        }
        var inventory = AssessmentInventory(
            functions: functions, credentialFindings: try await database.credentialFindings.all(), roles: roles,
            keys: try await database.kms.customerKeys(now: now), secrets: try await database.secrets.allSecrets(now: now))
        guard let account = try await database.accounts.account() else { return inventory }
        inventory.accountID = account.id
        inventory.rootAccessKeys = try await database.credentials.accessKeys(ofUser: nil, accountID: account.id).map(accessKey)
        let devices = try await database.credentials.mfaDevices(accountID: account.id)
        let mfaUsers = Set(devices.filter { $0.enabledAt != nil }.compactMap { $0.userName?.lowercased() })
        let profiles = try await database.accountSettings.loginProfiles(accountID: account.id)
        var marker: String?
        while true {
            let page = try await database.iam.principals(.user, accountID: account.id, after: marker, limit: 1000)
            for user in page {
                inventory.users.append(
                    IdentityChecks.User(
                        name: user.name, arn: user.arn, mfaEnabled: mfaUsers.contains(user.name.lowercased()),
                        passwordChangedAt: profiles[user.uniqueID]?.passwordChangedAt,
                        accessKeys: try await database.credentials.accessKeys(ofUser: user.name, accountID: account.id).map(accessKey),
                        policies: try await database.iam.policyTexts(of: user)))
            }
            guard page.count == 1000, let last = page.last else { break }
            marker = last.name
        }
        return inventory
    }

    private static func accessKey(_ record: AccessKeyRecord) -> IdentityChecks.AccessKey {
        IdentityChecks.AccessKey(id: record.accessKeyID, active: record.status == .active, createdAt: record.createdAt)
    }
}
