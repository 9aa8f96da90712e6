import AWSWire
import BulwarkCore
import Foundation
import Store

extension IAMService {
    var groupOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "CreateGroup", action: "iam:CreateGroup", readOnly: false, input: IAMAPI.CreateGroupRequest.self,
                references: { input, _ in [Self.named(.group, "GroupName", input.groupName, creating: input.path ?? "/")] },
                handler: createGroup
            ),
            ServiceOperation(
                "GetGroup", action: "iam:GetGroup", readOnly: true, input: IAMAPI.GetGroupRequest.self,
                references: { input, _ in [Self.named(.group, "GroupName", input.groupName)] },
                handler: getGroup
            ),
            ServiceOperation(
                "ListGroups", action: "iam:ListGroups", readOnly: true, input: IAMAPI.ListGroupsRequest.self,
                handler: listGroups
            ),
            ServiceOperation(
                "DeleteGroup", action: "iam:DeleteGroup", readOnly: false, input: IAMAPI.DeleteGroupRequest.self,
                references: { input, _ in [Self.named(.group, "GroupName", input.groupName)] },
                handler: deleteGroup
            ),
            ServiceOperation(
                "AddUserToGroup", action: "iam:AddUserToGroup", readOnly: false, input: IAMAPI.AddUserToGroupRequest.self,
                references: { input, _ in
                    [Self.named(.group, "GroupName", input.groupName), Self.named(.user, "UserName", input.userName).implied]
                },
                handler: addUserToGroup
            ),
            ServiceOperation(
                "RemoveUserFromGroup", action: "iam:RemoveUserFromGroup", readOnly: false, input: IAMAPI.RemoveUserFromGroupRequest.self,
                references: { input, _ in
                    [Self.named(.group, "GroupName", input.groupName), Self.named(.user, "UserName", input.userName).implied]
                },
                handler: removeUserFromGroup
            ),
            ServiceOperation(
                "ListGroupsForUser", action: "iam:ListGroupsForUser", readOnly: true, input: IAMAPI.ListGroupsForUserRequest.self,
                references: { input, _ in [Self.named(.user, "UserName", input.userName)] },
                handler: listGroupsForUser
            ),
        ]
    }

    @Sendable func createGroup(_ input: IAMAPI.CreateGroupRequest, _ context: CallContext) async throws -> IAMAPI.CreateGroupResponse {
        let record = IAMPrincipalRecord(
            kind: .group, accountID: context.accountID, name: input.groupName,
            uniqueID: KeyMaterial.uniqueID(prefix: Self.idPrefix(.group)), path: input.path ?? "/", createdAt: clock.now()
        )
        do {
            try await database.iam.create(record)
        } catch StoreError.conflict {
            throw Self.alreadyExists(.group, input.groupName)
        }
        return IAMAPI.CreateGroupResponse(group: Self.group(record))
    }

    @Sendable func getGroup(_ input: IAMAPI.GetGroupRequest, _ context: CallContext) async throws -> IAMAPI.GetGroupResponse {
        let group = try existing(.group, input.groupName, context)
        let users = try await database.iam.users(inGroup: group.name, accountID: context.accountID)
        let page = try IAMPage(users, key: \.name, marker: input.marker, maxItems: input.maxItems)
        return IAMAPI.GetGroupResponse(
            group: Self.group(group), users: page.items.map { Self.user($0, detailed: false) }, isTruncated: page.isTruncated,
            marker: page.marker
        )
    }

    @Sendable func listGroups(_ input: IAMAPI.ListGroupsRequest, _ context: CallContext) async throws -> IAMAPI.ListGroupsResponse {
        let page = try await listEntities(.group, pathPrefix: input.pathPrefix, marker: input.marker, maxItems: input.maxItems, context)
        return IAMAPI.ListGroupsResponse(groups: page.items.map(Self.group), isTruncated: page.isTruncated, marker: page.marker)
    }

    @Sendable func deleteGroup(_ input: IAMAPI.DeleteGroupRequest, _ context: CallContext) async throws -> EmptyOutput {
        try await deleteEntity(.group, input.groupName, context)
        return EmptyOutput()
    }

    @Sendable func addUserToGroup(_ input: IAMAPI.AddUserToGroupRequest, _ context: CallContext) async throws -> EmptyOutput {
        let group = try existing(.group, input.groupName, context)
        let user = try existing(.user, input.userName, context)
        let groups = try await database.iam.groups(ofUser: user.name, accountID: context.accountID)
        if groups.contains(where: { $0.name.lowercased() == group.name.lowercased() }) { return EmptyOutput() }
        guard groups.count < quotas.groupsPerUser else {
            throw IAMError.limitExceeded("Cannot exceed quota for GroupsPerUser: \(quotas.groupsPerUser)")
        }
        try await database.iam.addUser(user.name, toGroup: group.name, accountID: context.accountID)
        return EmptyOutput()
    }

    @Sendable func removeUserFromGroup(_ input: IAMAPI.RemoveUserFromGroupRequest, _ context: CallContext) async throws -> EmptyOutput {
        let group = try existing(.group, input.groupName, context)
        let user = try existing(.user, input.userName, context)
        let groups = try await database.iam.groups(ofUser: user.name, accountID: context.accountID)
        guard groups.contains(where: { $0.name.lowercased() == group.name.lowercased() }) else {
            throw IAMError.noSuchEntity("User \(user.name) is not in group \(group.name).")
        }
        try await database.iam.removeUser(user.name, fromGroup: group.name, accountID: context.accountID)
        return EmptyOutput()
    }

    @Sendable func listGroupsForUser(
        _ input: IAMAPI.ListGroupsForUserRequest, _ context: CallContext
    ) async throws -> IAMAPI.ListGroupsForUserResponse {
        let user = try existing(.user, input.userName, context)
        let groups = try await database.iam.groups(ofUser: user.name, accountID: context.accountID)
        let page = try IAMPage(groups, key: \.name, marker: input.marker, maxItems: input.maxItems)
        return IAMAPI.ListGroupsForUserResponse(groups: page.items.map(Self.group), isTruncated: page.isTruncated, marker: page.marker)
    }
}
