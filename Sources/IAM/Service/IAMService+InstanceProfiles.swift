import AWSWire
import BulwarkCore
import Foundation
import Store

/// Instance profiles: the container that hands one role to an EC2 instance. Authorized on
/// `arn:aws:iam::<account>:instance-profile/<path><name>`.
extension IAMService {
    var instanceProfileOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "CreateInstanceProfile", action: "iam:CreateInstanceProfile", readOnly: false,
                input: IAMAPI.CreateInstanceProfileRequest.self,
                references: { input, _ in [Self.namedProfile(input.instanceProfileName, creating: input.path ?? "/")] },
                conditionKeys: { input, _, _ in Self.requestTagKeys(input.tags) },
                furtherChecks: { input, resolution, _ in
                    Self.tagOnCreate(input.tags, action: "iam:TagInstanceProfile", resource: resolution.actedOnARNs[0])
                },
                handler: createInstanceProfile
            ),
            ServiceOperation(
                "GetInstanceProfile", action: "iam:GetInstanceProfile", readOnly: true, input: IAMAPI.GetInstanceProfileRequest.self,
                references: { input, _ in [Self.namedProfile(input.instanceProfileName)] },
                handler: getInstanceProfile
            ),
            ServiceOperation(
                "ListInstanceProfiles", action: "iam:ListInstanceProfiles", readOnly: true, input: IAMAPI.ListInstanceProfilesRequest.self,
                handler: listInstanceProfiles
            ),
            ServiceOperation(
                "DeleteInstanceProfile", action: "iam:DeleteInstanceProfile", readOnly: false,
                input: IAMAPI.DeleteInstanceProfileRequest.self,
                references: { input, _ in [Self.namedProfile(input.instanceProfileName)] },
                handler: deleteInstanceProfile
            ),
            // IAM asks iam:PassRole on the role too: a profile hands the role to whoever launches an instance with it.
            ServiceOperation(
                "AddRoleToInstanceProfile", action: "iam:AddRoleToInstanceProfile", readOnly: false,
                input: IAMAPI.AddRoleToInstanceProfileRequest.self,
                references: { input, _ in
                    [Self.namedProfile(input.instanceProfileName), Self.named(.role, "RoleName", input.roleName).implied]
                },
                furtherChecks: { _, resolution, _ in
                    guard let role = resolution["RoleName"] else { return [] }
                    return [AuthorizationCheck(action: "iam:PassRole", resource: role.arn)]
                },
                handler: addRoleToInstanceProfile
            ),
            ServiceOperation(
                "RemoveRoleFromInstanceProfile", action: "iam:RemoveRoleFromInstanceProfile", readOnly: false,
                input: IAMAPI.RemoveRoleFromInstanceProfileRequest.self,
                references: { input, _ in
                    [Self.namedProfile(input.instanceProfileName), Self.named(.role, "RoleName", input.roleName).implied]
                },
                handler: removeRoleFromInstanceProfile
            ),
            ServiceOperation(
                "ListInstanceProfilesForRole", action: "iam:ListInstanceProfilesForRole", readOnly: true,
                input: IAMAPI.ListInstanceProfilesForRoleRequest.self,
                references: { input, _ in [Self.named(.role, "RoleName", input.roleName)] },
                handler: listInstanceProfilesForRole
            ),
            ServiceOperation(
                "TagInstanceProfile", action: "iam:TagInstanceProfile", readOnly: false, input: IAMAPI.TagInstanceProfileRequest.self,
                references: { input, _ in [Self.namedProfile(input.instanceProfileName)] },
                conditionKeys: { input, _, _ in Self.requestTagKeys(input.tags) },
                handler: tagInstanceProfile
            ),
            ServiceOperation(
                "UntagInstanceProfile", action: "iam:UntagInstanceProfile", readOnly: false, input: IAMAPI.UntagInstanceProfileRequest.self,
                references: { input, _ in [Self.namedProfile(input.instanceProfileName)] },
                conditionKeys: { input, _, _ in AuthorizationCheck.tagKeys(input.tagKeys) },
                handler: untagInstanceProfile
            ),
            ServiceOperation(
                "ListInstanceProfileTags", action: "iam:ListInstanceProfileTags", readOnly: true,
                input: IAMAPI.ListInstanceProfileTagsRequest.self,
                references: { input, _ in [Self.namedProfile(input.instanceProfileName)] },
                handler: listInstanceProfileTags
            ),
        ]
    }

    @Sendable func createInstanceProfile(
        _ input: IAMAPI.CreateInstanceProfileRequest, _ context: CallContext
    ) async throws -> IAMAPI.CreateInstanceProfileResponse {
        let tags = try Self.checkTags(input.tags)
        let record = InstanceProfileRecord(
            accountID: context.accountID, name: input.instanceProfileName, uniqueID: KeyMaterial.uniqueID(prefix: "AIPA"),
            path: input.path ?? "/", createdAt: clock.now(), tags: tags)
        do {
            try await database.instanceProfiles.create(record)
        } catch StoreError.conflict {
            throw IAMError.entityAlreadyExists("Instance Profile \(input.instanceProfileName) already exists.")
        }
        return IAMAPI.CreateInstanceProfileResponse(instanceProfile: Self.instanceProfile(record, role: nil, withTags: true))
    }

    @Sendable func getInstanceProfile(
        _ input: IAMAPI.GetInstanceProfileRequest, _ context: CallContext
    ) async throws -> IAMAPI.GetInstanceProfileResponse {
        let profile = try existingProfile(input.instanceProfileName, context)
        let role = try await database.instanceProfiles.role(of: profile)
        return IAMAPI.GetInstanceProfileResponse(instanceProfile: Self.instanceProfile(profile, role: role, withTags: true))
    }

    @Sendable func listInstanceProfiles(
        _ input: IAMAPI.ListInstanceProfilesRequest, _ context: CallContext
    ) async throws -> IAMAPI.ListInstanceProfilesResponse {
        let all = try await database.instanceProfiles.profiles(
            accountID: context.accountID, pathPrefix: input.pathPrefix ?? "/", limit: Self.listingLimit)
        let page = try IAMPage(all, key: \.name, marker: input.marker, maxItems: input.maxItems)
        var profiles: [IAMAPI.InstanceProfile] = []
        for profile in page.items {
            profiles.append(Self.instanceProfile(profile, role: try await database.instanceProfiles.role(of: profile), withTags: false))
        }
        return IAMAPI.ListInstanceProfilesResponse(instanceProfiles: profiles, isTruncated: page.isTruncated, marker: page.marker)
    }

    @Sendable func deleteInstanceProfile(_ input: IAMAPI.DeleteInstanceProfileRequest, _ context: CallContext) async throws -> EmptyOutput {
        let profile = try existingProfile(input.instanceProfileName, context)
        do {
            try await database.instanceProfiles.delete(accountID: context.accountID, name: profile.name)
        } catch StoreError.notFound {
            throw Self.noSuchProfile(input.instanceProfileName)
        } catch IAMStoreError.hasDependents(let what) {
            throw IAMError.deleteConflict(Self.conflictMessage(.role, what))
        }
        return EmptyOutput()
    }

    @Sendable func addRoleToInstanceProfile(
        _ input: IAMAPI.AddRoleToInstanceProfileRequest, _ context: CallContext
    ) async throws -> EmptyOutput {
        let profile = try existingProfile(input.instanceProfileName, context)
        let role = try existing(.role, input.roleName, context)
        do {
            try await database.instanceProfiles.update(accountID: context.accountID, name: profile.name) { record in
                // An instance profile holds one role, and the quota cannot be raised.
                guard record.roleID == nil else {
                    throw IAMError.limitExceeded("Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1")
                }
                record.roleID = role.uniqueID
            }
        } catch StoreError.notFound {
            throw Self.noSuchProfile(input.instanceProfileName)
        }
        return EmptyOutput()
    }

    @Sendable func removeRoleFromInstanceProfile(
        _ input: IAMAPI.RemoveRoleFromInstanceProfileRequest, _ context: CallContext
    ) async throws -> EmptyOutput {
        let profile = try existingProfile(input.instanceProfileName, context)
        let role = try existing(.role, input.roleName, context)
        do {
            try await database.instanceProfiles.update(accountID: context.accountID, name: profile.name) { record in
                guard record.roleID == role.uniqueID else { throw IAMError.noSuchRole(input.roleName) }
                record.roleID = nil
            }
        } catch StoreError.notFound {
            throw Self.noSuchProfile(input.instanceProfileName)
        }
        return EmptyOutput()
    }

    @Sendable func listInstanceProfilesForRole(
        _ input: IAMAPI.ListInstanceProfilesForRoleRequest, _ context: CallContext
    ) async throws -> IAMAPI.ListInstanceProfilesForRoleResponse {
        let role = try existing(.role, input.roleName, context)
        let all = try await database.instanceProfiles.profiles(holdingRole: role.uniqueID)
        let page = try IAMPage(all, key: \.name, marker: input.marker, maxItems: input.maxItems)
        return IAMAPI.ListInstanceProfilesForRoleResponse(
            instanceProfiles: page.items.map { Self.instanceProfile($0, role: role, withTags: false) }, isTruncated: page.isTruncated,
            marker: page.marker)
    }

    @Sendable func tagInstanceProfile(_ input: IAMAPI.TagInstanceProfileRequest, _ context: CallContext) async throws -> EmptyOutput {
        let tags = try Self.checkTags(input.tags)
        let limit = quotas.tagsPerEntity
        try await changeProfile(input.instanceProfileName, context) { record in
            record.tags = try Self.merging(tags, into: record.tags, limit: limit)
        }
        return EmptyOutput()
    }

    @Sendable func untagInstanceProfile(_ input: IAMAPI.UntagInstanceProfileRequest, _ context: CallContext) async throws -> EmptyOutput {
        let removed = Set(input.tagKeys.map { $0.lowercased() })
        try await changeProfile(input.instanceProfileName, context) { record in
            record.tags.removeAll { removed.contains($0.key.lowercased()) }
        }
        return EmptyOutput()
    }

    @Sendable func listInstanceProfileTags(
        _ input: IAMAPI.ListInstanceProfileTagsRequest, _ context: CallContext
    ) async throws -> IAMAPI.ListInstanceProfileTagsResponse {
        let page = try Self.tagPage(try existingProfile(input.instanceProfileName, context).tags, marker: input.marker, maxItems: input.maxItems)
        return IAMAPI.ListInstanceProfileTagsResponse(tags: page.items, isTruncated: page.isTruncated, marker: page.marker)
    }

    // MARK: Shared steps

    /// The reference to an instance profile by name (or, for one to create, its name and path).
    static func namedProfile(_ name: String, creating path: String? = nil) -> ResourceReference {
        ResourceReference(
            .iamInstanceProfile, member: "InstanceProfileName", text: name, path: path, intent: path == nil ? .existing : .creating)
    }

    /// The instance profile the resolve stage found, or NoSuchEntity in IAM's words.
    func existingProfile(_ name: String, _ context: CallContext) throws -> InstanceProfileRecord {
        guard let resolved = context.resolution.resource(.iamInstanceProfile, named: name) else {
            throw AWSError.undeclaredReference(.iamInstanceProfile, requestID: context.requestID)
        }
        guard let record = resolved.entity(as: InstanceProfileRecord.self) else { throw Self.noSuchProfile(name) }
        return record
    }

    static func noSuchProfile(_ name: String) -> AWSError {
        IAMError.noSuchEntity("Instance Profile \(name) cannot be found.")
    }

    private func changeProfile(
        _ name: String, _ context: CallContext, _ change: @escaping @Sendable (inout InstanceProfileRecord) throws -> Void
    ) async throws {
        let profile = try existingProfile(name, context)
        do {
            try await database.instanceProfiles.update(accountID: context.accountID, name: profile.name, change)
        } catch StoreError.notFound {
            throw Self.noSuchProfile(name)
        }
    }

    /// A profile as IAM answers it: its role as in `CreateRole`'s answer; tags only where IAM gives them.
    static func instanceProfile(_ record: InstanceProfileRecord, role: IAMPrincipalRecord?, withTags: Bool) -> IAMAPI.InstanceProfile {
        IAMAPI.InstanceProfile(
            path: record.path, instanceProfileName: record.name, instanceProfileId: record.uniqueID, arn: record.arn,
            createDate: record.createdAt, roles: role.map { [profileRole($0)] } ?? [], tags: withTags ? tags(record.tags) : nil
        )
    }

    /// A role inside an instance profile: its identity and trust policy, without what only `GetRole` adds.
    static func profileRole(_ record: IAMPrincipalRecord) -> IAMAPI.Role {
        var role = Self.role(record, detailed: false)
        role.maxSessionDuration = nil
        return role
    }
}
