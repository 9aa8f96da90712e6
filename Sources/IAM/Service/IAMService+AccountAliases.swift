import AWSWire
import BulwarkCore
import Foundation
import Store

/// The account's alias (the name in its sign-in URL): one per account, unique among accounts.
extension IAMService {
    var accountAliasOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "CreateAccountAlias", action: "iam:CreateAccountAlias", readOnly: false, input: IAMAPI.CreateAccountAliasRequest.self,
                handler: createAccountAlias
            ),
            ServiceOperation(
                "DeleteAccountAlias", action: "iam:DeleteAccountAlias", readOnly: false, input: IAMAPI.DeleteAccountAliasRequest.self,
                handler: deleteAccountAlias
            ),
            ServiceOperation(
                "ListAccountAliases", action: "iam:ListAccountAliases", readOnly: true, input: IAMAPI.ListAccountAliasesRequest.self,
                handler: listAccountAliases
            ),
        ]
    }

    @Sendable func createAccountAlias(_ input: IAMAPI.CreateAccountAliasRequest, _ context: CallContext) async throws -> EmptyOutput {
        do {
            try await database.accountSettings.setAlias(input.accountAlias, accountID: context.accountID)
        } catch StoreError.conflict {
            throw IAMError.entityAlreadyExists("The account alias \(input.accountAlias) already exists.")
        } catch IAMStoreError.limitExceeded {
            throw IAMError.limitExceeded("Cannot exceed quota for AccountAliasesPerAccount: 1")
        }
        return EmptyOutput()
    }

    @Sendable func deleteAccountAlias(_ input: IAMAPI.DeleteAccountAliasRequest, _ context: CallContext) async throws -> EmptyOutput {
        do {
            try await database.accountSettings.deleteAlias(input.accountAlias, accountID: context.accountID)
        } catch StoreError.notFound {
            throw IAMError.noSuchEntity("The account alias \(input.accountAlias) cannot be found.")
        }
        return EmptyOutput()
    }

    @Sendable func listAccountAliases(
        _ input: IAMAPI.ListAccountAliasesRequest, _ context: CallContext
    ) async throws -> IAMAPI.ListAccountAliasesResponse {
        let aliases = try await database.accountSettings.alias(accountID: context.accountID).map { [$0] } ?? []
        let page = try IAMPage(aliases, key: { $0 }, marker: input.marker, maxItems: input.maxItems)
        return IAMAPI.ListAccountAliasesResponse(accountAliases: page.items, isTruncated: page.isTruncated, marker: page.marker)
    }
}
