import AWSWire
import Store

extension LambdaService {
    @Sendable func getAccountSettings(
        _ input: LambdaAPI.GetAccountSettingsRequest, _ context: CallContext
    ) async throws -> LambdaAPI.GetAccountSettingsResponse {
        let usage = try await database.functions.usage(accountID: context.accountID, region: context.region)
        let reserved = try await database.invocations.totalReservedConcurrency(accountID: context.accountID, region: context.region)
        return LambdaAPI.GetAccountSettingsResponse(
            accountLimit: LambdaAPI.AccountLimit(
                totalCodeSize: FunctionRules.codeStorageLimit,
                codeSizeUnzipped: FunctionRules.unzippedCodeLimit,
                codeSizeZipped: FunctionRules.zippedCodeLimit,
                concurrentExecutions: settings.accountConcurrency,
                unreservedConcurrentExecutions: settings.accountConcurrency - reserved
            ),
            accountUsage: LambdaAPI.AccountUsage(totalCodeSize: usage.totalCodeSize, functionCount: usage.functionCount)
        )
    }
}
