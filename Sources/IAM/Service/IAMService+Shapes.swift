import AWSWire
import BulwarkCore
import Foundation
import Store

/// The API shapes of stored entities. `Get*` answers carry tags and boundaries; `List*` answers omit
/// them, as IAM does.
extension IAMService {
    static func user(_ record: IAMPrincipalRecord, detailed: Bool) -> IAMAPI.User {
        IAMAPI.User(
            path: record.path, userName: record.name, userId: record.uniqueID, arn: record.arn, createDate: record.createdAt,
            permissionsBoundary: detailed ? boundary(record) : nil,
            tags: detailed ? tags(record.tags) : nil
        )
    }

    static func group(_ record: IAMPrincipalRecord) -> IAMAPI.Group {
        IAMAPI.Group(path: record.path, groupName: record.name, groupId: record.uniqueID, arn: record.arn, createDate: record.createdAt)
    }

    static func role(_ record: IAMPrincipalRecord, detailed: Bool) -> IAMAPI.Role {
        IAMAPI.Role(
            path: record.path, roleName: record.name, roleId: record.uniqueID, arn: record.arn, createDate: record.createdAt,
            assumeRolePolicyDocument: record.trustPolicy.map(PolicyText.encode),
            description: record.description,
            maxSessionDuration: record.maxSessionDuration ?? defaultMaxSessionDuration,
            permissionsBoundary: detailed ? boundary(record) : nil,
            tags: detailed ? tags(record.tags) : nil,
            roleLastUsed: detailed ? IAMAPI.RoleLastUsed() : nil
        )
    }

    static func boundary(_ record: IAMPrincipalRecord) -> IAMAPI.AttachedPermissionsBoundary? {
        record.permissionsBoundary.map {
            IAMAPI.AttachedPermissionsBoundary(permissionsBoundaryType: "PermissionsBoundaryPolicy", permissionsBoundaryArn: $0)
        }
    }

    /// Tags, or nil when there are none (IAM leaves the element out).
    static func tags(_ tags: [IAMTag]) -> [IAMAPI.Tag]? {
        tags.isEmpty ? nil : tags.map { IAMAPI.Tag(key: $0.key, value: $0.value) }
    }

    static func policy(
        _ record: ManagedPolicyRecord, usage: (attachments: Int, boundaries: Int), detailed: Bool
    ) -> IAMAPI.Policy {
        IAMAPI.Policy(
            policyName: record.name, policyId: record.policyID, arn: record.arn, path: record.path,
            defaultVersionId: record.defaultVersion, attachmentCount: usage.attachments,
            permissionsBoundaryUsageCount: usage.boundaries, isAttachable: true,
            description: detailed ? record.description : nil,
            createDate: record.createdAt, updateDate: record.updatedAt,
            tags: detailed ? tags(record.tags) : nil
        )
    }

    static func version(_ record: PolicyVersionRecord, defaultVersion: String, withDocument: Bool) -> IAMAPI.PolicyVersion {
        IAMAPI.PolicyVersion(
            document: withDocument ? PolicyText.encode(record.document) : nil, versionId: record.versionID,
            isDefaultVersion: record.versionID == defaultVersion, createDate: record.createdAt
        )
    }

    /// IAM's default and only bounds of a role's `MaxSessionDuration`, in seconds.
    static let defaultMaxSessionDuration = 3600
}
