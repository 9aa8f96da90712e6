import AWSWire
import BulwarkCore
import Foundation
import Store

/// `GetAccountAuthorizationDetails`: a snapshot of every identity, its policies and their relations.
extension IAMService {
    var authorizationDetailsOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "GetAccountAuthorizationDetails", action: "iam:GetAccountAuthorizationDetails", readOnly: true,
                input: IAMAPI.GetAccountAuthorizationDetailsRequest.self,
                handler: getAccountAuthorizationDetails
            )
        ]
    }

    /// One entity of the snapshot; a page may end between any two.
    enum AuthorizationDetail {
        case user(IAMAPI.UserDetail)
        case group(IAMAPI.GroupDetail)
        case role(IAMAPI.RoleDetail)
        case policy(IAMAPI.ManagedPolicyDetail)
    }

    @Sendable func getAccountAuthorizationDetails(
        _ input: IAMAPI.GetAccountAuthorizationDetailsRequest, _ context: CallContext
    ) async throws -> IAMAPI.GetAccountAuthorizationDetailsResponse {
        // No filter means every type.
        let filter = Set(input.filter ?? ["User", "Group", "Role", "LocalManagedPolicy", "AWSManagedPolicy"])
        var details: [AuthorizationDetail] = []
        if filter.contains("User") {
            for user in try await allEntities(.user, context) { details.append(.user(try await userDetail(user, context))) }
        }
        if filter.contains("Group") {
            for group in try await allEntities(.group, context) { details.append(.group(try await groupDetail(group, context))) }
        }
        if filter.contains("Role") {
            for role in try await allEntities(.role, context) { details.append(.role(try await roleDetail(role, context))) }
        }
        if filter.contains("LocalManagedPolicy") || filter.contains("AWSManagedPolicy") {
            let policies = try await database.managedPolicies.policies(
                accountID: context.accountID, scope: "All", pathPrefix: "/", after: nil, limit: Self.listingLimit)
            let usageByPolicy = try await database.iam.usageByPolicy(accountID: context.accountID)
            for record in policies {
                let local = record.accountID == context.accountID
                guard filter.contains(local ? "LocalManagedPolicy" : "AWSManagedPolicy") else { continue }
                let usage = usageByPolicy[record.arn] ?? (0, 0)
                // Of AWS's own policies, IAM reports those the account uses.
                if !local, usage.attachments + usage.boundaries == 0 { continue }
                details.append(.policy(try await policyDetail(record, usage: usage)))
            }
        }
        // The snapshot's order is fixed (users, groups, roles, policies); the marker is the position.
        let positioned = details.enumerated().map { (String(format: "%06d", $0.offset), $0.element) }
        let page = try IAMPage(positioned, key: \.0, marker: input.marker, maxItems: input.maxItems)
        var response = IAMAPI.GetAccountAuthorizationDetailsResponse(
            userDetailList: [], groupDetailList: [], roleDetailList: [], policies: [], isTruncated: page.isTruncated, marker: page.marker)
        for (_, detail) in page.items {
            switch detail {
            case .user(let user): response.userDetailList?.append(user)
            case .group(let group): response.groupDetailList?.append(group)
            case .role(let role): response.roleDetailList?.append(role)
            case .policy(let policy): response.policies?.append(policy)
            }
        }
        return response
    }

    private func allEntities(_ kind: IAMPrincipalKind, _ context: CallContext) async throws -> [IAMPrincipalRecord] {
        try await database.iam.principals(kind, accountID: context.accountID, after: nil, limit: Self.listingLimit)
    }

    private func inlineDetails(_ kind: IAMPrincipalKind, _ name: String, _ context: CallContext) async throws -> [IAMAPI.PolicyDetail] {
        try await database.iam.inlinePolicies(of: kind, name, accountID: context.accountID).map {
            IAMAPI.PolicyDetail(policyName: $0.name, policyDocument: PolicyText.encode($0.document))
        }
    }

    private func attachedList(_ kind: IAMPrincipalKind, _ name: String, _ context: CallContext) async throws -> [IAMAPI.AttachedPolicy] {
        try await attachedPolicies(of: kind, name, context).map { IAMAPI.AttachedPolicy(policyName: $0.name, policyArn: $0.arn) }
    }

    private func userDetail(_ user: IAMPrincipalRecord, _ context: CallContext) async throws -> IAMAPI.UserDetail {
        IAMAPI.UserDetail(
            path: user.path, userName: user.name, userId: user.uniqueID, arn: user.arn, createDate: user.createdAt,
            userPolicyList: try await inlineDetails(.user, user.name, context),
            groupList: try await database.iam.groups(ofUser: user.name, accountID: context.accountID).map(\.name),
            attachedManagedPolicies: try await attachedList(.user, user.name, context),
            permissionsBoundary: Self.boundary(user), tags: Self.tags(user.tags)
        )
    }

    private func groupDetail(_ group: IAMPrincipalRecord, _ context: CallContext) async throws -> IAMAPI.GroupDetail {
        IAMAPI.GroupDetail(
            path: group.path, groupName: group.name, groupId: group.uniqueID, arn: group.arn, createDate: group.createdAt,
            groupPolicyList: try await inlineDetails(.group, group.name, context),
            attachedManagedPolicies: try await attachedList(.group, group.name, context)
        )
    }

    private func roleDetail(_ role: IAMPrincipalRecord, _ context: CallContext) async throws -> IAMAPI.RoleDetail {
        IAMAPI.RoleDetail(
            path: role.path, roleName: role.name, roleId: role.uniqueID, arn: role.arn, createDate: role.createdAt,
            assumeRolePolicyDocument: role.trustPolicy.map(PolicyText.encode),
            instanceProfileList: try await database.instanceProfiles.profiles(holdingRole: role.uniqueID).map {
                Self.instanceProfile($0, role: role, withTags: false)
            },
            rolePolicyList: try await inlineDetails(.role, role.name, context),
            attachedManagedPolicies: try await attachedList(.role, role.name, context),
            permissionsBoundary: Self.boundary(role), tags: Self.tags(role.tags), roleLastUsed: IAMAPI.RoleLastUsed()
        )
    }

    private func policyDetail(_ record: ManagedPolicyRecord, usage: (attachments: Int, boundaries: Int)) async throws -> IAMAPI.ManagedPolicyDetail {
        let versions = try await database.managedPolicies.versions(record.arn)
        return IAMAPI.ManagedPolicyDetail(
            policyName: record.name, policyId: record.policyID, arn: record.arn, path: record.path, defaultVersionId: record.defaultVersion,
            attachmentCount: usage.attachments, permissionsBoundaryUsageCount: usage.boundaries, isAttachable: true,
            description: record.description, createDate: record.createdAt, updateDate: record.updatedAt,
            policyVersionList: versions.map { Self.version($0, defaultVersion: record.defaultVersion, withDocument: true) }
        )
    }
}
