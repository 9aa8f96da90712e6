import AWSWire
import BulwarkCore
import Store

/// The IAM condition keys an operation's own input or entity determines, as the Service
/// Authorization Reference lists them per action. Resource tags are not here: the authorizer sets
/// `aws:ResourceTag/${TagKey}` and `iam:ResourceTag/${TagKey}` for every check on a tagged entity.
extension IAMService {
    /// `iam:PolicyARN`: the managed policy a call attaches or detaches.
    static func policyARNKey(_ policyARN: String) -> [String: AuthorizationCheck.Value] {
        ["iam:PolicyARN": .single(policyARN)]
    }

    /// `iam:PermissionsBoundary` of the boundary a call sets (`CreateUser`, `PutRolePermissionsBoundary`).
    static func boundaryKey(_ policyARN: String?) -> [String: AuthorizationCheck.Value] {
        policyARN.map { ["iam:PermissionsBoundary": .single($0)] } ?? [:]
    }

    /// `iam:PermissionsBoundary` of the boundary a user or role has now, for the calls that change
    /// its permissions (attaching, detaching, putting or deleting its policies, removing its
    /// boundary), so that a delegated administrator can be confined to entities under a boundary.
    static func currentBoundaryKey(_ resolution: Resolution) -> [String: AuthorizationCheck.Value] {
        boundaryKey(resolution.resources.first?.entity(as: IAMPrincipalRecord.self)?.permissionsBoundary)
    }

    /// `aws:RequestTag/${TagKey}` and `aws:TagKeys` of the tags a call sets.
    static func requestTagKeys(_ tags: [IAMAPI.Tag]?) -> [String: AuthorizationCheck.Value] {
        AuthorizationCheck.requestTagKeys((tags ?? []).map { (key: $0.key, value: $0.value) })
    }

    /// Tags given with a new entity are set by it: as in AWS, the caller must also be allowed the
    /// entity's tagging action (`iam:TagUser`, `iam:TagRole`, …), under the same request-tag keys.
    static func tagOnCreate(_ tags: [IAMAPI.Tag]?, action: String, resource: String) -> [AuthorizationCheck] {
        guard let tags, !tags.isEmpty else { return [] }
        return [AuthorizationCheck(action: action, resource: resource, conditionKeys: requestTagKeys(tags))]
    }
}
