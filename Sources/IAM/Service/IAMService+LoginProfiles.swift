import AWSWire
import BulwarkCore
import Foundation
import Store

/// Users' console passwords (login profiles). A password must satisfy the account's password policy
/// (or, without one, IAM's default policy); only its salted hash is kept.
extension IAMService {
    var loginProfileOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "CreateLoginProfile", action: "iam:CreateLoginProfile", readOnly: false, input: IAMAPI.CreateLoginProfileRequest.self,
                references: { input, context in Self.userOrCaller(input.userName, context) },
                resources: { _, resolution, context in Self.userOrCallerARN(resolution, context) },
                handler: createLoginProfile
            ),
            ServiceOperation(
                "GetLoginProfile", action: "iam:GetLoginProfile", readOnly: true, input: IAMAPI.GetLoginProfileRequest.self,
                references: { input, context in Self.userOrCaller(input.userName, context) },
                resources: { _, resolution, context in Self.userOrCallerARN(resolution, context) },
                handler: getLoginProfile
            ),
            ServiceOperation(
                "UpdateLoginProfile", action: "iam:UpdateLoginProfile", readOnly: false, input: IAMAPI.UpdateLoginProfileRequest.self,
                references: { input, _ in [Self.named(.user, "UserName", input.userName)] },
                handler: updateLoginProfile
            ),
            ServiceOperation(
                "DeleteLoginProfile", action: "iam:DeleteLoginProfile", readOnly: false, input: IAMAPI.DeleteLoginProfileRequest.self,
                references: { input, context in Self.userOrCaller(input.userName, context) },
                resources: { _, resolution, context in Self.userOrCallerARN(resolution, context) },
                handler: deleteLoginProfile
            ),
        ]
    }

    @Sendable func createLoginProfile(
        _ input: IAMAPI.CreateLoginProfileRequest, _ context: CallContext
    ) async throws -> IAMAPI.CreateLoginProfileResponse {
        let user = try loginProfileOwner(input.userName, context)
        guard let password = input.password else { throw IAMError.validation("Password is required") }
        try await checkPassword(password, context)
        let salt = PasswordHasher.salt()
        let now = clock.now()
        let profile = LoginProfileRecord(
            userID: user.uniqueID, accountID: context.accountID, passwordHash: try PasswordHasher.hash(password, salt: salt), salt: salt,
            createdAt: now, passwordChangedAt: now, passwordResetRequired: input.passwordResetRequired ?? false)
        do {
            try await database.accountSettings.createLoginProfile(profile)
        } catch StoreError.conflict {
            throw IAMError.entityAlreadyExists("Login Profile for user \(user.name) already exists.")
        }
        return IAMAPI.CreateLoginProfileResponse(loginProfile: Self.loginProfile(profile, of: user))
    }

    @Sendable func getLoginProfile(_ input: IAMAPI.GetLoginProfileRequest, _ context: CallContext) async throws -> IAMAPI.GetLoginProfileResponse {
        let user = try loginProfileOwner(input.userName, context)
        guard let profile = try await database.accountSettings.loginProfile(userID: user.uniqueID) else { throw Self.noLoginProfile(user.name) }
        return IAMAPI.GetLoginProfileResponse(loginProfile: Self.loginProfile(profile, of: user))
    }

    @Sendable func updateLoginProfile(_ input: IAMAPI.UpdateLoginProfileRequest, _ context: CallContext) async throws -> EmptyOutput {
        let user = try existing(.user, input.userName, context)
        var change: (hash: Data, salt: Data)?
        if let password = input.password {
            try await checkPassword(password, context)
            let salt = PasswordHasher.salt()
            change = (try PasswordHasher.hash(password, salt: salt), salt)
        }
        let now = clock.now()
        do {
            try await database.accountSettings.updateLoginProfile(userID: user.uniqueID) { [change] profile in
                if let change {
                    profile.passwordHash = change.hash
                    profile.salt = change.salt
                    profile.passwordChangedAt = now
                }
                if let required = input.passwordResetRequired { profile.passwordResetRequired = required }
            }
        } catch StoreError.notFound {
            throw Self.noLoginProfile(user.name)
        }
        return EmptyOutput()
    }

    @Sendable func deleteLoginProfile(_ input: IAMAPI.DeleteLoginProfileRequest, _ context: CallContext) async throws -> EmptyOutput {
        let user = try loginProfileOwner(input.userName, context)
        do {
            try await database.accountSettings.deleteLoginProfile(userID: user.uniqueID)
        } catch StoreError.notFound {
            throw Self.noLoginProfile(user.name)
        }
        return EmptyOutput()
    }

    /// The user named, else the calling user; the root's own console password is not Bulwark's.
    private func loginProfileOwner(_ userName: String?, _ context: CallContext) throws -> IAMPrincipalRecord {
        guard let name = try Self.callerUserName(userName, context) else {
            throw IAMError.validation("Must specify userName when calling with non-User credentials")
        }
        return try existing(.user, name, context)
    }

    /// A password IAM accepts: one the account's policy allows (IAM's default policy without one).
    private func checkPassword(_ password: String, _ context: CallContext) async throws {
        guard PasswordPolicy.allows(password, under: try await passwordPolicy(context)) else {
            throw AWSError(code: "PasswordPolicyViolation", message: "Password does not conform to the account password policy.", status: 400)
        }
    }

    static func loginProfile(_ profile: LoginProfileRecord, of user: IAMPrincipalRecord) -> IAMAPI.LoginProfile {
        IAMAPI.LoginProfile(userName: user.name, createDate: profile.createdAt, passwordResetRequired: profile.passwordResetRequired)
    }

    static func noLoginProfile(_ userName: String) -> AWSError {
        IAMError.noSuchEntity("Login Profile for User \(userName) cannot be found.")
    }
}
