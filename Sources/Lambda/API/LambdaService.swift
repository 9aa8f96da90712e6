import AWSWire
import BulwarkCore
import Foundation
import Store

/// The Lambda control plane: functions, their code and configuration, tags and account settings.
///
/// Each operation is declared once below with its IAM action, its resources and its handler; the
/// pipeline does the rest (authentication, decoding, validation, authorization, audit).
public struct LambdaService: AWSService {
    /// Limits and defaults of the account.
    public struct Settings: Sendable {
        /// The account's concurrent-executions limit (AWS's default is 1000).
        public var accountConcurrency: Int

        public init(accountConcurrency: Int = 1000) {
            self.accountConcurrency = accountConcurrency
        }
    }

    public let model: ServiceModel
    let database: BulwarkDatabase
    let code: CodeStore
    let clock: WallClock
    let settings: Settings
    let invoker: any FunctionInvoker

    public init(
        database: BulwarkDatabase, code: CodeStore, invoker: any FunctionInvoker, clock: WallClock = .system, settings: Settings = Settings()
    ) {
        self.model = ServiceModel.lambda.adding(operations: CodeArchive.operations, shapes: CodeArchive.shapes)
        self.database = database
        self.code = code
        self.invoker = invoker
        self.clock = clock
        self.settings = settings
    }

    /// Lambda's request size limit for operations that carry a deployment package.
    static let packageRequestLimit = 69_905_067

