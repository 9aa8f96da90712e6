import AWSWire
import BulwarkCore
import Foundation
import Store

/// Customer managed policies and their versions; AWS managed policies are read-only.
extension IAMService {
    var managedPolicyOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "CreatePolicy", action: "iam:CreatePolicy", readOnly: false, input: IAMAPI.CreatePolicyRequest.self,
                references: { input, context in
                    [
                        ResourceReference(
                            .iamPolicy, member: "PolicyName",
                            text: Self.policyARN(accountID: context.accountID, path: input.path, name: input.policyName),
                            intent: .creating)
                    ]
                },
                conditionKeys: { input, _, _ in Self.requestTagKeys(input.tags) },
                furtherChecks: { input, resolution, _ in
                    Self.tagOnCreate(input.tags, action: "iam:TagPolicy", resource: resolution.actedOnARNs[0])
                },
                handler: createPolicy
            ),
            ServiceOperation(
                "GetPolicy", action: "iam:GetPolicy", readOnly: true, input: IAMAPI.GetPolicyRequest.self,
                references: { input, _ in [try Self.policyReference("PolicyArn", input.policyArn)] },
                handler: getPolicy
            ),
            ServiceOperation(
                "ListPolicies", action: "iam:ListPolicies", readOnly: true, input: IAMAPI.ListPoliciesRequest.self,
                handler: listPolicies
            ),
            ServiceOperation(
                "DeletePolicy", action: "iam:DeletePolicy", readOnly: false, input: IAMAPI.DeletePolicyRequest.self,
                references: { input, _ in [try Self.policyReference("PolicyArn", input.policyArn)] },
                handler: deletePolicy
            ),
            ServiceOperation(
                "CreatePolicyVersion", action: "iam:CreatePolicyVersion", readOnly: false, input: IAMAPI.CreatePolicyVersionRequest.self,
                references: { input, _ in [try Self.policyReference("PolicyArn", input.policyArn)] },
                handler: createPolicyVersion
            ),
            ServiceOperation(
                "GetPolicyVersion", action: "iam:GetPolicyVersion", readOnly: true, input: IAMAPI.GetPolicyVersionRequest.self,
                references: { input, _ in [try Self.policyReference("PolicyArn", input.policyArn)] },
                handler: getPolicyVersion
            ),
            ServiceOperation(
                "ListPolicyVersions", action: "iam:ListPolicyVersions", readOnly: true, input: IAMAPI.ListPolicyVersionsRequest.self,
                references: { input, _ in [try Self.policyReference("PolicyArn", input.policyArn)] },
                handler: listPolicyVersions
            ),
            ServiceOperation(
                "DeletePolicyVersion", action: "iam:DeletePolicyVersion", readOnly: false, input: IAMAPI.DeletePolicyVersionRequest.self,
                references: { input, _ in [try Self.policyReference("PolicyArn", input.policyArn)] },
                handler: deletePolicyVersion
            ),
            ServiceOperation(
                "SetDefaultPolicyVersion", action: "iam:SetDefaultPolicyVersion", readOnly: false,
                input: IAMAPI.SetDefaultPolicyVersionRequest.self,
                references: { input, _ in [try Self.policyReference("PolicyArn", input.policyArn)] },
                handler: setDefaultPolicyVersion
            ),
        ]
    }

    @Sendable func createPolicy(_ input: IAMAPI.CreatePolicyRequest, _ context: CallContext) async throws -> IAMAPI.CreatePolicyResponse {
        try Self.checkManagedDocument(input.policyDocument)
        let tags = try Self.checkTags(input.tags)
        let local = try await database.managedPolicies.policies(
            accountID: context.accountID, scope: "Local", pathPrefix: "/", after: nil, limit: Self.listingLimit)
        // Policy names are unique in an account whatever their paths, ignoring case.
        if local.contains(where: { $0.name.lowercased() == input.policyName.lowercased() }) {
            throw IAMError.entityAlreadyExists("A policy called \(input.policyName) already exists. Duplicate names are not allowed.")
        }
        let now = clock.now()
        let record = ManagedPolicyRecord(
            arn: Self.policyARN(accountID: context.accountID, path: input.path, name: input.policyName), accountID: context.accountID,
            name: input.policyName, policyID: KeyMaterial.uniqueID(prefix: "ANPA"), path: input.path ?? "/",
            description: input.description, defaultVersion: "v1", nextVersion: 2, createdAt: now, updatedAt: now, tags: tags
        )
        do {
            try await database.managedPolicies.create(record, document: input.policyDocument)
        } catch StoreError.conflict {
            throw IAMError.entityAlreadyExists("A policy called \(input.policyName) already exists. Duplicate names are not allowed.")
        }
        var policy = Self.policy(record, usage: (0, 0), detailed: true)
        policy.description = nil
        return IAMAPI.CreatePolicyResponse(policy: policy)
    }

    @Sendable func getPolicy(_ input: IAMAPI.GetPolicyRequest, _ context: CallContext) async throws -> IAMAPI.GetPolicyResponse {
        let record = try await visiblePolicy(input.policyArn, context)
        let usage = try await database.iam.usage(of: record.arn, accountID: context.accountID)
        return IAMAPI.GetPolicyResponse(policy: Self.policy(record, usage: usage, detailed: true))
    }

    @Sendable func listPolicies(_ input: IAMAPI.ListPoliciesRequest, _ context: CallContext) async throws -> IAMAPI.ListPoliciesResponse {
        let all = try await database.managedPolicies.policies(
            accountID: context.accountID, scope: input.scope ?? "All", pathPrefix: input.pathPrefix ?? "/", after: nil,
            limit: Self.listingLimit
        )
        let usage = try await database.iam.usageByPolicy(accountID: context.accountID)
        let listed = all.filter { record in
            let used = usage[record.arn] ?? (0, 0)
            switch input.policyUsageFilter {
            case "PermissionsPolicy"?: return used.attachments > 0
            case "PermissionsBoundary"?: return used.boundaries > 0
            default: return input.onlyAttached != true || used.attachments + used.boundaries > 0
            }
        }
        let page = try IAMPage(listed, key: { "\($0.name)\u{0}\($0.arn)" }, marker: input.marker, maxItems: input.maxItems)
        return IAMAPI.ListPoliciesResponse(
            policies: page.items.map { Self.policy($0, usage: usage[$0.arn] ?? (0, 0), detailed: false) }, isTruncated: page.isTruncated,
            marker: page.marker)
    }

    @Sendable func deletePolicy(_ input: IAMAPI.DeletePolicyRequest, _ context: CallContext) async throws -> EmptyOutput {
        let record = try await changeablePolicy(input.policyArn, action: "iam:DeletePolicy", context)
        do {
            try await database.managedPolicies.delete(record.arn)
        } catch StoreError.notFound {
            throw IAMError.noSuchPolicy(input.policyArn)
        } catch IAMStoreError.hasDependents("versions") {
            throw IAMError.deleteConflict(
                "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. "
                    + "The default version is deleted with the policy.")
        } catch IAMStoreError.hasDependents {
            throw IAMError.deleteConflict("Cannot delete a policy attached to entities.")
        }
        return EmptyOutput()
    }

    @Sendable func createPolicyVersion(
        _ input: IAMAPI.CreatePolicyVersionRequest, _ context: CallContext
    ) async throws -> IAMAPI.CreatePolicyVersionResponse {
        let record = try await changeablePolicy(input.policyArn, action: "iam:CreatePolicyVersion", context)
        try Self.checkManagedDocument(input.policyDocument)
        let now = clock.now()
        let versionID: String
        do {
            versionID = try await database.managedPolicies.addVersion(
                record.arn, document: input.policyDocument, setAsDefault: input.setAsDefault == true, at: now, limit: quotas.versionsPerPolicy)
        } catch StoreError.notFound {
            throw IAMError.noSuchPolicy(input.policyArn)
        } catch IAMStoreError.limitExceeded {
            throw IAMError.limitExceeded(
                "A managed policy can have up to \(quotas.versionsPerPolicy) versions. Before you create a new version, you must delete an existing version."
            )
        }
        return IAMAPI.CreatePolicyVersionResponse(
            policyVersion: IAMAPI.PolicyVersion(versionId: versionID, isDefaultVersion: input.setAsDefault == true, createDate: now))
    }

    @Sendable func getPolicyVersion(_ input: IAMAPI.GetPolicyVersionRequest, _ context: CallContext) async throws -> IAMAPI.GetPolicyVersionResponse {
        let record = try await visiblePolicy(input.policyArn, context)
        guard let version = try await database.managedPolicies.version(record.arn, input.versionId) else {
            throw IAMError.noSuchPolicyVersion(input.policyArn, input.versionId)
        }
        return IAMAPI.GetPolicyVersionResponse(policyVersion: Self.version(version, defaultVersion: record.defaultVersion, withDocument: true))
    }

    @Sendable func listPolicyVersions(
        _ input: IAMAPI.ListPolicyVersionsRequest, _ context: CallContext
    ) async throws -> IAMAPI.ListPolicyVersionsResponse {
        let record = try await visiblePolicy(input.policyArn, context)
        let versions = try await database.managedPolicies.versions(record.arn)
        // Newest first, as IAM lists them; the marker is the position.
        let positioned = versions.enumerated().map { (String(format: "%05d", $0.offset), $0.element) }
        let page = try IAMPage(positioned, key: \.0, marker: input.marker, maxItems: input.maxItems)
        return IAMAPI.ListPolicyVersionsResponse(
            versions: page.items.map { Self.version($0.1, defaultVersion: record.defaultVersion, withDocument: false) },
            isTruncated: page.isTruncated, marker: page.marker
        )
    }

    @Sendable func deletePolicyVersion(_ input: IAMAPI.DeletePolicyVersionRequest, _ context: CallContext) async throws -> EmptyOutput {
        let record = try await changeablePolicy(input.policyArn, action: "iam:DeletePolicyVersion", context)
        do {
            try await database.managedPolicies.deleteVersion(record.arn, input.versionId)
        } catch StoreError.notFound {
            throw IAMError.noSuchPolicyVersion(input.policyArn, input.versionId)
        } catch IAMStoreError.hasDependents {
            throw IAMError.deleteConflict("Cannot delete the default version of a policy.")
        }
        return EmptyOutput()
    }

    @Sendable func setDefaultPolicyVersion(_ input: IAMAPI.SetDefaultPolicyVersionRequest, _ context: CallContext) async throws -> EmptyOutput {
        let record = try await changeablePolicy(input.policyArn, action: "iam:SetDefaultPolicyVersion", context)
        do {
            try await database.managedPolicies.setDefaultVersion(record.arn, input.versionId, at: clock.now())
        } catch StoreError.notFound {
            throw IAMError.noSuchPolicyVersion(input.policyArn, input.versionId)
        }
        return EmptyOutput()
    }
}

