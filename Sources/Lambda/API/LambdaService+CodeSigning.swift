import AWSWire
import BulwarkCore
import Foundation
import Store

/// Code signing configurations (decision 0038): which signing profile versions may publish a
/// function's code and layers, and whether an untrusted package is refused (`Enforce`) or deployed
/// with a warning (`Warn`). The signatures are judged by the ``CodeSignatureVerifier`` the server
/// gives (Signer's).
extension LambdaService {
    var codeSigningOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "CreateCodeSigningConfig", action: "lambda:CreateCodeSigningConfig", readOnly: false,
                input: LambdaAPI.CreateCodeSigningConfigRequest.self,
                conditionKeys: { input, _ in AuthorizationCheck.requestTagKeys(input.tags) },
                handler: createCodeSigningConfig
            ),
            configOperation("GetCodeSigningConfig", readOnly: true, LambdaAPI.GetCodeSigningConfigRequest.self, { $0.codeSigningConfigArn }) {
                input, context in try await getCodeSigningConfig(input, context)
            },
            configOperation(
                "UpdateCodeSigningConfig", readOnly: false, LambdaAPI.UpdateCodeSigningConfigRequest.self, { $0.codeSigningConfigArn }
            ) { input, context in try await updateCodeSigningConfig(input, context) },
            configOperation(
                "DeleteCodeSigningConfig", readOnly: false, LambdaAPI.DeleteCodeSigningConfigRequest.self, { $0.codeSigningConfigArn }
            ) { input, context in try await deleteCodeSigningConfig(input, context) },
            ServiceOperation(
                "ListCodeSigningConfigs", action: "lambda:ListCodeSigningConfigs", readOnly: true,
                input: LambdaAPI.ListCodeSigningConfigsRequest.self, handler: listCodeSigningConfigs),
            configOperation(
                "ListFunctionsByCodeSigningConfig", readOnly: true, LambdaAPI.ListFunctionsByCodeSigningConfigRequest.self,
                { $0.codeSigningConfigArn }
            ) { input, context in try await listFunctionsByCodeSigningConfig(input, context) },
            // Judged on the function and on the configuration, with the configuration's ARN as
            // `lambda:CodeSigningConfigArn` (the Service Authorization Reference).
            ServiceOperation(
                "PutFunctionCodeSigningConfig", action: "lambda:PutFunctionCodeSigningConfig", readOnly: false,
                input: LambdaAPI.PutFunctionCodeSigningConfigRequest.self,
                references: { input, context in
                    [
                        try Self.function("FunctionName", input.functionName, allowsQualifier: false, context: context),
                        ResourceReference(.lambdaCodeSigningConfig, member: "CodeSigningConfigArn", text: input.codeSigningConfigArn),
                    ]
                },
                conditionKeys: { input, _, _ in ["lambda:CodeSigningConfigArn": .single(input.codeSigningConfigArn)] },
                handler: putFunctionCodeSigningConfig
            ),
            ServiceOperation(
                "GetFunctionCodeSigningConfig", action: "lambda:GetFunctionCodeSigningConfig", readOnly: true,
                input: LambdaAPI.GetFunctionCodeSigningConfigRequest.self,
                references: { input, context in [try Self.function("FunctionName", input.functionName, allowsQualifier: false, context: context)] },
                handler: getFunctionCodeSigningConfig
            ),
            ServiceOperation(
                "DeleteFunctionCodeSigningConfig", action: "lambda:DeleteFunctionCodeSigningConfig", readOnly: false,
                input: LambdaAPI.DeleteFunctionCodeSigningConfigRequest.self,
                references: { input, context in [try Self.function("FunctionName", input.functionName, allowsQualifier: false, context: context)] },
                handler: deleteFunctionCodeSigningConfig
            ),
        ]
    }

    /// An operation on one configuration named by its ARN, judged on it.
    private func configOperation<Input: Decodable & Sendable, Output: Encodable & Sendable>(
        _ name: String, readOnly: Bool, _ input: Input.Type, _ arn: @escaping @Sendable (Input) -> String,
        handler: @escaping @Sendable (Input, CallContext) async throws -> Output
    ) -> ServiceOperation {
        ServiceOperation(
            name, action: "lambda:\(name)", readOnly: readOnly, input: input,
            references: { input, _ in [ResourceReference(.lambdaCodeSigningConfig, member: "CodeSigningConfigArn", text: arn(input))] },
            handler: handler)
    }

    // MARK: Configurations

    @Sendable func createCodeSigningConfig(
        _ input: LambdaAPI.CreateCodeSigningConfigRequest, _ context: CallContext
    ) async throws -> LambdaAPI.CreateCodeSigningConfigResponse {
        let publishers = try Self.checkPublishers(input.allowedPublishers.signingProfileVersionArns)
        try FunctionRules.checkTags(input.tags ?? [:])
        let config = CodeSigningConfigRecord(
            accountID: context.accountID, region: context.region, id: Self.codeSigningConfigID(), description: input.description ?? "",
            allowedPublishers: publishers, untrustedArtifactOnDeployment: input.codeSigningPolicies?.untrustedArtifactOnDeployment ?? "Warn",
            lastModified: clock.now())
        try await database.codeSigning.insert(config, tags: input.tags ?? [:])
        return LambdaAPI.CreateCodeSigningConfigResponse(codeSigningConfig: Self.shown(config))
    }

    @Sendable func getCodeSigningConfig(
        _ input: LambdaAPI.GetCodeSigningConfigRequest, _ context: CallContext
    ) async throws -> LambdaAPI.GetCodeSigningConfigResponse {
        LambdaAPI.GetCodeSigningConfigResponse(codeSigningConfig: Self.shown(try Self.resolvedConfig(context)))
    }

    @Sendable func updateCodeSigningConfig(
        _ input: LambdaAPI.UpdateCodeSigningConfigRequest, _ context: CallContext
    ) async throws -> LambdaAPI.UpdateCodeSigningConfigResponse {
        var config = try Self.resolvedConfig(context)
        if let description = input.description { config.description = description }
        if let publishers = input.allowedPublishers { config.allowedPublishers = try Self.checkPublishers(publishers.signingProfileVersionArns) }
        if let policy = input.codeSigningPolicies?.untrustedArtifactOnDeployment { config.untrustedArtifactOnDeployment = policy }
        config.lastModified = clock.now()
        do {
            try await database.codeSigning.save(config)
        } catch StoreError.notFound {
            throw Self.configNotFound(config.arn)
        }
        return LambdaAPI.UpdateCodeSigningConfigResponse(codeSigningConfig: Self.shown(config))
    }

    @Sendable func deleteCodeSigningConfig(_ input: LambdaAPI.DeleteCodeSigningConfigRequest, _ context: CallContext) async throws -> EmptyOutput {
        let config = try Self.resolvedConfig(context)
        do {
            try await database.codeSigning.delete(config)
        } catch is CodeSigningRepository.InUse {
            throw AWSError(
                code: "ResourceConflictException",
                message: "The code signing configuration cannot be deleted because it is used by one or more functions.", status: 409
            )
        } catch StoreError.notFound {
            throw Self.configNotFound(config.arn)
        }
        return EmptyOutput()
    }

    @Sendable func listCodeSigningConfigs(
        _ input: LambdaAPI.ListCodeSigningConfigsRequest, _ context: CallContext
    ) async throws -> LambdaAPI.ListCodeSigningConfigsResponse {
        let all = try await database.codeSigning.configs(accountID: context.accountID, region: context.region)
        let (page, next) = try Self.page(all.map { ($0.id, $0) }, marker: input.marker, maxItems: input.maxItems)
        return LambdaAPI.ListCodeSigningConfigsResponse(nextMarker: next, codeSigningConfigs: page.map(Self.shown))
    }

    @Sendable func listFunctionsByCodeSigningConfig(
        _ input: LambdaAPI.ListFunctionsByCodeSigningConfigRequest, _ context: CallContext
    ) async throws -> LambdaAPI.ListFunctionsByCodeSigningConfigResponse {
        let config = try Self.resolvedConfig(context)
        let names = try await database.codeSigning.functions(using: config)
        let arns = names.map { ARN(service: "lambda", region: config.region, accountID: config.accountID, resource: "function:\($0)").description }
        let (page, next) = try Self.page(arns.map { ($0, $0) }, marker: input.marker, maxItems: input.maxItems)
        return LambdaAPI.ListFunctionsByCodeSigningConfigResponse(nextMarker: next, functionArns: page)
    }

    // MARK: A function's configuration

    @Sendable func putFunctionCodeSigningConfig(
        _ input: LambdaAPI.PutFunctionCodeSigningConfigRequest, _ context: CallContext
    ) async throws -> LambdaAPI.PutFunctionCodeSigningConfigResponse {
        let function = try resolvedFunction(context)
        let config = try Self.requestedConfig(context)
        do {
            try await database.codeSigning.attach(function.reference.key, configID: config.id)
        } catch StoreError.notFound {
            throw Self.requestedConfigNotFound(config.arn)
        }
        return LambdaAPI.PutFunctionCodeSigningConfigResponse(codeSigningConfigArn: config.arn, functionName: function.reference.name)
    }

    /// A function without a configuration answers an empty ARN, as Lambda does.
    @Sendable func getFunctionCodeSigningConfig(
        _ input: LambdaAPI.GetFunctionCodeSigningConfigRequest, _ context: CallContext
    ) async throws -> LambdaAPI.GetFunctionCodeSigningConfigResponse {
        let function = try resolvedFunction(context)
        let config = try await database.codeSigning.config(of: function.reference.key)
        return LambdaAPI.GetFunctionCodeSigningConfigResponse(codeSigningConfigArn: config?.arn ?? "", functionName: function.reference.name)
    }

    @Sendable func deleteFunctionCodeSigningConfig(
        _ input: LambdaAPI.DeleteFunctionCodeSigningConfigRequest, _ context: CallContext
    ) async throws -> EmptyOutput {
        let function = try resolvedFunction(context)
        _ = try await database.codeSigning.detach(function.reference.key)
        return EmptyOutput()
    }

    // MARK: Enforcement

    /// Judges `package` (the function's code, or the layer `subject` names) under `config`: nothing
    /// without a configuration; a failed integrity check refuses whatever the policy; an untrusted
    /// package is refused under `Enforce` and answered with the warning to record under `Warn`.
    func checkSignature(_ package: Data, subject: String, config: CodeSigningConfigRecord?) async throws -> String? {
        guard let config else { return nil }
        let verdict: CodeSignatureVerdict =
            if let codeSignatures {
                try await codeSignatures.verify(package, allowedPublishers: config.publishers, at: clock.now())
            } else {
                .untrusted(reason: "No signature verifier is configured.")
            }
        switch verdict {
        case .trusted: return nil
        case .integrityFailed(let reason):
            throw AWSError(
                code: "InvalidCodeSignatureException",
                message: "Lambda cannot deploy the function. The code signature for \(subject) failed the integrity check.", status: 400
            ).noting(reason)
        case .untrusted(let reason):
            guard !config.enforces else {
                throw AWSError(
                    code: "CodeVerificationFailedException",
                    message:
                        "Lambda cannot deploy the function. The function or layer might be signed using a signature that the client is not configured to accept. Check the provided signature for \(subject).",
                    status: 400
                ).noting(reason)
            }
            return "Code signing (Warn) for \(subject): \(reason)"
        }
    }

    /// Judges the code (when it changes) and every layer of a deployment under the function's configuration; answers
    /// the warnings to record once the deployment is stored.
    func checkSignatures(code: Data?, functionARN: String, layers: [FunctionLayer], config: CodeSigningConfigRecord?) async throws -> [String] {
        guard config != nil else { return [] }
        var warnings: [String] = []
        if let code, let warning = try await checkSignature(code, subject: functionARN, config: config) { warnings.append(warning) }
        for layer in layers {
            let zip: Data
            do {
                zip = try self.code.read(layer.codeSHA256)
            } catch {
                throw AWSError(code: "ServiceException", message: "The layer's code could not be read.", status: 500)
            }
            if let warning = try await checkSignature(zip, subject: layer.arn, config: config) { warnings.append(warning) }
        }
        return warnings
    }

    /// Records `warnings` in the call's audit event and counts them for the function (SignatureValidationErrors).
    func recordSignatureWarnings(_ warnings: [String], function: FunctionKey, context: CallContext) async throws {
        guard !warnings.isEmpty else { return }
        for warning in warnings { context.warnings.record(warning) }
        try await database.codeSigning.countValidationError(function)
    }

    /// The configuration a function uses, for its deployments.
    func codeSigningConfig(of key: FunctionKey) async throws -> CodeSigningConfigRecord? {
        try await database.codeSigning.config(of: key)
    }

    /// The configuration a CreateFunction names, as the resolve stage found it.
    static func requestedConfig(_ context: CallContext) throws -> CodeSigningConfigRecord {
        guard let resolved = context.resolution["CodeSigningConfigArn"] else {
            throw AWSError.undeclaredReference(.lambdaCodeSigningConfig, requestID: context.requestID)
        }
        guard let config = resolved.entity(as: CodeSigningConfigRecord.self) else { throw requestedConfigNotFound(resolved.arn) }
        return config
    }

    // MARK: Helpers

    static func resolvedConfig(_ context: CallContext) throws -> CodeSigningConfigRecord {
        guard let resolved = context.resolution["CodeSigningConfigArn"] else {
            throw AWSError.undeclaredReference(.lambdaCodeSigningConfig, requestID: context.requestID)
        }
        guard let config = resolved.entity(as: CodeSigningConfigRecord.self) else { throw configNotFound(resolved.arn) }
        return config
    }

    static func configNotFound(_ arn: String) -> AWSError {
        AWSError(code: "ResourceNotFoundException", message: "The resource you requested does not exist. (\(arn))", status: 404)
    }

    /// A configuration named for a function that does not exist.
    static func requestedConfigNotFound(_ arn: String) -> AWSError {
        AWSError(code: "CodeSigningConfigNotFoundException", message: "The code signing configuration \(arn) does not exist.", status: 404)
    }

    /// The allowed publishers as stored: 1 to 20 signing profile version ARNs.
    static func checkPublishers(_ arns: [String]) throws -> String {
        for arn in arns {
            guard let parsed = ARN(arn), parsed.service == "signer", parsed.resource.hasPrefix("/signing-profiles/"),
                parsed.resource.split(separator: "/").count == 3
            else {
                throw LambdaError.invalidParameter("\(arn) is not a valid signing profile version ARN.")
            }
        }
        return String(decoding: try JSONEncoder().encode(arns), as: UTF8.self)
    }

    static func shown(_ config: CodeSigningConfigRecord) -> LambdaAPI.CodeSigningConfig {
        LambdaAPI.CodeSigningConfig(
            codeSigningConfigId: config.id, codeSigningConfigArn: config.arn, description: config.description,
            allowedPublishers: LambdaAPI.AllowedPublishers(signingProfileVersionArns: config.publishers),
            codeSigningPolicies: LambdaAPI.CodeSigningPolicies(untrustedArtifactOnDeployment: config.untrustedArtifactOnDeployment),
            lastModified: AWSTimestamp.lambda(config.lastModified))
    }

    /// `csc-` and 17 lowercase letters and digits, as Lambda makes them.
    static func codeSigningConfigID() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return "csc-" + String((0..<17).map { _ in alphabet.randomElement()! })
    }

    /// One page of `items` (in key order) after `marker`, the last key shown.
    static func page<Item>(_ items: [(String, Item)], marker: String?, maxItems: Int?) throws -> ([Item], String?) {
        var start = 0
        if let marker, !marker.isEmpty {
            guard let index = items.firstIndex(where: { $0.0 == marker }) else { throw LambdaError.invalidParameter("Invalid marker: \(marker)") }
            start = index + 1
        }
        let end = min(items.count, start + (maxItems ?? 50))
        let page = Array(items[start..<end])
        return (page.map(\.1), end < items.count ? page.last?.0 : nil)
    }
}
