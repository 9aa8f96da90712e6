import AWSWire
import BulwarkCore
import Foundation
import Store

/// Service-specific credentials: a user name and password (CodeCommit's Git over HTTPS, Amazon
/// Keyspaces) or an API key (Amazon Bedrock, CloudWatch Logs) that work for one service only. The
/// password or secret is shown when created or reset, never again.
extension IAMService {
    var serviceSpecificCredentialOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "CreateServiceSpecificCredential", action: "iam:CreateServiceSpecificCredential", readOnly: false,
                input: IAMAPI.CreateServiceSpecificCredentialRequest.self,
                references: { input, _ in [Self.named(.user, "UserName", input.userName)] },
                handler: createServiceSpecificCredential
            ),
            ServiceOperation(
                "ListServiceSpecificCredentials", action: "iam:ListServiceSpecificCredentials", readOnly: true,
                input: IAMAPI.ListServiceSpecificCredentialsRequest.self,
                references: { input, context in input.allUsers == true ? [] : Self.userOrCaller(input.userName, context) },
                resources: { input, resolution, context in
                    input.allUsers == true ? ["*"] : Self.userOrCallerARN(resolution, context)
                },
                handler: listServiceSpecificCredentials
            ),
            ServiceOperation(
                "ResetServiceSpecificCredential", action: "iam:ResetServiceSpecificCredential", readOnly: false,
                input: IAMAPI.ResetServiceSpecificCredentialRequest.self,
                references: { input, context in Self.credentialReferences(input.userName, input.serviceSpecificCredentialId, context) },
                resources: { _, resolution, context in Self.userOrCallerARN(resolution, context) },
                handler: resetServiceSpecificCredential
            ),
            ServiceOperation(
                "UpdateServiceSpecificCredential", action: "iam:UpdateServiceSpecificCredential", readOnly: false,
                input: IAMAPI.UpdateServiceSpecificCredentialRequest.self,
                references: { input, context in Self.credentialReferences(input.userName, input.serviceSpecificCredentialId, context) },
                resources: { _, resolution, context in Self.userOrCallerARN(resolution, context) },
                handler: updateServiceSpecificCredential
            ),
            ServiceOperation(
                "DeleteServiceSpecificCredential", action: "iam:DeleteServiceSpecificCredential", readOnly: false,
                input: IAMAPI.DeleteServiceSpecificCredentialRequest.self,
                references: { input, context in Self.credentialReferences(input.userName, input.serviceSpecificCredentialId, context) },
                resources: { _, resolution, context in Self.userOrCallerARN(resolution, context) },
                handler: deleteServiceSpecificCredential
            ),
        ]
    }

    /// The services IAM issues service-specific credentials for; the API keys among them may expire.
    static let credentialServices: Set<String> = [
        "codecommit.amazonaws.com", "cassandra.amazonaws.com", "bedrock.amazonaws.com", "logs.amazonaws.com",
    ]
    static let apiKeyServices: Set<String> = ["bedrock.amazonaws.com", "logs.amazonaws.com"]

    @Sendable func createServiceSpecificCredential(
        _ input: IAMAPI.CreateServiceSpecificCredentialRequest, _ context: CallContext
    ) async throws -> IAMAPI.CreateServiceSpecificCredentialResponse {
        let user = try existing(.user, input.userName, context)
        guard Self.credentialServices.contains(input.serviceName) else {
            throw AWSError(code: "NotSupportedService", message: "Service \(input.serviceName) is not supported.", status: 404)
        }
        let isAPIKey = Self.apiKeyServices.contains(input.serviceName)
        if input.credentialAgeDays != nil, !isAPIKey {
            throw IAMError.invalidInput("CredentialAgeDays is only valid for Bedrock and CloudWatch Logs API keys.")
        }
        let now = clock.now()
        let secret = Self.newSecret(alias: isAPIKey ? Self.serviceUserName(user, context) : nil)
        let salt = PasswordHasher.salt()
        let record = ServiceSpecificCredentialRecord(
            credentialID: KeyMaterial.uniqueID(prefix: "ACCA"), accountID: context.accountID, userID: user.uniqueID,
            serviceName: input.serviceName, serviceUserName: Self.serviceUserName(user, context),
            secretHash: try PasswordHasher.hash(secret, salt: salt), salt: salt, status: "Active", createdAt: now,
            expiresAt: input.credentialAgeDays.map { now.addingTimeInterval(TimeInterval($0) * 86_400) })
        do {
            try await database.serviceSpecificCredentials.create(record, limit: quotas.serviceSpecificCredentialsPerUserPerService)
        } catch IAMStoreError.limitExceeded {
            throw IAMError.limitExceeded(
                "Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: \(quotas.serviceSpecificCredentialsPerUserPerService)")
        }
        return IAMAPI.CreateServiceSpecificCredentialResponse(serviceSpecificCredential: Self.credential(record, user: user, secret: secret))
    }

    @Sendable func listServiceSpecificCredentials(
        _ input: IAMAPI.ListServiceSpecificCredentialsRequest, _ context: CallContext
    ) async throws -> IAMAPI.ListServiceSpecificCredentialsResponse {
        if let service = input.serviceName, !Self.credentialServices.contains(service) {
            throw AWSError(code: "NotSupportedService", message: "Service \(service) is not supported.", status: 404)
        }
        var users: [String: IAMPrincipalRecord] = [:]
        var userID: String?
        if input.allUsers == true {
            for user in try await database.iam.principals(.user, accountID: context.accountID, after: nil, limit: Self.listingLimit) {
                users[user.uniqueID] = user
            }
        } else {
            guard let name = try Self.callerUserName(input.userName, context) else {
                throw IAMError.validation("Must specify userName when calling with non-User credentials")
            }
            let user = try existing(.user, name, context)
            users[user.uniqueID] = user
            userID = user.uniqueID
        }
        let all = try await database.serviceSpecificCredentials.credentials(
            accountID: context.accountID, userID: userID, serviceName: input.serviceName)
        let positioned = all.enumerated().map { (String(format: "%06d", $0.offset), $0.element) }
        let page = try IAMPage(positioned, key: \.0, marker: input.marker, maxItems: input.maxItems)
        return IAMAPI.ListServiceSpecificCredentialsResponse(
            serviceSpecificCredentials: page.items.compactMap { _, record in
                users[record.userID].map { Self.metadata(record, user: $0) }
            },
            marker: page.marker, isTruncated: page.isTruncated)
    }

    @Sendable func resetServiceSpecificCredential(
        _ input: IAMAPI.ResetServiceSpecificCredentialRequest, _ context: CallContext
    ) async throws -> IAMAPI.ResetServiceSpecificCredentialResponse {
        let (user, current) = try ownedCredential(input.userName, input.serviceSpecificCredentialId, context)
        let secret = Self.newSecret(alias: Self.apiKeyServices.contains(current.serviceName) ? current.serviceUserName : nil)
        let salt = PasswordHasher.salt()
        let hash = try PasswordHasher.hash(secret, salt: salt)
        let record = try await changeCredential(current, context) { record in
            record.secretHash = hash
            record.salt = salt
        }
        return IAMAPI.ResetServiceSpecificCredentialResponse(serviceSpecificCredential: Self.credential(record, user: user, secret: secret))
    }

    @Sendable func updateServiceSpecificCredential(
        _ input: IAMAPI.UpdateServiceSpecificCredentialRequest, _ context: CallContext
    ) async throws -> EmptyOutput {
        let (_, current) = try ownedCredential(input.userName, input.serviceSpecificCredentialId, context)
        guard input.status == "Active" || input.status == "Inactive" else {
            throw IAMError.validation("Invalid status \(input.status): the status must be Active or Inactive.")
        }
        try await changeCredential(current, context) { $0.status = input.status }
        return EmptyOutput()
    }

    @Sendable func deleteServiceSpecificCredential(
        _ input: IAMAPI.DeleteServiceSpecificCredentialRequest, _ context: CallContext
    ) async throws -> EmptyOutput {
        let (_, current) = try ownedCredential(input.userName, input.serviceSpecificCredentialId, context)
        do {
            try await database.serviceSpecificCredentials.delete(id: current.credentialID, accountID: context.accountID)
        } catch StoreError.notFound {
            throw Self.noSuchCredential(current.credentialID)
        }
        return EmptyOutput()
    }

    // MARK: Shared steps

    /// The user an operation names (else the caller) and the credential it names.
    static func credentialReferences(_ userName: String?, _ credentialID: String, _ context: CallContext) -> [ResourceReference] {
        userOrCaller(userName, context)
            + [ResourceReference(.iamServiceSpecificCredential, member: "ServiceSpecificCredentialId", text: credentialID, use: .implied)]
    }

    /// The credential the resolve stage found, when it is the user's.
    private func ownedCredential(
        _ userName: String?, _ credentialID: String, _ context: CallContext
    ) throws -> (IAMPrincipalRecord, ServiceSpecificCredentialRecord) {
        guard let name = try Self.callerUserName(userName, context) else {
            throw IAMError.validation("Must specify userName when calling with non-User credentials")
        }
        let user = try existing(.user, name, context)
        guard let resolved = context.resolution.resource(.iamServiceSpecificCredential, named: credentialID) else {
            throw AWSError.undeclaredReference(.iamServiceSpecificCredential, requestID: context.requestID)
        }
        guard let credential = resolved.entity(as: ServiceSpecificCredentialRecord.self), credential.userID == user.uniqueID else {
            throw Self.noSuchCredential(credentialID)
        }
        return (user, credential)
    }

    @discardableResult
    private func changeCredential(
        _ credential: ServiceSpecificCredentialRecord, _ context: CallContext,
        _ change: @escaping @Sendable (inout ServiceSpecificCredentialRecord) throws -> Void
    ) async throws -> ServiceSpecificCredentialRecord {
        do {
            return try await database.serviceSpecificCredentials.update(id: credential.credentialID, accountID: context.accountID, change)
        } catch StoreError.notFound {
            throw Self.noSuchCredential(credential.credentialID)
        }
    }

    static func noSuchCredential(_ id: String) -> AWSError {
        IAMError.noSuchEntity("No such credential \(id) exists")
    }

    /// The name the service knows the user by: `<user>-at-<account>`.
    static func serviceUserName(_ user: IAMPrincipalRecord, _ context: CallContext) -> String {
        "\(user.name)-at-\(context.accountID)"
    }

    /// A password (44 characters, as IAM's), or for an API key `ABSK` and the base64 of its alias and a random secret.
    static func newSecret(alias: String?) -> String {
        let random = PasswordHasher.salt() + PasswordHasher.salt()
        guard let alias else { return random.base64EncodedString() }
        return "ABSK" + Data("\(alias):\(random.base64EncodedString())".utf8).base64EncodedString()
    }

    static func credential(_ record: ServiceSpecificCredentialRecord, user: IAMPrincipalRecord, secret: String) -> IAMAPI.ServiceSpecificCredential {
        let isAPIKey = apiKeyServices.contains(record.serviceName)
        return IAMAPI.ServiceSpecificCredential(
            createDate: record.createdAt, expirationDate: record.expiresAt, serviceName: record.serviceName,
            serviceUserName: isAPIKey ? nil : record.serviceUserName, servicePassword: isAPIKey ? nil : secret,
            serviceCredentialAlias: isAPIKey ? record.serviceUserName : nil, serviceCredentialSecret: isAPIKey ? secret : nil,
            serviceSpecificCredentialId: record.credentialID, userName: user.name, status: record.status)
    }

    static func metadata(_ record: ServiceSpecificCredentialRecord, user: IAMPrincipalRecord) -> IAMAPI.ServiceSpecificCredentialMetadata {
        let isAPIKey = apiKeyServices.contains(record.serviceName)
        return IAMAPI.ServiceSpecificCredentialMetadata(
            userName: user.name, status: record.status, serviceUserName: isAPIKey ? nil : record.serviceUserName,
            serviceCredentialAlias: isAPIKey ? record.serviceUserName : nil, createDate: record.createdAt, expirationDate: record.expiresAt,
            serviceSpecificCredentialId: record.credentialID, serviceName: record.serviceName)
    }
}
