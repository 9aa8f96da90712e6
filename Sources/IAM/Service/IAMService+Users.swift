import AWSWire
import BulwarkCore
import Foundation
import Store

extension IAMService {
    var userOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "CreateUser", action: "iam:CreateUser", readOnly: false, input: IAMAPI.CreateUserRequest.self,
                references: { input, _ in
                    [Self.named(.user, "UserName", input.userName, creating: input.path ?? "/")]
                        + (try Self.namedPolicy("PermissionsBoundary", input.permissionsBoundary))
                },
                conditionKeys: { input, _, _ in Self.boundaryKey(input.permissionsBoundary).merging(Self.requestTagKeys(input.tags)) { $1 } },
                furtherChecks: { input, resolution, _ in
                    Self.tagOnCreate(input.tags, action: "iam:TagUser", resource: resolution.actedOnARNs[0])
                },
                handler: createUser
            ),
            ServiceOperation(
                "GetUser", action: "iam:GetUser", readOnly: true, input: IAMAPI.GetUserRequest.self,
                references: { input, context in Self.userOrCaller(input.userName, context) },
                resources: { _, resolution, context in Self.userOrCallerARN(resolution, context) },
                handler: getUser
            ),
            ServiceOperation(
                "ListUsers", action: "iam:ListUsers", readOnly: true, input: IAMAPI.ListUsersRequest.self,
                handler: listUsers
            ),
            ServiceOperation(
                "UpdateUser", action: "iam:UpdateUser", readOnly: false, input: IAMAPI.UpdateUserRequest.self,
                references: { input, _ in [Self.named(.user, "UserName", input.userName)] },
                resources: { input, resolution, context in
                    // Renaming or moving needs permission on the user as it is and as it will be.
                    guard let current = resolution["UserName"] else { return [] }
                    guard input.newUserName != nil || input.newPath != nil else { return [current.arn] }
                    let user = current.entity(as: IAMPrincipalRecord.self)
                    let path = input.newPath ?? user?.path ?? "/"
                    let target = Self.arn(.user, accountID: current.accountID, path: path, name: input.newUserName ?? user?.name ?? input.userName)
                    return target == current.arn ? [current.arn] : [current.arn, target]
                },
                handler: updateUser
            ),
            ServiceOperation(
                "DeleteUser", action: "iam:DeleteUser", readOnly: false, input: IAMAPI.DeleteUserRequest.self,
                references: { input, _ in [Self.named(.user, "UserName", input.userName)] },
                handler: deleteUser
            ),
            ServiceOperation(
                "TagUser", action: "iam:TagUser", readOnly: false, input: IAMAPI.TagUserRequest.self,
                references: { input, _ in [Self.named(.user, "UserName", input.userName)] },
                conditionKeys: { input, _, _ in Self.requestTagKeys(input.tags) },
                handler: tagUser
            ),
            ServiceOperation(
                "UntagUser", action: "iam:UntagUser", readOnly: false, input: IAMAPI.UntagUserRequest.self,
                references: { input, _ in [Self.named(.user, "UserName", input.userName)] },
                conditionKeys: { input, _, _ in AuthorizationCheck.tagKeys(input.tagKeys) },
                handler: untagUser
            ),
            ServiceOperation(
                "ListUserTags", action: "iam:ListUserTags", readOnly: true, input: IAMAPI.ListUserTagsRequest.self,
                references: { input, _ in [Self.named(.user, "UserName", input.userName)] },
                handler: listUserTags
            ),
        ]
    }

    @Sendable func createUser(_ input: IAMAPI.CreateUserRequest, _ context: CallContext) async throws -> IAMAPI.CreateUserResponse {
        let tags = try Self.checkTags(input.tags)
        if let boundary = input.permissionsBoundary { try await checkBoundaryPolicy(boundary, context) }
        let record = IAMPrincipalRecord(
            kind: .user, accountID: context.accountID, name: input.userName, uniqueID: KeyMaterial.uniqueID(prefix: Self.idPrefix(.user)),
            path: input.path ?? "/", createdAt: clock.now(), permissionsBoundary: input.permissionsBoundary, tags: tags
        )
        do {
            try await database.iam.create(record)
        } catch StoreError.conflict {
            throw Self.alreadyExists(.user, input.userName)
        }
        return IAMAPI.CreateUserResponse(user: Self.user(record, detailed: true))
    }

    @Sendable func getUser(_ input: IAMAPI.GetUserRequest, _ context: CallContext) async throws -> IAMAPI.GetUserResponse {
        guard let name = try Self.callerUserName(input.userName, context) else {
            // The root answers for itself: its account id as user id, its ARN, no name or path.
            let created = try await database.accounts.account()?.createdAt ?? Date(timeIntervalSince1970: 0)
            return IAMAPI.GetUserResponse(
                user: IAMAPI.User(path: "", userName: "", userId: context.accountID, arn: context.principal.arn, createDate: created))
        }
        return IAMAPI.GetUserResponse(user: Self.user(try existing(.user, name, context), detailed: true))
    }

    @Sendable func listUsers(_ input: IAMAPI.ListUsersRequest, _ context: CallContext) async throws -> IAMAPI.ListUsersResponse {
        let page = try await listEntities(.user, pathPrefix: input.pathPrefix, marker: input.marker, maxItems: input.maxItems, context)
        return IAMAPI.ListUsersResponse(
            users: page.items.map { Self.user($0, detailed: false) }, isTruncated: page.isTruncated, marker: page.marker)
    }

    @Sendable func updateUser(_ input: IAMAPI.UpdateUserRequest, _ context: CallContext) async throws -> EmptyOutput {
        // The user as stored: its keys, groups and policies name it in its own case.
        let user = try existing(.user, input.userName, context)
        guard input.newUserName != nil || input.newPath != nil else { return EmptyOutput() }
        let newName = input.newUserName ?? user.name
        do {
            try await database.iam.renameUser(accountID: context.accountID, name: user.name, newName: newName, newPath: input.newPath)
        } catch StoreError.notFound {
            throw Self.noSuch(.user, input.userName)
        } catch StoreError.conflict {
            throw Self.alreadyExists(.user, newName)
        }
        return EmptyOutput()
    }

    @Sendable func deleteUser(_ input: IAMAPI.DeleteUserRequest, _ context: CallContext) async throws -> EmptyOutput {
        try await deleteEntity(.user, input.userName, context)
        return EmptyOutput()
    }

    @Sendable func tagUser(_ input: IAMAPI.TagUserRequest, _ context: CallContext) async throws -> EmptyOutput {
        try await tagEntity(.user, input.userName, input.tags, context)
        return EmptyOutput()
    }

    @Sendable func untagUser(_ input: IAMAPI.UntagUserRequest, _ context: CallContext) async throws -> EmptyOutput {
        try await untagEntity(.user, input.userName, input.tagKeys, context)
        return EmptyOutput()
    }

    @Sendable func listUserTags(_ input: IAMAPI.ListUserTagsRequest, _ context: CallContext) async throws -> IAMAPI.ListUserTagsResponse {
        let page = try await listEntityTags(.user, input.userName, marker: input.marker, maxItems: input.maxItems, context)
        return IAMAPI.ListUserTagsResponse(tags: page.items, isTruncated: page.isTruncated, marker: page.marker)
    }
}

