import AWSWire
import BulwarkCore
import Foundation
import Store

/// `GetAccountSummary`: how many of each entity the account has, and IAM's quotas for them.
extension IAMService {
    var accountSummaryOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "GetAccountSummary", action: "iam:GetAccountSummary", readOnly: true, input: EmptyInput.self,
                handler: getAccountSummary
            )
        ]
    }

    @Sendable func getAccountSummary(
        _ input: EmptyInput, _ context: CallContext
    ) async throws -> IAMAPI.GetAccountSummaryResponse {
        let accountID = context.accountID
        let users = try await database.iam.principals(.user, accountID: accountID, after: nil, limit: Self.listingLimit)
        let groups = try await database.iam.principals(.group, accountID: accountID, after: nil, limit: Self.listingLimit)
        let roles = try await database.iam.principals(.role, accountID: accountID, after: nil, limit: Self.listingLimit)
        let policies = try await database.managedPolicies.policies(
            accountID: accountID, scope: "Local", pathPrefix: "/", after: nil, limit: Self.listingLimit)
        let profiles = try await database.instanceProfiles.profiles(accountID: accountID, pathPrefix: "/", limit: Self.listingLimit)
        let devices = try await database.credentials.mfaDevices(accountID: accountID)
        let rootKeys = try await database.credentials.accessKeys(ofUser: nil, accountID: accountID)
        let providers = try await database.oidcProviders.list(accountID: accountID)
        var versionsInUse = 0
        for entity in users + groups + roles {
            versionsInUse += try await database.iam.attachedPolicies(of: entity.kind, entity.name, accountID: accountID).count
        }
        let counts: [String: Int] = [
            "Users": users.count,
            "Groups": groups.count,
            "Roles": roles.count,
            "Policies": policies.count,
            "InstanceProfiles": profiles.count,
            "MFADevices": devices.count,
            "MFADevicesInUse": devices.filter { $0.enabledAt != nil }.count,
            "AccountMFAEnabled": devices.contains { $0.enabledAt != nil && $0.userName == nil } ? 1 : 0,
            "AccountAccessKeysPresent": rootKeys.isEmpty ? 0 : 1,
            // Bulwark gives the root no console password and serves no server or signing certificates;
            // its identity providers are OpenID Connect ones (no SAML).
            "AccountPasswordPresent": 0,
            "AccountSigningCertificatesPresent": 0,
            "ServerCertificates": 0,
            "Providers": providers.count,
            "PolicyVersionsInUse": versionsInUse,
            "GlobalEndpointTokenVersion": 1,
        ]
        let quotas: [String: Int] = [
            "UsersQuota": 5000,
            "GroupsQuota": 300,
            "RolesQuota": 1000,
            "PoliciesQuota": 1500,
            "InstanceProfilesQuota": 1000,
            "ServerCertificatesQuota": 20,
            "UserPolicySizeQuota": PolicySizeLimit.userInlinePolicies,
            "GroupPolicySizeQuota": PolicySizeLimit.groupInlinePolicies,
            "RolePolicySizeQuota": PolicySizeLimit.roleInlinePolicies,
            "PolicySizeQuota": PolicySizeLimit.managedPolicy,
            "AssumeRolePolicySizeQuota": PolicySizeLimit.trustPolicy,
            "GroupsPerUserQuota": self.quotas.groupsPerUser,
            "SigningCertificatesPerUserQuota": 2,
            "AccessKeysPerUserQuota": self.quotas.accessKeysPerUser,
            "AttachedPoliciesPerGroupQuota": self.quotas.managedPoliciesPerEntity,
            "AttachedPoliciesPerRoleQuota": self.quotas.managedPoliciesPerEntity,
            "AttachedPoliciesPerUserQuota": self.quotas.managedPoliciesPerEntity,
            "VersionsPerPolicyQuota": self.quotas.versionsPerPolicy,
            "PolicyVersionsInUseQuota": 10000,
        ]
        return IAMAPI.GetAccountSummaryResponse(summaryMap: counts.merging(quotas) { first, _ in first })
    }
}
