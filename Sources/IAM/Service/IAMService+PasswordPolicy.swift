import AWSWire
import BulwarkCore
import Foundation
import Store

/// The account's password policy for its users' console passwords.
extension IAMService {
    var passwordPolicyOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "UpdateAccountPasswordPolicy", action: "iam:UpdateAccountPasswordPolicy", readOnly: false,
                input: IAMAPI.UpdateAccountPasswordPolicyRequest.self,
                handler: updateAccountPasswordPolicy
            ),
            ServiceOperation(
                "GetAccountPasswordPolicy", action: "iam:GetAccountPasswordPolicy", readOnly: true,
                input: EmptyInput.self,
                handler: getAccountPasswordPolicy
            ),
            ServiceOperation(
                "DeleteAccountPasswordPolicy", action: "iam:DeleteAccountPasswordPolicy", readOnly: false,
                input: EmptyInput.self,
                handler: deleteAccountPasswordPolicy
            ),
        ]
    }

    /// Every member left out takes IAM's default again, as the API reference says.
    @Sendable func updateAccountPasswordPolicy(
        _ input: IAMAPI.UpdateAccountPasswordPolicyRequest, _ context: CallContext
    ) async throws -> EmptyOutput {
        var policy = PasswordPolicy()
        if let length = input.minimumPasswordLength { policy.minimumPasswordLength = length }
        policy.requireSymbols = input.requireSymbols ?? false
        policy.requireNumbers = input.requireNumbers ?? false
        policy.requireUppercaseCharacters = input.requireUppercaseCharacters ?? false
        policy.requireLowercaseCharacters = input.requireLowercaseCharacters ?? false
        policy.allowUsersToChangePassword = input.allowUsersToChangePassword ?? false
        policy.maxPasswordAge = input.maxPasswordAge
        policy.passwordReusePrevention = input.passwordReusePrevention
        policy.hardExpiry = input.hardExpiry
        try await database.accountSettings.setPasswordPolicy(policy.encoded, accountID: context.accountID)
        return EmptyOutput()
    }

    @Sendable func getAccountPasswordPolicy(
        _ input: EmptyInput, _ context: CallContext
    ) async throws -> IAMAPI.GetAccountPasswordPolicyResponse {
        guard let policy = try await passwordPolicy(context) else { throw Self.noPasswordPolicy(context) }
        return IAMAPI.GetAccountPasswordPolicyResponse(
            passwordPolicy: IAMAPI.PasswordPolicy(
                minimumPasswordLength: policy.minimumPasswordLength, requireSymbols: policy.requireSymbols,
                requireNumbers: policy.requireNumbers, requireUppercaseCharacters: policy.requireUppercaseCharacters,
                requireLowercaseCharacters: policy.requireLowercaseCharacters, allowUsersToChangePassword: policy.allowUsersToChangePassword,
                expirePasswords: policy.maxPasswordAge != nil, maxPasswordAge: policy.maxPasswordAge,
                passwordReusePrevention: policy.passwordReusePrevention, hardExpiry: policy.hardExpiry
            )
        )
    }

    @Sendable func deleteAccountPasswordPolicy(
        _ input: EmptyInput, _ context: CallContext
    ) async throws -> EmptyOutput {
        do {
            try await database.accountSettings.deletePasswordPolicy(accountID: context.accountID)
        } catch StoreError.notFound {
            throw Self.noPasswordPolicy(context)
        }
        return EmptyOutput()
    }

    /// The account's password policy, if it set one.
    func passwordPolicy(_ context: CallContext) async throws -> PasswordPolicy? {
        PasswordPolicy(encoded: try await database.accountSettings.passwordPolicy(accountID: context.accountID))
    }

    static func noPasswordPolicy(_ context: CallContext) -> AWSError {
        IAMError.noSuchEntity("The Password Policy with domain name \(context.accountID) cannot be found.")
    }
}
