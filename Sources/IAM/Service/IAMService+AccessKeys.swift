import AWSWire
import BulwarkCore
import Foundation
import Store

/// Long-term access keys of users (and of the root, which acts on its own keys when it names no user).
extension IAMService {
    var accessKeyOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "CreateAccessKey", action: "iam:CreateAccessKey", readOnly: false, input: IAMAPI.CreateAccessKeyRequest.self,
                references: { input, context in Self.userOrCaller(input.userName, context) },
                resources: { _, resolution, context in Self.userOrCallerARN(resolution, context) },
                handler: createAccessKey
            ),
            ServiceOperation(
                "ListAccessKeys", action: "iam:ListAccessKeys", readOnly: true, input: IAMAPI.ListAccessKeysRequest.self,
                references: { input, context in Self.userOrCaller(input.userName, context) },
                resources: { _, resolution, context in Self.userOrCallerARN(resolution, context) },
                handler: listAccessKeys
            ),
            ServiceOperation(
                "UpdateAccessKey", action: "iam:UpdateAccessKey", readOnly: false, input: IAMAPI.UpdateAccessKeyRequest.self,
                references: { input, context in Self.userOrCaller(input.userName, context) },
                resources: { _, resolution, context in Self.userOrCallerARN(resolution, context) },
                handler: updateAccessKey
            ),
            ServiceOperation(
                "DeleteAccessKey", action: "iam:DeleteAccessKey", readOnly: false, input: IAMAPI.DeleteAccessKeyRequest.self,
                references: { input, context in Self.userOrCaller(input.userName, context) },
                resources: { _, resolution, context in Self.userOrCallerARN(resolution, context) },
                handler: deleteAccessKey
            ),
            ServiceOperation(
                "GetAccessKeyLastUsed", action: "iam:GetAccessKeyLastUsed", readOnly: true, input: IAMAPI.GetAccessKeyLastUsedRequest.self,
                references: { input, _ in [ResourceReference(.iamAccessKey, member: "AccessKeyId", text: input.accessKeyId)] },
                handler: getAccessKeyLastUsed
            ),
        ]
    }

    @Sendable func createAccessKey(_ input: IAMAPI.CreateAccessKeyRequest, _ context: CallContext) async throws -> IAMAPI.CreateAccessKeyResponse {
        let userName = try keyOwner(input.userName, context)
        let key = AccessKeyRecord(
            accessKeyID: KeyMaterial.accessKeyID(), secretAccessKey: KeyMaterial.secretAccessKey(), accountID: context.accountID,
            userName: userName, status: .active, createdAt: clock.now()
        )
        do {
            try await database.credentials.createAccessKey(key, limit: quotas.accessKeysPerUser)
        } catch IAMStoreError.limitExceeded {
            throw IAMError.limitExceeded("Cannot exceed quota for AccessKeysPerUser: \(quotas.accessKeysPerUser)")
        }
        return IAMAPI.CreateAccessKeyResponse(
            accessKey: IAMAPI.AccessKey(
                userName: userName ?? "", accessKeyId: key.accessKeyID, status: key.status.rawValue, secretAccessKey: key.secretAccessKey,
                createDate: key.createdAt
            )
        )
    }

    @Sendable func listAccessKeys(_ input: IAMAPI.ListAccessKeysRequest, _ context: CallContext) async throws -> IAMAPI.ListAccessKeysResponse {
        let userName = try keyOwner(input.userName, context)
        let keys = try await database.credentials.accessKeys(ofUser: userName, accountID: context.accountID)
        // Keys are listed oldest first; the marker is the position.
        let positioned = keys.enumerated().map { (String(format: "%05d", $0.offset), $0.element) }
        let page = try IAMPage(positioned, key: \.0, marker: input.marker, maxItems: input.maxItems)
        return IAMAPI.ListAccessKeysResponse(
            accessKeyMetadata: page.items.map { _, key in
                IAMAPI.AccessKeyMetadata(userName: key.userName, accessKeyId: key.accessKeyID, status: key.status.rawValue, createDate: key.createdAt)
            },
            isTruncated: page.isTruncated, marker: page.marker
        )
    }

    @Sendable func updateAccessKey(_ input: IAMAPI.UpdateAccessKeyRequest, _ context: CallContext) async throws -> EmptyOutput {
        let userName = try keyOwner(input.userName, context)
        guard let status = AccessKeyRecord.Status(rawValue: input.status) else {
            throw IAMError.validation("Invalid status \(input.status): the status must be Active or Inactive.")
        }
        do {
            try await database.credentials.setAccessKeyStatus(input.accessKeyId, userName: userName, accountID: context.accountID, status: status)
        } catch StoreError.notFound {
            throw IAMError.noSuchAccessKey(input.accessKeyId)
        }
        return EmptyOutput()
    }

    @Sendable func deleteAccessKey(_ input: IAMAPI.DeleteAccessKeyRequest, _ context: CallContext) async throws -> EmptyOutput {
        let userName = try keyOwner(input.userName, context)
        do {
            try await database.credentials.deleteAccessKey(input.accessKeyId, userName: userName, accountID: context.accountID)
        } catch StoreError.notFound {
            throw IAMError.noSuchAccessKey(input.accessKeyId)
        }
        return EmptyOutput()
    }

    @Sendable func getAccessKeyLastUsed(
        _ input: IAMAPI.GetAccessKeyLastUsedRequest, _ context: CallContext
    ) async throws -> IAMAPI.GetAccessKeyLastUsedResponse {
        guard let key = context.resolution["AccessKeyId"]?.entity(as: AccessKeyRecord.self),
            let use = try await database.credentials.lastUse(of: key.accessKeyID)
        else { throw IAMError.noSuchAccessKey(input.accessKeyId) }
        // IAM answers "N/A" for a key that has never been used.
        return IAMAPI.GetAccessKeyLastUsedResponse(
            userName: key.userName,
            accessKeyLastUsed: IAMAPI.AccessKeyLastUsed(
                lastUsedDate: use.date, serviceName: use.date == nil ? "N/A" : use.service ?? "N/A",
                region: use.date == nil ? "N/A" : use.region ?? "N/A"
            )
        )
    }

    /// The user whose keys an operation manages (nil: the root's own), checked to exist.
    private func keyOwner(_ userName: String?, _ context: CallContext) throws -> String? {
        guard let userName else { return try Self.callerUserName(nil, context) }
        return try existing(.user, userName, context).name
    }
}
