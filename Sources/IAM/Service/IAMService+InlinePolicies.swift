import AWSWire
import BulwarkCore
import Foundation
import Store

/// Inline policies of users, groups and roles.
extension IAMService {
    var inlinePolicyOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "PutUserPolicy", action: "iam:PutUserPolicy", readOnly: false, input: IAMAPI.PutUserPolicyRequest.self,
                references: { input, _ in [Self.named(.user, "UserName", input.userName)] },
                conditionKeys: { _, resolution, _ in Self.currentBoundaryKey(resolution) },
                handler: { input, context in
                    try await putInlinePolicy(input.policyDocument, named: input.policyName, of: .user, input.userName, context)
                }
            ),
            ServiceOperation(
                "GetUserPolicy", action: "iam:GetUserPolicy", readOnly: true, input: IAMAPI.GetUserPolicyRequest.self,
                references: { input, _ in [Self.named(.user, "UserName", input.userName)] },
                handler: { input, context in
                    let (owner, document) = try await inlinePolicy(named: input.policyName, of: .user, input.userName, context)
                    return IAMAPI.GetUserPolicyResponse(userName: owner, policyName: input.policyName, policyDocument: document)
                }
            ),
            ServiceOperation(
                "ListUserPolicies", action: "iam:ListUserPolicies", readOnly: true, input: IAMAPI.ListUserPoliciesRequest.self,
                references: { input, _ in [Self.named(.user, "UserName", input.userName)] },
                handler: { input, context in
                    let page = try await inlinePolicyNames(of: .user, input.userName, marker: input.marker, maxItems: input.maxItems, context)
                    return IAMAPI.ListUserPoliciesResponse(policyNames: page.items, isTruncated: page.isTruncated, marker: page.marker)
                }
            ),
            ServiceOperation(
                "DeleteUserPolicy", action: "iam:DeleteUserPolicy", readOnly: false, input: IAMAPI.DeleteUserPolicyRequest.self,
                references: { input, _ in [Self.named(.user, "UserName", input.userName)] },
                conditionKeys: { _, resolution, _ in Self.currentBoundaryKey(resolution) },
                handler: { input, context in try await deleteInlinePolicy(named: input.policyName, of: .user, input.userName, context) }
            ),
            ServiceOperation(
                "PutGroupPolicy", action: "iam:PutGroupPolicy", readOnly: false, input: IAMAPI.PutGroupPolicyRequest.self,
                references: { input, _ in [Self.named(.group, "GroupName", input.groupName)] },
                handler: { input, context in
                    try await putInlinePolicy(input.policyDocument, named: input.policyName, of: .group, input.groupName, context)
                }
            ),
            ServiceOperation(
                "GetGroupPolicy", action: "iam:GetGroupPolicy", readOnly: true, input: IAMAPI.GetGroupPolicyRequest.self,
                references: { input, _ in [Self.named(.group, "GroupName", input.groupName)] },
                handler: { input, context in
                    let (owner, document) = try await inlinePolicy(named: input.policyName, of: .group, input.groupName, context)
                    return IAMAPI.GetGroupPolicyResponse(groupName: owner, policyName: input.policyName, policyDocument: document)
                }
            ),
            ServiceOperation(
                "ListGroupPolicies", action: "iam:ListGroupPolicies", readOnly: true, input: IAMAPI.ListGroupPoliciesRequest.self,
                references: { input, _ in [Self.named(.group, "GroupName", input.groupName)] },
                handler: { input, context in
                    let page = try await inlinePolicyNames(of: .group, input.groupName, marker: input.marker, maxItems: input.maxItems, context)
                    return IAMAPI.ListGroupPoliciesResponse(policyNames: page.items, isTruncated: page.isTruncated, marker: page.marker)
                }
            ),
            ServiceOperation(
                "DeleteGroupPolicy", action: "iam:DeleteGroupPolicy", readOnly: false, input: IAMAPI.DeleteGroupPolicyRequest.self,
                references: { input, _ in [Self.named(.group, "GroupName", input.groupName)] },
                handler: { input, context in try await deleteInlinePolicy(named: input.policyName, of: .group, input.groupName, context) }
            ),
            ServiceOperation(
                "PutRolePolicy", action: "iam:PutRolePolicy", readOnly: false, input: IAMAPI.PutRolePolicyRequest.self,
                references: { input, _ in [Self.named(.role, "RoleName", input.roleName)] },
                conditionKeys: { _, resolution, _ in Self.currentBoundaryKey(resolution) },
                handler: { input, context in
                    try await putInlinePolicy(input.policyDocument, named: input.policyName, of: .role, input.roleName, context)
                }
            ),
            ServiceOperation(
                "GetRolePolicy", action: "iam:GetRolePolicy", readOnly: true, input: IAMAPI.GetRolePolicyRequest.self,
                references: { input, _ in [Self.named(.role, "RoleName", input.roleName)] },
                handler: { input, context in
                    let (owner, document) = try await inlinePolicy(named: input.policyName, of: .role, input.roleName, context)
                    return IAMAPI.GetRolePolicyResponse(roleName: owner, policyName: input.policyName, policyDocument: document)
                }
            ),
            ServiceOperation(
                "ListRolePolicies", action: "iam:ListRolePolicies", readOnly: true, input: IAMAPI.ListRolePoliciesRequest.self,
                references: { input, _ in [Self.named(.role, "RoleName", input.roleName)] },
                handler: { input, context in
                    let page = try await inlinePolicyNames(of: .role, input.roleName, marker: input.marker, maxItems: input.maxItems, context)
                    return IAMAPI.ListRolePoliciesResponse(policyNames: page.items, isTruncated: page.isTruncated, marker: page.marker)
                }
            ),
            ServiceOperation(
                "DeleteRolePolicy", action: "iam:DeleteRolePolicy", readOnly: false, input: IAMAPI.DeleteRolePolicyRequest.self,
                references: { input, _ in [Self.named(.role, "RoleName", input.roleName)] },
                conditionKeys: { _, resolution, _ in Self.currentBoundaryKey(resolution) },
                handler: { input, context in try await deleteInlinePolicy(named: input.policyName, of: .role, input.roleName, context) }
            ),
        ]
    }

    func putInlinePolicy(
        _ document: String, named policyName: String, of kind: IAMPrincipalKind, _ name: String, _ context: CallContext
    ) async throws -> EmptyOutput {
        let owner = try existing(kind, name, context)
        try Self.checkModifiable(owner)
        try PolicyText.check(document, kind: .identity)
        // The quota is on the sum of all inline policies of the entity, this one replacing its namesake.
        let others = try await database.iam.inlinePolicies(of: kind, owner.name, accountID: context.accountID)
            .filter { $0.name.lowercased() != policyName.lowercased() }
        let total = others.reduce(PolicySizeLimit.size(of: document)) { $0 + PolicySizeLimit.size(of: $1.document) }
        let inlineOwner = Self.inlineOwner(kind)
        guard total <= inlineOwner.limit else { throw PolicySizeLimit.inlinePoliciesExceeded(owner: inlineOwner, name: owner.name) }
        try await database.iam.putInlinePolicy(document, named: policyName, of: kind, owner.name, accountID: context.accountID)
        return EmptyOutput()
    }

    /// The owner's name as stored and the policy's document, URL-encoded as IAM answers it.
    func inlinePolicy(
        named policyName: String, of kind: IAMPrincipalKind, _ name: String, _ context: CallContext
    ) async throws -> (String, String) {
        let owner = try existing(kind, name, context)
        guard let document = try await database.iam.inlinePolicy(named: policyName, of: kind, owner.name, accountID: context.accountID) else {
            throw Self.noSuchInlinePolicy(kind, policyName)
        }
        return (owner.name, PolicyText.encode(document))
    }

    func inlinePolicyNames(
        of kind: IAMPrincipalKind, _ name: String, marker: String?, maxItems: Int?, _ context: CallContext
    ) async throws -> IAMPage<String> {
        let owner = try existing(kind, name, context)
        let policies = try await database.iam.inlinePolicies(of: kind, owner.name, accountID: context.accountID)
        return try IAMPage(policies.map(\.name), key: { $0 }, marker: marker, maxItems: maxItems)
    }

    func deleteInlinePolicy(named policyName: String, of kind: IAMPrincipalKind, _ name: String, _ context: CallContext) async throws -> EmptyOutput {
        let owner = try existing(kind, name, context)
        try Self.checkModifiable(owner)
        do {
            try await database.iam.deleteInlinePolicy(named: policyName, of: kind, owner.name, accountID: context.accountID)
        } catch StoreError.notFound {
            throw Self.noSuchInlinePolicy(kind, policyName)
        }
        return EmptyOutput()
    }

    static func noSuchInlinePolicy(_ kind: IAMPrincipalKind, _ policyName: String) -> AWSError {
        IAMError.noSuchEntity("The \(kind.rawValue) policy with name \(policyName) cannot be found.")
    }

    static func inlineOwner(_ kind: IAMPrincipalKind) -> PolicySizeLimit.InlineOwner {
        switch kind {
        case .user: .user
        case .group: .group
        case .role: .role
        }
    }
}