    public var operations: [ServiceOperation] {
        [
            ServiceOperation(
                "CreateFunction", action: "lambda:CreateFunction", readOnly: false, maxRequestBytes: Self.packageRequestLimit,
                input: LambdaAPI.CreateFunctionRequest.self,
                resources: { input, context in
                    [try FunctionReference(input.functionName, allowsQualifier: false, context: context).resourceARN]
                },
                handler: createFunction
            ),
            ServiceOperation(
                "GetFunction", action: "lambda:GetFunction", readOnly: true,
                input: LambdaAPI.GetFunctionRequest.self,
                resources: { input, context in
                    [try FunctionReference(input.functionName, qualifier: input.qualifier, context: context).resourceARN]
                },
                handler: getFunction
            ),
            ServiceOperation(
                "GetFunctionConfiguration", action: "lambda:GetFunctionConfiguration", readOnly: true,
                input: LambdaAPI.GetFunctionConfigurationRequest.self,
                resources: { input, context in
                    [try FunctionReference(input.functionName, qualifier: input.qualifier, context: context).resourceARN]
                },
                handler: getFunctionConfiguration
            ),
            ServiceOperation(
                "ListFunctions", action: "lambda:ListFunctions", readOnly: true,
                input: LambdaAPI.ListFunctionsRequest.self,
                resources: { _, _ in ["*"] },
                handler: listFunctions
            ),
            ServiceOperation(
                "UpdateFunctionCode", action: "lambda:UpdateFunctionCode", readOnly: false, maxRequestBytes: Self.packageRequestLimit,
                input: LambdaAPI.UpdateFunctionCodeRequest.self,
                resources: { input, context in
                    [try FunctionReference(input.functionName, allowsQualifier: false, context: context).resourceARN]
                },
                handler: updateFunctionCode
            ),
            ServiceOperation(
                "UpdateFunctionConfiguration", action: "lambda:UpdateFunctionConfiguration", readOnly: false,
                input: LambdaAPI.UpdateFunctionConfigurationRequest.self,
                resources: { input, context in
                    [try FunctionReference(input.functionName, allowsQualifier: false, context: context).resourceARN]
                },
                handler: updateFunctionConfiguration
            ),
            ServiceOperation(
                "DeleteFunction", action: "lambda:DeleteFunction", readOnly: false,
                input: LambdaAPI.DeleteFunctionRequest.self,
                resources: { input, context in
                    [try FunctionReference(input.functionName, qualifier: input.qualifier, context: context).resourceARN]
                },
                handler: deleteFunction
            ),
            ServiceOperation(
                "TagResource", action: "lambda:TagResource", readOnly: false,
                input: LambdaAPI.TagResourceRequest.self,
                resources: { input, _ in [input.resource] },
                handler: tagResource
            ),
            ServiceOperation(
                "UntagResource", action: "lambda:UntagResource", readOnly: false,
                input: LambdaAPI.UntagResourceRequest.self,
                resources: { input, _ in [input.resource] },
                handler: untagResource
            ),
            ServiceOperation(
                "ListTags", action: "lambda:ListTags", readOnly: true,
                input: LambdaAPI.ListTagsRequest.self,
                resources: { input, _ in [input.resource] },
                handler: listTags
            ),
            ServiceOperation(
                "GetAccountSettings", action: "lambda:GetAccountSettings", readOnly: true,
                input: LambdaAPI.GetAccountSettingsRequest.self,
                resources: { _, _ in ["*"] },
                handler: getAccountSettings
            ),
            ServiceOperation(
                "Invoke", action: "lambda:InvokeFunction", readOnly: false, maxRequestBytes: Self.syncPayloadLimit,
                limitName: "InvokeFunction", responseContentType: "application/json",
                input: LambdaAPI.InvocationRequest.self,
                resources: { input, context in
                    [try FunctionReference(input.functionName, qualifier: input.qualifier, context: context).resourceARN]
                },
                handler: invoke
            ),
            ServiceOperation(
                "PutFunctionConcurrency", action: "lambda:PutFunctionConcurrency", readOnly: false,
                input: LambdaAPI.PutFunctionConcurrencyRequest.self,
                resources: { input, context in
                    [try FunctionReference(input.functionName, allowsQualifier: false, context: context).resourceARN]
                },
                handler: putFunctionConcurrency
            ),
            ServiceOperation(
                "GetFunctionConcurrency", action: "lambda:GetFunctionConcurrency", readOnly: true,
                input: LambdaAPI.GetFunctionConcurrencyRequest.self,
                resources: { input, context in
                    [try FunctionReference(input.functionName, allowsQualifier: false, context: context).resourceARN]
                },
                handler: getFunctionConcurrency
            ),
            ServiceOperation(
                "DeleteFunctionConcurrency", action: "lambda:DeleteFunctionConcurrency", readOnly: false,
                input: LambdaAPI.DeleteFunctionConcurrencyRequest.self,
                resources: { input, context in
                    [try FunctionReference(input.functionName, allowsQualifier: false, context: context).resourceARN]
                },
                handler: deleteFunctionConcurrency
            ),
            ServiceOperation(
                "PutFunctionEventInvokeConfig", action: "lambda:PutFunctionEventInvokeConfig", readOnly: false,
                input: LambdaAPI.PutFunctionEventInvokeConfigRequest.self,
                resources: { input, context in
                    [try FunctionReference(input.functionName, qualifier: input.qualifier, context: context).resourceARN]
                },
                handler: putFunctionEventInvokeConfig
            ),
            ServiceOperation(
                "GetFunctionEventInvokeConfig", action: "lambda:GetFunctionEventInvokeConfig", readOnly: true,
                input: LambdaAPI.GetFunctionEventInvokeConfigRequest.self,
                resources: { input, context in
                    [try FunctionReference(input.functionName, qualifier: input.qualifier, context: context).resourceARN]
                },
                handler: getFunctionEventInvokeConfig
            ),
            ServiceOperation(
                "DeleteFunctionEventInvokeConfig", action: "lambda:DeleteFunctionEventInvokeConfig", readOnly: false,
                input: LambdaAPI.DeleteFunctionEventInvokeConfigRequest.self,
                resources: { input, context in
                    [try FunctionReference(input.functionName, qualifier: input.qualifier, context: context).resourceARN]
                },
                handler: deleteFunctionEventInvokeConfig
            ),
            ServiceOperation(
                CodeArchive.operationName, action: "lambda:GetFunction", readOnly: true,
                input: CodeArchive.Request.self,
                resources: { input, context in
                    [try FunctionReference(input.functionName, qualifier: input.qualifier, context: context).resourceARN]
                },
                handler: getCodeArchive
            ),
        ]
    }
}
