import AWSWire
import BulwarkCore
import Foundation
import Store

/// SSH public keys of users (AWS CodeCommit's SSH access): RSA keys of at least 2048 bits, five per
/// user, each unique per user by fingerprint; given back in either encoding.
extension IAMService {
    var sshPublicKeyOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "UploadSSHPublicKey", action: "iam:UploadSSHPublicKey", readOnly: false, input: IAMAPI.UploadSSHPublicKeyRequest.self,
                references: { input, _ in [Self.named(.user, "UserName", input.userName)] },
                handler: uploadSSHPublicKey
            ),
            ServiceOperation(
                "GetSSHPublicKey", action: "iam:GetSSHPublicKey", readOnly: true, input: IAMAPI.GetSSHPublicKeyRequest.self,
                references: { input, _ in Self.sshKeyReferences(input.userName, input.sshPublicKeyId) },
                resources: { _, resolution, _ in Self.userARN(resolution) },
                handler: getSSHPublicKey
            ),
            ServiceOperation(
                "ListSSHPublicKeys", action: "iam:ListSSHPublicKeys", readOnly: true, input: IAMAPI.ListSSHPublicKeysRequest.self,
                references: { input, context in Self.userOrCaller(input.userName, context) },
                resources: { _, resolution, context in Self.userOrCallerARN(resolution, context) },
                handler: listSSHPublicKeys
            ),
            ServiceOperation(
                "UpdateSSHPublicKey", action: "iam:UpdateSSHPublicKey", readOnly: false, input: IAMAPI.UpdateSSHPublicKeyRequest.self,
                references: { input, _ in Self.sshKeyReferences(input.userName, input.sshPublicKeyId) },
                resources: { _, resolution, _ in Self.userARN(resolution) },
                handler: updateSSHPublicKey
            ),
            ServiceOperation(
                "DeleteSSHPublicKey", action: "iam:DeleteSSHPublicKey", readOnly: false, input: IAMAPI.DeleteSSHPublicKeyRequest.self,
                references: { input, _ in Self.sshKeyReferences(input.userName, input.sshPublicKeyId) },
                resources: { _, resolution, _ in Self.userARN(resolution) },
                handler: deleteSSHPublicKey
            ),
        ]
    }

    @Sendable func uploadSSHPublicKey(
        _ input: IAMAPI.UploadSSHPublicKeyRequest, _ context: CallContext
    ) async throws -> IAMAPI.UploadSSHPublicKeyResponse {
        let user = try existing(.user, input.userName, context)
        let material = try Self.sshKeyMaterial(input.sshPublicKeyBody)
        let record = SSHPublicKeyRecord(
            keyID: KeyMaterial.accessKeyID(prefix: "APKA"), accountID: context.accountID, userID: user.uniqueID, body: input.sshPublicKeyBody,
            fingerprint: material.fingerprint, status: "Active", uploadedAt: clock.now())
        do {
            try await database.sshPublicKeys.create(record, limit: quotas.sshPublicKeysPerUser)
        } catch IAMStoreError.duplicate {
            throw AWSError(
                code: "DuplicateSSHPublicKey",
                message: "The request was rejected because the SSH public key is already associated with the specified IAM user.",
                status: 400)
        } catch IAMStoreError.limitExceeded {
            throw IAMError.limitExceeded("Cannot exceed quota for SSHPublicKeysPerUser: \(quotas.sshPublicKeysPerUser)")
        }
        return IAMAPI.UploadSSHPublicKeyResponse(sshPublicKey: Self.sshPublicKey(record, user: user, body: record.body))
    }

    @Sendable func getSSHPublicKey(_ input: IAMAPI.GetSSHPublicKeyRequest, _ context: CallContext) async throws -> IAMAPI.GetSSHPublicKeyResponse {
        let (user, key) = try ownedSSHKey(input.userName, input.sshPublicKeyId, context)
        let material = try Self.sshKeyMaterial(key.body)
        let body = input.encoding == "PEM" ? material.pem : material.openSSH
        return IAMAPI.GetSSHPublicKeyResponse(sshPublicKey: Self.sshPublicKey(key, user: user, body: body))
    }

    @Sendable func listSSHPublicKeys(
        _ input: IAMAPI.ListSSHPublicKeysRequest, _ context: CallContext
    ) async throws -> IAMAPI.ListSSHPublicKeysResponse {
        // The account root has no user, so no keys.
        guard let name = try Self.callerUserName(input.userName, context) else {
            return IAMAPI.ListSSHPublicKeysResponse(sshPublicKeys: [], isTruncated: false)
        }
        let user = try existing(.user, name, context)
        let keys = try await database.sshPublicKeys.keys(accountID: context.accountID, userID: user.uniqueID)
        let page = try IAMPage(keys, key: \.keyID, marker: input.marker, maxItems: input.maxItems)
        return IAMAPI.ListSSHPublicKeysResponse(
            sshPublicKeys: page.items.map {
                IAMAPI.SSHPublicKeyMetadata(userName: user.name, sshPublicKeyId: $0.keyID, status: $0.status, uploadDate: $0.uploadedAt)
            },
            isTruncated: page.isTruncated, marker: page.marker)
    }

    @Sendable func updateSSHPublicKey(_ input: IAMAPI.UpdateSSHPublicKeyRequest, _ context: CallContext) async throws -> EmptyOutput {
        let (_, key) = try ownedSSHKey(input.userName, input.sshPublicKeyId, context)
        guard input.status == "Active" || input.status == "Inactive" else {
            throw IAMError.validation("Invalid status \(input.status): the status must be Active or Inactive.")
        }
        do {
            try await database.sshPublicKeys.setStatus(input.status, id: key.keyID, accountID: context.accountID)
        } catch StoreError.notFound {
            throw Self.noSuchSSHKey(key.keyID)
        }
        return EmptyOutput()
    }

    @Sendable func deleteSSHPublicKey(_ input: IAMAPI.DeleteSSHPublicKeyRequest, _ context: CallContext) async throws -> EmptyOutput {
        let (_, key) = try ownedSSHKey(input.userName, input.sshPublicKeyId, context)
        do {
            try await database.sshPublicKeys.delete(id: key.keyID, accountID: context.accountID)
        } catch StoreError.notFound {
            throw Self.noSuchSSHKey(key.keyID)
        }
        return EmptyOutput()
    }

    // MARK: Shared steps

    /// The user an operation names and the key it names.
    static func sshKeyReferences(_ userName: String, _ keyID: String) -> [ResourceReference] {
        [named(.user, "UserName", userName), ResourceReference(.iamSSHPublicKey, member: "SSHPublicKeyId", text: keyID, use: .implied)]
    }

    /// The named user's ARN, which key operations are authorized on.
    static func userARN(_ resolution: Resolution) -> [String] {
        [resolution["UserName"]?.arn].compactMap { $0 }
    }

    /// The key the resolve stage found, when it is the named user's.
    private func ownedSSHKey(_ userName: String, _ keyID: String, _ context: CallContext) throws -> (IAMPrincipalRecord, SSHPublicKeyRecord) {
        let user = try existing(.user, userName, context)
        guard let resolved = context.resolution.resource(.iamSSHPublicKey, named: keyID) else {
            throw AWSError.undeclaredReference(.iamSSHPublicKey, requestID: context.requestID)
        }
        guard let key = resolved.entity(as: SSHPublicKeyRecord.self), key.userID == user.uniqueID else { throw Self.noSuchSSHKey(keyID) }
        return (user, key)
    }

    /// The key a body holds, or IAM's refusal.
    static func sshKeyMaterial(_ body: String) throws -> SSHPublicKeyMaterial {
        do {
            return try SSHPublicKeyMaterial(parsing: body)
        } catch .unrecognizedEncoding {
            throw AWSError(
                code: "UnrecognizedPublicKeyEncoding",
                message: "The request was rejected because the public key encoding format is unsupported or unrecognized.", status: 400)
        } catch {
            throw AWSError(
                code: "InvalidPublicKey", message: "The request was rejected because the public key is malformed or otherwise invalid.", status: 400)
        }
    }

    static func noSuchSSHKey(_ id: String) -> AWSError {
        IAMError.noSuchEntity("The Public Key with id \(id) cannot be found.")
    }

    static func sshPublicKey(_ record: SSHPublicKeyRecord, user: IAMPrincipalRecord, body: String) -> IAMAPI.SSHPublicKey {
        IAMAPI.SSHPublicKey(
            userName: user.name, sshPublicKeyId: record.keyID, fingerprint: record.fingerprint, sshPublicKeyBody: body, status: record.status,
            uploadDate: record.uploadedAt)
    }
}