// MARK: - Shared steps

extension IAMService {
    static func policyARN(accountID: String, path: String?, name: String) -> String {
        "arn:aws:iam::\(accountID):policy\(path ?? "/")\(name)"
    }

    /// A policy the caller's account can see — its own or an AWS managed one — as the resolve stage
    /// found it at exactly `arn`.
    func visiblePolicy(_ arn: String, _ context: CallContext) async throws -> ManagedPolicyRecord {
        guard let resolved = context.resolution.resource(.iamPolicy, named: arn) else {
            throw AWSError.undeclaredReference(.iamPolicy, requestID: context.requestID)
        }
        guard let record = resolved.entity(as: ManagedPolicyRecord.self),
            record.accountID == context.accountID || record.accountID == AWSManagedPolicies.owner
        else { throw IAMError.noSuchPolicy(arn) }
        return record
    }

    /// The managed policy an input names besides the entity it acts on (one to attach, a boundary).
    static func namedPolicy(_ member: String, _ arn: String?) throws -> [ResourceReference] {
        try arn.map { [try policyReference(member, $0).implied] } ?? []
    }

    /// The reference to a managed policy by its ARN. Text that is no ARN at all (a policy's name) is
    /// refused before anything else is asked, as IAM does.
    static func policyReference(_ member: String, _ arn: String) throws -> ResourceReference {
        try checkPolicyARN(arn)
        return ResourceReference(.iamPolicy, member: member, text: arn)
    }

    /// IAM's answer to a policy ARN that does not parse as an ARN.
    static func checkPolicyARN(_ arn: String) throws {
        guard ARN(arn) != nil else { throw IAMError.unparsableARN }
    }

    /// A policy the caller's account may change: its own. AWS managed policies belong to AWS.
    func changeablePolicy(_ arn: String, action: String, _ context: CallContext) async throws -> ManagedPolicyRecord {
        let record = try await visiblePolicy(arn, context)
        guard record.accountID == context.accountID else {
            throw IAMError.accessDenied("User: \(context.principal.arn) is not authorized to perform: \(action) on resource: policy \(arn)")
        }
        return record
    }

    /// A managed policy document must parse and fit the managed policy quota.
    static func checkManagedDocument(_ document: String) throws {
        try PolicyText.check(document, kind: .identity)
        if PolicySizeLimit.size(of: document) > PolicySizeLimit.managedPolicy { throw PolicySizeLimit.managedPolicyExceeded() }
    }
}
