import AWSWire
import BulwarkCore
import Foundation
import IAM
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
    let executionRoles: ServiceRoleSessions

    public init(
        database: BulwarkDatabase, code: CodeStore, invoker: any FunctionInvoker, clock: WallClock = .system, settings: Settings = Settings()
    ) {
        // Lambda checks runtimes itself, against the runtimes it still supports (FunctionRules).
        self.model = ServiceModel.lambda
            .adding(operations: CodeArchive.operations, shapes: CodeArchive.shapes)
            .replacing(Shape(name: "Runtime", kind: .string))
        self.database = database
        self.code = code
        self.invoker = invoker
        self.clock = clock
        self.settings = settings
        self.executionRoles = ServiceRoleSessions(database: database, clock: clock)
    }

    /// The execution role of a function must exist in its account and trust Lambda.
    func checkExecutionRole(_ role: String, of reference: FunctionReference) async throws {
        do {
            try await executionRoles.verify(
                Self.executionRoleAssumption(role: role, functionARN: reference.functionARN, accountID: reference.accountID))
        } catch is ServiceRoleSessions.Refusal {
            throw Self.executionRoleRefused
        }
    }

    /// Lambda's answer when a function's execution role is missing or does not trust Lambda.
    public static let executionRoleRefused = LambdaError.invalidParameter("The role defined for the function cannot be assumed by Lambda.")

    /// Lambda assuming a function's execution role for the function.
    public static func executionRoleAssumption(role: String, functionARN: String, accountID: String) -> ServiceRoleSessions.Assumption {
        ServiceRoleSessions.Assumption(service: "lambda.amazonaws.com", roleARN: role, sourceARN: functionARN, sourceAccount: accountID)
    }

    /// Giving a function its execution role passes the role to Lambda: the caller must be allowed
    /// `iam:PassRole` on it, so that nobody runs code with more rights than their own.
    static func passRole(_ role: String) -> AuthorizationCheck {
        AuthorizationCheck(action: "iam:PassRole", resource: role, conditionKeys: ["iam:PassedToService": .single("lambda.amazonaws.com")])
    }

    /// Tags given with a new function are set by it: the caller must also be allowed
    /// `lambda:TagResource` on the function, as in AWS, under the same request-tag keys.
    static func tagOnCreate(_ tags: [String: String]?, function: String) -> [AuthorizationCheck] {
        guard let tags, !tags.isEmpty else { return [] }
        return [AuthorizationCheck(action: "lambda:TagResource", resource: function, conditionKeys: AuthorizationCheck.requestTagKeys(tags))]
    }

    /// Lambda's request size limit for operations that carry a deployment package (as AWS answers it).
    static let packageRequestLimit = 70_167_211

    public var operations: [ServiceOperation] {
        [
            ServiceOperation(
                "CreateFunction", action: "lambda:CreateFunction", readOnly: false, maxRequestBytes: Self.packageRequestLimit,
                input: LambdaAPI.CreateFunctionRequest.self,
                resources: { input, context in
                    [try FunctionReference(input.functionName, allowsQualifier: false, creating: true, context: context).resourceARN]
                },
                conditionKeys: { input, _ in Self.creationKeys(input) },
                furtherChecks: { input, context in
                    let function = try FunctionReference(input.functionName, allowsQualifier: false, creating: true, context: context)
                    return [Self.passRole(input.role)] + Self.tagOnCreate(input.tags, function: function.resourceARN)
                },
                handler: createFunction
            ),
            ServiceOperation(
                "GetFunction", action: "lambda:GetFunction", readOnly: true,
                eventName: "GetFunction20150331v2",
                input: LambdaAPI.GetFunctionRequest.self,
                resources: { input, context in
                    [try FunctionReference(input.functionName, qualifier: input.qualifier, context: context).resourceARN]
                },
                handler: getFunction
            ),
            ServiceOperation(
                "GetFunctionConfiguration", action: "lambda:GetFunctionConfiguration", readOnly: true,
                eventName: "GetFunctionConfiguration20150331v2",
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
                eventName: "UpdateFunctionCode20150331v2",
                input: LambdaAPI.UpdateFunctionCodeRequest.self,
                resources: { input, context in
                    [try FunctionReference(input.functionName, allowsQualifier: false, context: context).resourceARN]
                },
                handler: updateFunctionCode
            ),
            ServiceOperation(
                "UpdateFunctionConfiguration", action: "lambda:UpdateFunctionConfiguration", readOnly: false,
                eventName: "UpdateFunctionConfiguration20150331v2",
                input: LambdaAPI.UpdateFunctionConfigurationRequest.self,
                resources: { input, context in
                    [try FunctionReference(input.functionName, allowsQualifier: false, context: context).resourceARN]
                },
                conditionKeys: { input, _ in Self.configurationKeys(layers: input.layers, vpcConfig: input.vpcConfig) },
                furtherChecks: { input, _ in input.role.map { [Self.passRole($0)] } ?? [] },
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
                eventName: "TagResource20170331v2",
                input: LambdaAPI.TagResourceRequest.self,
                resources: { input, _ in [input.resource] },
                conditionKeys: { input, _ in AuthorizationCheck.requestTagKeys(input.tags) },
                handler: tagResource
            ),
            ServiceOperation(
                "UntagResource", action: "lambda:UntagResource", readOnly: false,
                eventName: "UntagResource20170331v2",
                input: LambdaAPI.UntagResourceRequest.self,
                resources: { input, _ in [input.resource] },
                conditionKeys: { input, _ in AuthorizationCheck.tagKeys(input.tagKeys) },
                handler: untagResource
            ),
            ServiceOperation(
                "ListTags", action: "lambda:ListTags", readOnly: true,
                input: LambdaAPI.ListTagsRequest.self,
                resources: { input, _ in [input.resource] },
                handler: listTags
            ),
            ServiceOperation(
                "AddPermission", action: "lambda:AddPermission", readOnly: false,
                eventName: "AddPermission20150331v2",
                input: LambdaAPI.AddPermissionRequest.self,
                resources: { input, context in
                    [try FunctionReference(input.functionName, qualifier: input.qualifier, context: context).resourceARN]
                },
                conditionKeys: { input, _ in
                    var keys: [String: AuthorizationCheck.Value] = ["lambda:Principal": .single(input.principal)]
                    if let authType = input.functionUrlAuthType { keys["lambda:FunctionUrlAuthType"] = .single(authType) }
                    return keys
                },
                handler: addPermission
            ),
            ServiceOperation(
                "RemovePermission", action: "lambda:RemovePermission", readOnly: false,
                eventName: "RemovePermission20150331v2",
                input: LambdaAPI.RemovePermissionRequest.self,
                resources: { input, context in
                    [try FunctionReference(input.functionName, qualifier: input.qualifier, context: context).resourceARN]
                },
                handler: removePermission
            ),
            ServiceOperation(
                "GetPolicy", action: "lambda:GetPolicy", readOnly: true,
                eventName: "GetPolicy20150331v2",
                input: LambdaAPI.GetPolicyRequest.self,
                resources: { input, context in
                    [try FunctionReference(input.functionName, qualifier: input.qualifier, context: context).resourceARN]
                },
                handler: getPolicy
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
