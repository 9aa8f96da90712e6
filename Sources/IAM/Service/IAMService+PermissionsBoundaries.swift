import AWSWire
import BulwarkCore
import Foundation
import Store

/// Permissions boundaries of users and roles: a managed policy that caps what their policies grant.
extension IAMService {
    var permissionsBoundaryOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "PutUserPermissionsBoundary", action: "iam:PutUserPermissionsBoundary", readOnly: false,
                input: IAMAPI.PutUserPermissionsBoundaryRequest.self,
                references: { input, _ in
                    [Self.named(.user, "UserName", input.userName)] + (try Self.namedPolicy("PermissionsBoundary", input.permissionsBoundary))
                },
                conditionKeys: { input, _, _ in Self.boundaryKey(input.permissionsBoundary) },
                handler: { input, context in try await setBoundary(input.permissionsBoundary, of: .user, input.userName, context) }
            ),
            ServiceOperation(
                "DeleteUserPermissionsBoundary", action: "iam:DeleteUserPermissionsBoundary", readOnly: false,
                input: IAMAPI.DeleteUserPermissionsBoundaryRequest.self,
                references: { input, _ in [Self.named(.user, "UserName", input.userName)] },
                conditionKeys: { _, resolution, _ in Self.currentBoundaryKey(resolution) },
                handler: { input, context in try await setBoundary(nil, of: .user, input.userName, context) }
            ),
            ServiceOperation(
                "PutRolePermissionsBoundary", action: "iam:PutRolePermissionsBoundary", readOnly: false,
                input: IAMAPI.PutRolePermissionsBoundaryRequest.self,
                references: { input, _ in
                    [Self.named(.role, "RoleName", input.roleName)] + (try Self.namedPolicy("PermissionsBoundary", input.permissionsBoundary))
                },
                conditionKeys: { input, _, _ in Self.boundaryKey(input.permissionsBoundary) },
                handler: { input, context in try await setBoundary(input.permissionsBoundary, of: .role, input.roleName, context) }
            ),
            ServiceOperation(
                "DeleteRolePermissionsBoundary", action: "iam:DeleteRolePermissionsBoundary", readOnly: false,
                input: IAMAPI.DeleteRolePermissionsBoundaryRequest.self,
                references: { input, _ in [Self.named(.role, "RoleName", input.roleName)] },
                conditionKeys: { _, resolution, _ in Self.currentBoundaryKey(resolution) },
                handler: { input, context in try await setBoundary(nil, of: .role, input.roleName, context) }
            ),
        ]
    }

    /// Sets (or, with nil, removes) the boundary of a user or role.
    func setBoundary(_ policyARN: String?, of kind: IAMPrincipalKind, _ name: String, _ context: CallContext) async throws -> EmptyOutput {
        try Self.checkModifiable(try existing(kind, name, context))
        if let policyARN { try await checkBoundaryPolicy(policyARN, context) }
        do {
            try await database.iam.update(kind, accountID: context.accountID, name: name) { $0.permissionsBoundary = policyARN }
        } catch StoreError.notFound {
            throw Self.noSuch(kind, name)
        }
        return EmptyOutput()
    }

    /// A boundary must be a managed policy the account can attach.
    func checkBoundaryPolicy(_ policyARN: String, _ context: CallContext) async throws {
        let policy: ManagedPolicyRecord
        do {
            policy = try await visiblePolicy(policyARN, context)
        } catch let error as AWSError where error.code == "NoSuchEntity" {
            throw IAMError.noSuchEntity("Scope ARN: \(policyARN) does not exist or is not attachable.")
        }
        try Self.checkAttachable(policy)
    }
}
