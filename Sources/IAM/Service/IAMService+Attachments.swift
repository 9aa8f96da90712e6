import AWSWire
import BulwarkCore
import Foundation
import Store

/// Managed policies attached to users, groups and roles.
extension IAMService {
    var attachmentOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "AttachUserPolicy", action: "iam:AttachUserPolicy", readOnly: false, input: IAMAPI.AttachUserPolicyRequest.self,
                references: { input, _ in
                    [Self.named(.user, "UserName", input.userName)] + (try Self.namedPolicy("PolicyArn", input.policyArn))
                },
                conditionKeys: { input, resolution, _ in
                    Self.currentBoundaryKey(resolution).merging(Self.policyARNKey(input.policyArn)) { $1 }
                },
                handler: { input, context in try await attach(input.policyArn, to: .user, input.userName, context) }
            ),
            ServiceOperation(
                "DetachUserPolicy", action: "iam:DetachUserPolicy", readOnly: false, input: IAMAPI.DetachUserPolicyRequest.self,
                references: { input, _ in
                    try Self.checkPolicyARN(input.policyArn)
                    return [Self.named(.user, "UserName", input.userName)]
                },
                conditionKeys: { input, resolution, _ in
                    Self.currentBoundaryKey(resolution).merging(Self.policyARNKey(input.policyArn)) { $1 }
                },
                handler: { input, context in try await detach(input.policyArn, from: .user, input.userName, context) }
            ),
            ServiceOperation(
                "ListAttachedUserPolicies", action: "iam:ListAttachedUserPolicies", readOnly: true,
                input: IAMAPI.ListAttachedUserPoliciesRequest.self,
                references: { input, _ in [Self.named(.user, "UserName", input.userName)] },
                handler: { input, context in
                    let page = try await attached(to: .user, input.userName, input.pathPrefix, input.marker, input.maxItems, context)
                    return IAMAPI.ListAttachedUserPoliciesResponse(attachedPolicies: page.items, isTruncated: page.isTruncated, marker: page.marker)
                }
            ),
            ServiceOperation(
                "AttachGroupPolicy", action: "iam:AttachGroupPolicy", readOnly: false, input: IAMAPI.AttachGroupPolicyRequest.self,
                references: { input, _ in
                    [Self.named(.group, "GroupName", input.groupName)] + (try Self.namedPolicy("PolicyArn", input.policyArn))
                },
                conditionKeys: { input, _, _ in Self.policyARNKey(input.policyArn) },
                handler: { input, context in try await attach(input.policyArn, to: .group, input.groupName, context) }
            ),
            ServiceOperation(
                "DetachGroupPolicy", action: "iam:DetachGroupPolicy", readOnly: false, input: IAMAPI.DetachGroupPolicyRequest.self,
                references: { input, _ in
                    try Self.checkPolicyARN(input.policyArn)
                    return [Self.named(.group, "GroupName", input.groupName)]
                },
                conditionKeys: { input, _, _ in Self.policyARNKey(input.policyArn) },
                handler: { input, context in try await detach(input.policyArn, from: .group, input.groupName, context) }
            ),
            ServiceOperation(
                "ListAttachedGroupPolicies", action: "iam:ListAttachedGroupPolicies", readOnly: true,
                input: IAMAPI.ListAttachedGroupPoliciesRequest.self,
                references: { input, _ in [Self.named(.group, "GroupName", input.groupName)] },
                handler: { input, context in
                    let page = try await attached(to: .group, input.groupName, input.pathPrefix, input.marker, input.maxItems, context)
                    return IAMAPI.ListAttachedGroupPoliciesResponse(attachedPolicies: page.items, isTruncated: page.isTruncated, marker: page.marker)
                }
            ),
            ServiceOperation(
                "AttachRolePolicy", action: "iam:AttachRolePolicy", readOnly: false, input: IAMAPI.AttachRolePolicyRequest.self,
                references: { input, _ in
                    [Self.named(.role, "RoleName", input.roleName)] + (try Self.namedPolicy("PolicyArn", input.policyArn))
                },
                conditionKeys: { input, resolution, _ in
                    Self.currentBoundaryKey(resolution).merging(Self.policyARNKey(input.policyArn)) { $1 }
                },
                handler: { input, context in try await attach(input.policyArn, to: .role, input.roleName, context) }
            ),
            ServiceOperation(
                "DetachRolePolicy", action: "iam:DetachRolePolicy", readOnly: false, input: IAMAPI.DetachRolePolicyRequest.self,
                references: { input, _ in
                    try Self.checkPolicyARN(input.policyArn)
                    return [Self.named(.role, "RoleName", input.roleName)]
                },
                conditionKeys: { input, resolution, _ in
                    Self.currentBoundaryKey(resolution).merging(Self.policyARNKey(input.policyArn)) { $1 }
                },
                handler: { input, context in try await detach(input.policyArn, from: .role, input.roleName, context) }
            ),
            ServiceOperation(
                "ListAttachedRolePolicies", action: "iam:ListAttachedRolePolicies", readOnly: true,
                input: IAMAPI.ListAttachedRolePoliciesRequest.self,
                references: { input, _ in [Self.named(.role, "RoleName", input.roleName)] },
                handler: { input, context in
                    let page = try await attached(to: .role, input.roleName, input.pathPrefix, input.marker, input.maxItems, context)
                    return IAMAPI.ListAttachedRolePoliciesResponse(attachedPolicies: page.items, isTruncated: page.isTruncated, marker: page.marker)
                }
            ),
        ]
    }

    func attach(_ policyARN: String, to kind: IAMPrincipalKind, _ name: String, _ context: CallContext) async throws -> EmptyOutput {
        let owner = try existing(kind, name, context)
        try Self.checkModifiable(owner)
        guard let policy = try? await visiblePolicy(policyARN, context) else { throw IAMError.notAttachable(policyARN) }
        try Self.checkAttachable(policy)
        do {
            try await database.iam.attach(policy.arn, to: kind, owner.name, accountID: context.accountID, limit: quotas.managedPoliciesPerEntity)
        } catch IAMStoreError.limitExceeded {
            let quota =
                switch kind {
                case .user: "PoliciesPerUser"
                case .group: "PoliciesPerGroup"
                case .role: "PoliciesPerRole"
                }
            throw IAMError.limitExceeded("Cannot exceed quota for \(quota): \(quotas.managedPoliciesPerEntity)")
        }
        return EmptyOutput()
    }

    func detach(_ policyARN: String, from kind: IAMPrincipalKind, _ name: String, _ context: CallContext) async throws -> EmptyOutput {
        let owner = try existing(kind, name, context)
        try Self.checkModifiable(owner)
        do {
            try await database.iam.detach(policyARN, from: kind, owner.name, accountID: context.accountID)
        } catch StoreError.notFound {
            throw IAMError.noSuchPolicy(policyARN)
        }
        return EmptyOutput()
    }

    func attached(
        to kind: IAMPrincipalKind, _ name: String, _ pathPrefix: String?, _ marker: String?, _ maxItems: Int?, _ context: CallContext
    ) async throws -> IAMPage<IAMAPI.AttachedPolicy> {
        let owner = try existing(kind, name, context)
        let policies = try await attachedPolicies(of: kind, owner.name, context)
            .filter { $0.path.hasPrefix(pathPrefix ?? "/") }
            .map { IAMAPI.AttachedPolicy(policyName: $0.name, policyArn: $0.arn) }
        return try IAMPage(policies, key: { "\($0.policyName ?? "")\u{0}\($0.policyArn ?? "")" }, marker: marker, maxItems: maxItems)
    }

    /// AWS attaches the policies of service-linked roles itself, to those roles only.
    static func checkAttachable(_ policy: ManagedPolicyRecord) throws {
        if AWSManagedPolicies.policy(arn: policy.arn)?.isServiceLinkedRolePolicy == true { throw IAMError.serviceRolePolicyNotAttachable }
    }

    /// The managed policies attached to an entity that still exist.
    func attachedPolicies(of kind: IAMPrincipalKind, _ name: String, _ context: CallContext) async throws -> [ManagedPolicyRecord] {
        var records: [ManagedPolicyRecord] = []
        for arn in try await database.iam.attachedPolicies(of: kind, name, accountID: context.accountID) {
            if let record = try await database.managedPolicies.policy(arn) { records.append(record) }
        }
        return records
    }
}
