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
        /// Whether environment variables that look like credentials are refused or only recorded.
        public var credentialFindings: CredentialFindingsMode

        public init(accountConcurrency: Int = 1000, credentialFindings: CredentialFindingsMode = .refuse) {
            self.accountConcurrency = accountConcurrency
            self.credentialFindings = credentialFindings
        }
    }

    public let model: ServiceModel
    let database: BulwarkDatabase
    let code: CodeStore
    let clock: WallClock
    let settings: Settings
    let invoker: any FunctionInvoker
    /// Where accepted `Event` invocations are reported (`AsyncEventsReceived`).
    let metrics: (any FunctionMetricSink)?
    let executionRoles: ServiceRoleSessions
    /// Encrypts and decrypts functions' environment variables (KMS, on Lambda's behalf).
    let encryption: any ServiceEncryption
    /// Reads deployment packages from S3 (ObjectStore, on the caller's behalf).
    let objects: any ServiceObjectReader
    /// Judges the signatures of packages deployed under a code signing configuration (Signer's);
    /// without one, every package under a configuration is untrusted.
    let codeSignatures: (any CodeSignatureVerifier)?
    /// Moves created and changed functions from `Pending` / `InProgress` on; the server runs it.
    public let preparer: FunctionPreparer
    /// Function versions as the resolve stage last read them, until the next write.
    let resolvedVersions: StoreReadCache<LambdaResourceAuthority.VersionKey, LambdaResourceAuthority.StoredVersion?>
    /// Each account region's sum of reservations, until the next write (every invocation needs it).
    let reservedTotals: StoreReadCache<RegionKey, Int>

    public init(
        database: BulwarkDatabase, code: CodeStore, invoker: any FunctionInvoker, encryption: any ServiceEncryption,
        objects: any ServiceObjectReader, codeSignatures: (any CodeSignatureVerifier)? = nil, clock: WallClock = .system,
        settings: Settings = Settings(), metrics: (any FunctionMetricSink)? = nil
    ) {
        // Lambda checks runtimes itself, against the runtimes it still supports (FunctionRules).
        self.model = ServiceModel.lambda
            .adding(operations: CodeArchive.operations + LayerArchive.operations, shapes: CodeArchive.shapes + LayerArchive.shapes)
            .updating(Self.currentConstraints)
            .replacing(Shape(name: "Runtime", kind: .string))
        self.database = database
        self.code = code
        self.invoker = invoker
        self.metrics = metrics
        self.encryption = encryption
        self.objects = objects
        self.codeSignatures = codeSignatures
        self.clock = clock
        self.settings = settings
        self.executionRoles = ServiceRoleSessions(database: database, clock: clock)
        self.preparer = FunctionPreparer(database: database, code: code, invoker: invoker)
        self.resolvedVersions = StoreReadCache(database: database)
        self.reservedTotals = StoreReadCache(database: database, capacity: 256)
    }

    /// The execution role of a function — the role the resolve stage found at the `Role` ARN — must
    /// exist in the function's account and trust Lambda.
    func checkExecutionRole(_ role: String, of reference: FunctionReference, _ context: CallContext) throws {
        let assumption = Self.executionRoleAssumption(role: role, functionARN: reference.functionARN, accountID: reference.accountID)
        do {
            try executionRoles.verify(context.resolution["Role"]?.entity(as: IAMPrincipalRecord.self), for: assumption)
        } catch let refusal as ServiceRoleSessions.Refusal {
            throw Self.executionRoleRefused(refusal, assumption)
        }
    }

    /// Lambda's answer when a function's execution role is missing or does not trust Lambda; the
    /// trail says which.
    public static func executionRoleRefused(_ refusal: ServiceRoleSessions.Refusal, _ assumption: ServiceRoleSessions.Assumption) -> AWSError {
        LambdaError.invalidParameter("The role defined for the function cannot be assumed by Lambda.")
            .noting(refusal.explanation(of: assumption))
    }

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

    /// The code source a CreateFunction names, when complete.
    static func codeSource(_ code: LambdaAPI.FunctionCode) -> CodeSource? {
        CodeSource.declared(
            zipFile: code.zipFile, s3Bucket: code.s3Bucket, s3Key: code.s3Key, s3ObjectVersion: code.s3ObjectVersion, imageURI: code.imageUri)
    }

    /// The code source an UpdateFunctionCode names, when complete.
    static func codeSource(_ input: LambdaAPI.UpdateFunctionCodeRequest) -> CodeSource? {
        CodeSource.declared(
            zipFile: input.zipFile, s3Bucket: input.s3Bucket, s3Key: input.s3Key, s3ObjectVersion: input.s3ObjectVersion, imageURI: input.imageUri)
    }

    public var authorities: [any ResourceAuthority] {
        [
            LambdaResourceAuthority(database: database, versions: resolvedVersions), LayerResourceAuthority(database: database),
            CodeSigningConfigAuthority(database: database),
        ]
    }

    public var operations: [ServiceOperation] {
        [
            ServiceOperation(
                "CreateFunction", action: "lambda:CreateFunction", readOnly: false, maxRequestBytes: Self.packageRequestLimit,
                input: LambdaAPI.CreateFunctionRequest.self,
                references: { input, context in
                    [
                        try Self.function("FunctionName", input.functionName, allowsQualifier: false, creating: true, context: context),
                        ResourceReference(.iamRole, member: "Role", text: input.role, use: .implied),
                    ] + Self.environmentKey(input.kmsKeyArn) + Self.codeLocation(Self.codeSource(input.code), members: .creating)
                        + (try Self.layerReferences(input.layers, context: context))
                        + [input.codeSigningConfigArn].compactMap {
                            $0.map { ResourceReference(.lambdaCodeSigningConfig, member: "CodeSigningConfigArn", text: $0).implied }
                        }
                },
                conditionKeys: { input, _, _ in Self.creationKeys(input) },
                furtherChecks: { input, resolution, context in
                    [Self.passRole(resolution["Role"]?.arn ?? input.role)] + Self.tagOnCreate(input.tags, function: resolution.actedOnARNs[0])
                        + Self.settingKeyChecks(resolution, context)
                        + Self.codeLocationChecks(
                            Self.codeSource(input.code), members: .creating, resolution, readKeys: objects.readConditionKeys(of:))
                        + Self.layerChecks(input.layers, resolution)
                },
                handler: createFunction
            ),
            ServiceOperation(
                "GetFunction", action: "lambda:GetFunction", readOnly: true,
                eventName: "GetFunction20150331v2",
                input: LambdaAPI.GetFunctionRequest.self,
                references: { input, context in [try Self.function("FunctionName", input.functionName, qualifier: input.qualifier, context: context)]
                },
                entityReferences: { _, resolution, _ in Self.currentEnvironmentKey(resolution) },
                contingentChecks: { _, resolution, context in Self.readingKeyChecks(resolution, context) },
                handler: getFunction
            ),
            ServiceOperation(
                "GetFunctionConfiguration", action: "lambda:GetFunctionConfiguration", readOnly: true,
                eventName: "GetFunctionConfiguration20150331v2",
                input: LambdaAPI.GetFunctionConfigurationRequest.self,
                references: { input, context in [try Self.function("FunctionName", input.functionName, qualifier: input.qualifier, context: context)]
                },
                entityReferences: { _, resolution, _ in Self.currentEnvironmentKey(resolution) },
                contingentChecks: { _, resolution, context in Self.readingKeyChecks(resolution, context) },
                handler: getFunctionConfiguration
            ),
            ServiceOperation(
                "ListFunctions", action: "lambda:ListFunctions", readOnly: true,
                input: LambdaAPI.ListFunctionsRequest.self,
                handler: listFunctions
            ),
            ServiceOperation(
                "UpdateFunctionCode", action: "lambda:UpdateFunctionCode", readOnly: false, maxRequestBytes: Self.packageRequestLimit,
                eventName: "UpdateFunctionCode20150331v2",
                input: LambdaAPI.UpdateFunctionCodeRequest.self,
                references: { input, context in
                    [try Self.function("FunctionName", input.functionName, allowsQualifier: false, context: context)]
                        + Self.codeLocation(Self.codeSource(input), members: .updating)
                },
                furtherChecks: { input, resolution, _ in
                    Self.codeLocationChecks(Self.codeSource(input), members: .updating, resolution, readKeys: objects.readConditionKeys(of:))
                },
                // The answer shows the variables, under the function's customer key: as GetFunctionConfiguration.
                entityReferences: { _, resolution, _ in Self.currentEnvironmentKey(resolution) },
                contingentChecks: { _, resolution, context in Self.readingKeyChecks(resolution, context) },
                handler: updateFunctionCode
            ),
            ServiceOperation(
                "UpdateFunctionConfiguration", action: "lambda:UpdateFunctionConfiguration", readOnly: false,
                eventName: "UpdateFunctionConfiguration20150331v2",
                input: LambdaAPI.UpdateFunctionConfigurationRequest.self,
                references: { input, context in
                    [try Self.function("FunctionName", input.functionName, allowsQualifier: false, context: context)]
                        + (input.role.map { [ResourceReference(.iamRole, member: "Role", text: $0, use: .implied)] } ?? [])
                        + Self.environmentKey(input.kmsKeyArn) + (try Self.layerReferences(input.layers, context: context))
                },
                conditionKeys: { input, _, _ in Self.configurationKeys(layers: input.layers, vpcConfig: input.vpcConfig) },
                furtherChecks: { input, resolution, context in
                    // New variables under the function's current customer key are managed with it: kms:Decrypt.
                    (resolution["Role"].map { [Self.passRole($0.arn)] } ?? []) + Self.settingKeyChecks(resolution, context)
                        + (input.kmsKeyArn == nil && input.environment != nil ? Self.readingKeyChecks(resolution, context) : [])
                        + Self.layerChecks(input.layers, resolution)
                },
                // Variables given without a key are sealed under the function's current key; the answer
                // shows the variables kept under it only to a caller who may decrypt with it.
                entityReferences: { _, resolution, _ in Self.currentEnvironmentKey(resolution) },
                contingentChecks: { input, resolution, context in
                    input.kmsKeyArn == nil && input.environment != nil ? [] : Self.readingKeyChecks(resolution, context)
                },
                handler: updateFunctionConfiguration
            ),
            ServiceOperation(
                "DeleteFunction", action: "lambda:DeleteFunction", readOnly: false,
                input: LambdaAPI.DeleteFunctionRequest.self,
                references: { input, context in [try Self.function("FunctionName", input.functionName, qualifier: input.qualifier, context: context)]
                },
                handler: deleteFunction
            ),
            ServiceOperation(
                "PublishVersion", action: "lambda:PublishVersion", readOnly: false,
                input: LambdaAPI.PublishVersionRequest.self,
                references: { input, context in [try Self.function("FunctionName", input.functionName, allowsQualifier: false, context: context)] },
                // The answer shows the version's variables, under $LATEST's customer key: as GetFunctionConfiguration.
                entityReferences: { _, resolution, _ in Self.currentEnvironmentKey(resolution) },
                contingentChecks: { _, resolution, context in Self.readingKeyChecks(resolution, context) },
                handler: publishVersion
            ),
            ServiceOperation(
                "ListVersionsByFunction", action: "lambda:ListVersionsByFunction", readOnly: true,
                input: LambdaAPI.ListVersionsByFunctionRequest.self,
                references: { input, context in [try Self.function("FunctionName", input.functionName, allowsQualifier: false, context: context)] },
                handler: listVersionsByFunction
            ),
            ServiceOperation(
                "CreateAlias", action: "lambda:CreateAlias", readOnly: false,
                input: LambdaAPI.CreateAliasRequest.self,
                references: { input, context in
                    [try Self.function("FunctionName", input.functionName, allowsQualifier: false, context: context)]
                        + [try Self.aliasReference(input.functionName, name: input.name, creating: true, context: context)]
                        + (try Self.aliasVersionReference(input.functionName, version: input.functionVersion, context: context))
                },
                handler: createAlias
            ),
            ServiceOperation(
                "GetAlias", action: "lambda:GetAlias", readOnly: true,
                input: LambdaAPI.GetAliasRequest.self,
                references: { input, context in
                    [try Self.function("FunctionName", input.functionName, allowsQualifier: false, context: context)]
                        + [try Self.aliasReference(input.functionName, name: input.name, context: context)]
                },
                handler: getAlias
            ),
            ServiceOperation(
                "UpdateAlias", action: "lambda:UpdateAlias", readOnly: false,
                input: LambdaAPI.UpdateAliasRequest.self,
                references: { input, context in
                    [try Self.function("FunctionName", input.functionName, allowsQualifier: false, context: context)]
                        + [try Self.aliasReference(input.functionName, name: input.name, context: context)]
                        + (try Self.aliasVersionReference(input.functionName, version: input.functionVersion, context: context))
                },
                handler: updateAlias
            ),
            ServiceOperation(
                "DeleteAlias", action: "lambda:DeleteAlias", readOnly: false,
                input: LambdaAPI.DeleteAliasRequest.self,
                references: { input, context in
                    [try Self.function("FunctionName", input.functionName, allowsQualifier: false, context: context)]
                        + [try Self.aliasReference(input.functionName, name: input.name, context: context)]
                },
                handler: deleteAlias
            ),
            ServiceOperation(
                "ListAliases", action: "lambda:ListAliases", readOnly: true,
                input: LambdaAPI.ListAliasesRequest.self,
                references: { input, context in [try Self.function("FunctionName", input.functionName, allowsQualifier: false, context: context)] },
                handler: listAliases
            ),
            ServiceOperation(
                "TagResource", action: "lambda:TagResource", readOnly: false,
                eventName: "TagResource20170331v2",
                input: LambdaAPI.TagResourceRequest.self,
                references: { input, context in [try Self.taggableFunction(input.resource, context: context)] },
                conditionKeys: { input, _, _ in AuthorizationCheck.requestTagKeys(input.tags) },
                handler: tagResource
            ),
            ServiceOperation(
                "UntagResource", action: "lambda:UntagResource", readOnly: false,
                eventName: "UntagResource20170331v2",
                input: LambdaAPI.UntagResourceRequest.self,
                references: { input, context in [try Self.taggableFunction(input.resource, context: context)] },
                conditionKeys: { input, _, _ in AuthorizationCheck.tagKeys(input.tagKeys) },
                handler: untagResource
            ),
            ServiceOperation(
                "ListTags", action: "lambda:ListTags", readOnly: true,
                input: LambdaAPI.ListTagsRequest.self,
                references: { input, context in [try Self.taggableFunction(input.resource, context: context)] },
                handler: listTags
            ),
            ServiceOperation(
                "AddPermission", action: "lambda:AddPermission", readOnly: false,
                eventName: "AddPermission20150331v2",
                input: LambdaAPI.AddPermissionRequest.self,
                references: { input, context in [try Self.function("FunctionName", input.functionName, qualifier: input.qualifier, context: context)]
                },
                conditionKeys: { input, _, _ in
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
                references: { input, context in [try Self.function("FunctionName", input.functionName, qualifier: input.qualifier, context: context)]
                },
                handler: removePermission
            ),
            ServiceOperation(
                "GetPolicy", action: "lambda:GetPolicy", readOnly: true,
                eventName: "GetPolicy20150331v2",
                input: LambdaAPI.GetPolicyRequest.self,
                references: { input, context in [try Self.function("FunctionName", input.functionName, qualifier: input.qualifier, context: context)]
                },
                handler: getPolicy
            ),
            ServiceOperation(
                "GetAccountSettings", action: "lambda:GetAccountSettings", readOnly: true,
                input: LambdaAPI.GetAccountSettingsRequest.self,
                handler: getAccountSettings
            ),
            ServiceOperation(
                "Invoke", action: "lambda:InvokeFunction", readOnly: false, maxRequestBytes: Self.syncPayloadLimit,
                limitName: "InvokeFunction", responseContentType: "application/json",
                input: LambdaAPI.InvocationRequest.self,
                references: { input, context in [try Self.function("FunctionName", input.functionName, qualifier: input.qualifier, context: context)]
                },
                handler: invoke
            ),
            ServiceOperation(
                "PutFunctionConcurrency", action: "lambda:PutFunctionConcurrency", readOnly: false,
                input: LambdaAPI.PutFunctionConcurrencyRequest.self,
                references: { input, context in [try Self.function("FunctionName", input.functionName, allowsQualifier: false, context: context)] },
                handler: putFunctionConcurrency
            ),
            ServiceOperation(
                "GetFunctionConcurrency", action: "lambda:GetFunctionConcurrency", readOnly: true,
                input: LambdaAPI.GetFunctionConcurrencyRequest.self,
                references: { input, context in [try Self.function("FunctionName", input.functionName, allowsQualifier: false, context: context)] },
                handler: getFunctionConcurrency
            ),
            ServiceOperation(
                "DeleteFunctionConcurrency", action: "lambda:DeleteFunctionConcurrency", readOnly: false,
                input: LambdaAPI.DeleteFunctionConcurrencyRequest.self,
                references: { input, context in [try Self.function("FunctionName", input.functionName, allowsQualifier: false, context: context)] },
                handler: deleteFunctionConcurrency
            ),
            ServiceOperation(
                "PutFunctionEventInvokeConfig", action: "lambda:PutFunctionEventInvokeConfig", readOnly: false,
                input: LambdaAPI.PutFunctionEventInvokeConfigRequest.self,
                references: { input, context in [try Self.function("FunctionName", input.functionName, qualifier: input.qualifier, context: context)]
                },
                handler: putFunctionEventInvokeConfig
            ),
            ServiceOperation(
                "GetFunctionEventInvokeConfig", action: "lambda:GetFunctionEventInvokeConfig", readOnly: true,
                input: LambdaAPI.GetFunctionEventInvokeConfigRequest.self,
                references: { input, context in [try Self.function("FunctionName", input.functionName, qualifier: input.qualifier, context: context)]
                },
                handler: getFunctionEventInvokeConfig
            ),
            ServiceOperation(
                "DeleteFunctionEventInvokeConfig", action: "lambda:DeleteFunctionEventInvokeConfig", readOnly: false,
                input: LambdaAPI.DeleteFunctionEventInvokeConfigRequest.self,
                references: { input, context in [try Self.function("FunctionName", input.functionName, qualifier: input.qualifier, context: context)]
                },
                handler: deleteFunctionEventInvokeConfig
            ),
            ServiceOperation(
                "GetFunctionRecursionConfig", action: "lambda:GetFunctionRecursionConfig", readOnly: true,
                input: LambdaAPI.GetFunctionRecursionConfigRequest.self,
                references: { input, context in [try Self.function("FunctionName", input.functionName, allowsQualifier: false, context: context)] },
                handler: getFunctionRecursionConfig
            ),
            ServiceOperation(
                "PutFunctionRecursionConfig", action: "lambda:PutFunctionRecursionConfig", readOnly: false,
                input: LambdaAPI.PutFunctionRecursionConfigRequest.self,
                references: { input, context in [try Self.function("FunctionName", input.functionName, allowsQualifier: false, context: context)] },
                handler: putFunctionRecursionConfig
            ),
            ServiceOperation(
                "GetRuntimeManagementConfig", action: "lambda:GetRuntimeManagementConfig", readOnly: true,
                input: LambdaAPI.GetRuntimeManagementConfigRequest.self,
                references: { input, context in [try Self.function("FunctionName", input.functionName, qualifier: input.qualifier, context: context)]
                },
                handler: getRuntimeManagementConfig
            ),
            ServiceOperation(
                "PutRuntimeManagementConfig", action: "lambda:PutRuntimeManagementConfig", readOnly: false,
                input: LambdaAPI.PutRuntimeManagementConfigRequest.self,
                references: { input, context in [try Self.function("FunctionName", input.functionName, qualifier: input.qualifier, context: context)]
                },
                handler: putRuntimeManagementConfig
            ),
            ServiceOperation(
                CodeArchive.operationName, action: "lambda:GetFunction", readOnly: true,
                input: CodeArchive.Request.self,
                references: { input, context in [try Self.function("FunctionName", input.functionName, qualifier: input.qualifier, context: context)]
                },
                handler: getCodeArchive
            ),
        ] + layerOperations + codeSigningOperations
    }
}