// MARK: - The caller's own user

extension IAMService {
    /// The user an operation with an optional `UserName` acts on: the named one, else the caller's own
    /// user; nil for the account root (which acts on itself). Role sessions must name a user.
    static func callerUserName(_ userName: String?, _ context: CallContext) throws -> String? {
        if let userName { return userName }
        switch context.principal.kind {
        case .iamUser:
            guard let name = context.principal.userName else {
                throw IAMError.validation("Must specify userName when calling with non-User credentials")
            }
            return name
        case .root:
            return nil
        case .assumedRole, .federatedUser, .awsService, .unauthenticated:
            throw IAMError.validation("Must specify userName when calling with non-User credentials")
        }
    }

    /// The reference of an operation with an optional `UserName`: the named user, else the calling
    /// user itself (none for the root and roles, which act on themselves).
    static func userOrCaller(_ userName: String?, _ context: CallContext) -> [ResourceReference] {
        guard let name = userName ?? (context.principal.kind == .iamUser ? context.principal.userName : nil) else { return [] }
        return [named(.user, "UserName", name)]
    }

    /// The resource of such an operation: the user resolved, else the caller itself.
    static func userOrCallerARN(_ resolution: Resolution, _ context: CallContext) -> [String] {
        [resolution["UserName"]?.arn ?? context.principal.arn]
    }

    /// Every entity of a kind under a path prefix, one page of it.
    func listEntities(
        _ kind: IAMPrincipalKind, pathPrefix: String?, marker: String?, maxItems: Int?, _ context: CallContext
    ) async throws -> IAMPage<IAMPrincipalRecord> {
        let all = try await database.iam.principals(
            kind, accountID: context.accountID, pathPrefix: pathPrefix ?? "/", after: nil, limit: Self.listingLimit)
        return try IAMPage(all, key: \.name, marker: marker, maxItems: maxItems)
    }

    /// More than IAM's largest quota of any entity (5,000 users; 5,000 roles by default).
    static let listingLimit = 100_000
}
