import AWSWire
import BulwarkCore
import Foundation
import Store

extension IAMService {
    var roleOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "CreateRole", action: "iam:CreateRole", readOnly: false, input: IAMAPI.CreateRoleRequest.self,
                references: { input, _ in
                    [Self.named(.role, "RoleName", input.roleName, creating: input.path ?? "/")]
                        + (try Self.namedPolicy("PermissionsBoundary", input.permissionsBoundary))
                },
                conditionKeys: { input, _, _ in Self.boundaryKey(input.permissionsBoundary).merging(Self.requestTagKeys(input.tags)) { $1 } },
                furtherChecks: { input, resolution, _ in
                    Self.tagOnCreate(input.tags, action: "iam:TagRole", resource: resolution.actedOnARNs[0])
                },
                handler: createRole
            ),
            ServiceOperation(
                "GetRole", action: "iam:GetRole", readOnly: true, input: IAMAPI.GetRoleRequest.self,
                references: { input, _ in [Self.named(.role, "RoleName", input.roleName)] },
                handler: getRole
            ),
            ServiceOperation(
                "ListRoles", action: "iam:ListRoles", readOnly: true, input: IAMAPI.ListRolesRequest.self,
                handler: listRoles
            ),
            ServiceOperation(
                "UpdateRole", action: "iam:UpdateRole", readOnly: false, input: IAMAPI.UpdateRoleRequest.self,
                references: { input, _ in [Self.named(.role, "RoleName", input.roleName)] },
                handler: updateRole
            ),
            ServiceOperation(
                "UpdateAssumeRolePolicy", action: "iam:UpdateAssumeRolePolicy", readOnly: false,
                input: IAMAPI.UpdateAssumeRolePolicyRequest.self,
                references: { input, _ in [Self.named(.role, "RoleName", input.roleName)] },
                handler: updateAssumeRolePolicy
            ),
            ServiceOperation(
                "DeleteRole", action: "iam:DeleteRole", readOnly: false, input: IAMAPI.DeleteRoleRequest.self,
                references: { input, _ in [Self.named(.role, "RoleName", input.roleName)] },
                handler: deleteRole
            ),
            ServiceOperation(
                "TagRole", action: "iam:TagRole", readOnly: false, input: IAMAPI.TagRoleRequest.self,
                references: { input, _ in [Self.named(.role, "RoleName", input.roleName)] },
                conditionKeys: { input, _, _ in Self.requestTagKeys(input.tags) },
                handler: tagRole
            ),
            ServiceOperation(
                "UntagRole", action: "iam:UntagRole", readOnly: false, input: IAMAPI.UntagRoleRequest.self,
                references: { input, _ in [Self.named(.role, "RoleName", input.roleName)] },
                conditionKeys: { input, _, _ in AuthorizationCheck.tagKeys(input.tagKeys) },
                handler: untagRole
            ),
            ServiceOperation(
                "ListRoleTags", action: "iam:ListRoleTags", readOnly: true, input: IAMAPI.ListRoleTagsRequest.self,
                references: { input, _ in [Self.named(.role, "RoleName", input.roleName)] },
                handler: listRoleTags
            ),
        ]
    }

    @Sendable func createRole(_ input: IAMAPI.CreateRoleRequest, _ context: CallContext) async throws -> IAMAPI.CreateRoleResponse {
        try Self.checkTrustPolicy(input.assumeRolePolicyDocument)
        let tags = try Self.checkTags(input.tags)
        if let boundary = input.permissionsBoundary { try await checkBoundaryPolicy(boundary, context) }
        let principals = try await trustPolicyPrincipals(input.assumeRolePolicyDocument, context)
        let record = IAMPrincipalRecord(
            kind: .role, accountID: context.accountID, name: input.roleName, uniqueID: KeyMaterial.uniqueID(prefix: Self.idPrefix(.role)),
            path: input.path ?? "/", createdAt: clock.now(), trustPolicy: input.assumeRolePolicyDocument, description: input.description,
            maxSessionDuration: input.maxSessionDuration ?? Self.defaultMaxSessionDuration, permissionsBoundary: input.permissionsBoundary,
            tags: tags, trustPolicyPrincipals: principals
        )
        do {
            try await database.iam.create(record)
        } catch StoreError.conflict {
            throw Self.alreadyExists(.role, input.roleName)
        }
        // IAM's answer to CreateRole leaves out what GetRole adds: the session duration and last use.
        var role = Self.role(record, detailed: true)
        role.maxSessionDuration = nil
        role.roleLastUsed = nil
        return IAMAPI.CreateRoleResponse(role: role)
    }

    @Sendable func getRole(_ input: IAMAPI.GetRoleRequest, _ context: CallContext) async throws -> IAMAPI.GetRoleResponse {
        IAMAPI.GetRoleResponse(role: Self.role(try existing(.role, input.roleName, context), detailed: true))
    }

    @Sendable func listRoles(_ input: IAMAPI.ListRolesRequest, _ context: CallContext) async throws -> IAMAPI.ListRolesResponse {
        let page = try await listEntities(.role, pathPrefix: input.pathPrefix, marker: input.marker, maxItems: input.maxItems, context)
        return IAMAPI.ListRolesResponse(
            roles: page.items.map { Self.role($0, detailed: false) }, isTruncated: page.isTruncated, marker: page.marker)
    }

    @Sendable func updateRole(_ input: IAMAPI.UpdateRoleRequest, _ context: CallContext) async throws -> IAMAPI.UpdateRoleResponse {
        // The role the resolve stage found and the authorizer judged, under its stored name.
        let role = try existing(.role, input.roleName, context)
        // A service-linked role's description may change, its session duration not.
        if role.linkedService != nil, input.maxSessionDuration != nil {
            throw AWSError(
                code: "UnmodifiableEntity", message: "\(role.name) is an AWS service linked role, max session duration cannot be changed.",
                status: 400)
        }
        do {
            try await database.iam.update(.role, accountID: role.accountID, name: role.name) { record in
                if let description = input.description { record.description = description }
                if let duration = input.maxSessionDuration { record.maxSessionDuration = duration }
            }
        } catch StoreError.notFound {
            throw Self.noSuch(.role, input.roleName)
        }
        return IAMAPI.UpdateRoleResponse()
    }

    @Sendable func updateAssumeRolePolicy(_ input: IAMAPI.UpdateAssumeRolePolicyRequest, _ context: CallContext) async throws -> EmptyOutput {
        let role = try existing(.role, input.roleName, context)
        try Self.checkModifiable(role)
        try Self.checkTrustPolicy(input.policyDocument)
        let principals = try await trustPolicyPrincipals(input.policyDocument, context)
        do {
            try await database.iam.update(.role, accountID: context.accountID, name: role.name) { record in
                record.trustPolicy = input.policyDocument
                record.trustPolicyPrincipals = principals
            }
        } catch StoreError.notFound {
            throw Self.noSuch(.role, input.roleName)
        }
        return EmptyOutput()
    }

    @Sendable func deleteRole(_ input: IAMAPI.DeleteRoleRequest, _ context: CallContext) async throws -> EmptyOutput {
        try await deleteEntity(.role, input.roleName, context)
        return EmptyOutput()
    }

    @Sendable func tagRole(_ input: IAMAPI.TagRoleRequest, _ context: CallContext) async throws -> EmptyOutput {
        try await tagEntity(.role, input.roleName, input.tags, context)
        return EmptyOutput()
    }

    @Sendable func untagRole(_ input: IAMAPI.UntagRoleRequest, _ context: CallContext) async throws -> EmptyOutput {
        try await untagEntity(.role, input.roleName, input.tagKeys, context)
        return EmptyOutput()
    }

    @Sendable func listRoleTags(_ input: IAMAPI.ListRoleTagsRequest, _ context: CallContext) async throws -> IAMAPI.ListRoleTagsResponse {
        let page = try await listEntityTags(.role, input.roleName, marker: input.marker, maxItems: input.maxItems, context)
        return IAMAPI.ListRoleTagsResponse(tags: page.items, isTruncated: page.isTruncated, marker: page.marker)
    }

    /// The unique ids of the users and roles of the account that a trust policy names, which the role
    /// trusts from now on — not a namesake created later. IAM refuses a principal that does not exist.
    func trustPolicyPrincipals(_ document: String, _ context: CallContext) async throws -> PrincipalBindings {
        do {
            return try await database.iam.principalBindings(of: try PolicyText.check(document, kind: .trust), accountID: context.accountID)
        } catch IAMStoreError.invalidPrincipal(let arn) {
            throw AWSError(code: "MalformedPolicyDocument", message: "Invalid principal in policy: \"AWS\":\"\(arn)\"", status: 400)
        }
    }

    /// A trust policy must parse as one, name only services that exist, and fit the role trust
    /// policy quota.
    static func checkTrustPolicy(_ document: String) throws {
        let parsed = try PolicyText.check(document, kind: .trust)
        if let service = ServicePrincipalCatalog.firstUnknown(in: parsed) {
            throw MalformedPolicyDocument.invalidPrincipal("SERVICE", service).awsError
        }
        if PolicySizeLimit.size(of: document) > PolicySizeLimit.trustPolicy { throw PolicySizeLimit.trustPolicyExceeded() }
    }
}
