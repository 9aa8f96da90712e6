import AWSWire
import BulwarkCore
import Foundation
import Store

extension LambdaService {
    @Sendable func createFunction(_ input: LambdaAPI.CreateFunctionRequest, _ context: CallContext) async throws -> LambdaAPI.FunctionConfiguration {
        // The name to create, as the resolve stage found it: a function that exists is a conflict.
        let reference = try FunctionReference(input.functionName, allowsQualifier: false, creating: true, context: context)
        if context.resolution["FunctionName"]?.exists == true { throw LambdaError.functionExists(reference.name) }
        try Self.refuseUnsupported(input)
        guard let runtime = input.runtime, let handler = input.handler else {
            throw LambdaError.invalidParameter("Runtime and Handler are mandatory parameters for functions created with deployment packages.")
        }
        let now = clock.now()
        try FunctionRules.checkRuntime(runtime, creating: true, on: now)
        let memorySize = input.memorySize ?? FunctionState.defaultMemorySize
        try FunctionRules.checkMemorySize(memorySize)
        let timeout = input.timeout ?? FunctionState.defaultTimeout
        try FunctionRules.checkTimeout(timeout)
        let environment = input.environment?.variables ?? [:]
        try FunctionRules.checkEnvironment(environment)
        let environmentFindings = try checkCredentials(environment)
        let kmsKeyArn = input.kmsKeyArn.flatMap { $0.isEmpty ? nil : $0 }
        let architectures = input.architectures ?? FunctionRules.hostArchitectures
        try FunctionRules.checkArchitectures(architectures)
        try FunctionRules.checkTags(input.tags ?? [:])
        try checkExecutionRole(input.role, of: reference, context)
        let source = try CodeSource.of(
            zipFile: input.code.zipFile, s3Bucket: input.code.s3Bucket, s3Key: input.code.s3Key, s3ObjectVersion: input.code.s3ObjectVersion,
            imageURI: input.code.imageUri)
        let checked = try await checkPackage(package(source, members: .creating, context: context), from: source, context: context)
        let zip = checked.zip
        let layers = try Self.functionLayers(input.layers ?? [], context: context)
        try Self.checkUnzippedSize(code: Int64(checked.unzippedSize), layers: layers)
        let signing = try input.codeSigningConfigArn.map { _ in try Self.requestedConfig(context) }
        let signatureWarnings = try await checkSignatures(code: zip, functionARN: reference.functionARN, layers: layers, config: signing)
        let sealed = try await sealEnvironment(
            environment, keyARN: kmsKeyArn, key: kmsKeyArn == nil ? nil : context.resolution["KMSKeyArn"], functionName: reference.name,
            accountID: reference.accountID, region: reference.region)
        let blob = try storeCode(zip)

        let state = FunctionState(
            name: reference.name,
            runtime: runtime,
            role: input.role,
            handler: handler,
            description: input.description ?? "",
            timeout: timeout,
            memorySize: memorySize,
            ephemeralStorageSize: input.ephemeralStorage?.size ?? FunctionState.defaultEphemeralStorage,
            environment: [:],
            architectures: architectures,
            tracingMode: input.tracingConfig?.mode ?? "PassThrough",
            logging: Self.logging(input.loggingConfig, functionName: reference.name, current: nil),
            lastModified: now,
            codeSha256: blob.sha256Base64,
            lifecycle: .creating,
            environmentGiven: input.environment != nil,
            sealedEnvironment: sealed,
            kmsKeyArn: kmsKeyArn,
            layers: layers.isEmpty ? nil : layers,
            codeUnzippedSize: Int64(checked.unzippedSize)
        )
        let record = FunctionVersionRecord(
            key: reference.key, version: Self.latest, configuration: try FunctionStateCoding.encode(state),
            codeSHA256: blob.sha256Hex, codeSize: blob.size, revisionID: Self.newRevision()
        )
        do {
            try await database.functions.create(
                record, createdAt: now, tags: input.tags ?? [:], tagResource: reference.functionARN, codeSigningConfigID: signing?.id)
        } catch StoreError.conflict {
            throw LambdaError.functionExists(reference.name)
        } catch StoreError.notFound {
            // The configuration was deleted after the call was judged: nothing was created.
            throw Self.requestedConfigNotFound(signing?.arn ?? "")
        }
        try await recordSignatureWarnings(signatureWarnings, function: reference.key, context: context)
        try await recordFindings(environment: environmentFindings, code: Self.scanPackage(zip), functionARN: reference.functionARN)
        // The caller gave the variables, under the key it was judged to set.
        let judgedKey = Self.judgedKey(context, member: "KMSKeyArn")
        if input.publish == true { return try await publishChanged(reference, judgedKey: judgedKey) }
        preparer.submit(reference.key)
        return try await configuration(state, record, functionARN: reference.functionARN, judgedKey: judgedKey)
    }

    @Sendable func getFunction(_ input: LambdaAPI.GetFunctionRequest, _ context: CallContext) async throws -> LambdaAPI.GetFunctionResponse {
        let function = try resolvedFunction(context)
        let reference = function.reference
        let (state, record, tags, reserved) = (function.state, function.record, function.tags, function.reservedConcurrency)
        return LambdaAPI.GetFunctionResponse(
            configuration: try await configuration(
                state, record, functionARN: reference.resourceARN, judgedKey: Self.judgedKey(context)),
            code: LambdaAPI.FunctionCodeLocation(
                repositoryType: "S3",
                location: CodeArchive.location(
                    functionName: reference.functionARN, qualifier: reference.qualifier, sha256Hex: record.codeSHA256, context: context
                )
            ),
            tags: tags.isEmpty ? nil : tags,
            concurrency: reserved.map { LambdaAPI.Concurrency(reservedConcurrentExecutions: $0) }
        )
    }

    @Sendable func getFunctionConfiguration(
        _ input: LambdaAPI.GetFunctionConfigurationRequest, _ context: CallContext
    ) async throws -> LambdaAPI.FunctionConfiguration {
        let function = try resolvedFunction(context)
        let reference = function.reference
        let (state, record) = (function.state, function.record)
        return try await configuration(state, record, functionARN: reference.resourceARN, judgedKey: Self.judgedKey(context))
    }

    @Sendable func listFunctions(_ input: LambdaAPI.ListFunctionsRequest, _ context: CallContext) async throws -> LambdaAPI.ListFunctionsResponse {
        let all = input.functionVersion == "ALL"
        if input.masterRegion != nil {
            // MasterRegion lists the Lambda@Edge replicas of functions mastered in that region;
            // Bulwark replicates no function, so there are none to list.
            guard all else { throw LambdaError.invalidParameter("MasterRegion can only be specified with FunctionVersion ALL.") }
            return LambdaAPI.ListFunctionsResponse(functions: [])
        }
        let pageSize = min(input.maxItems ?? Self.maximumPageSize, Self.maximumPageSize)
        let marker = try input.marker.map(ListMarker.decode)
        let records = try await database.functions.list(
            accountID: context.accountID, region: context.region, latestOnly: !all,
            after: marker.map { ($0.name, $0.version) }, limit: pageSize + 1
        )
        let page = records.prefix(pageSize)
        let states = try page.map { try FunctionStateCoding.decode($0.configuration) }
        let judgedKeys = try await Self.listedKeys(states, context)
        var functions: [LambdaAPI.FunctionConfiguration] = []
        for (record, state) in zip(page, states) {
            let arn = FunctionReference.arn(record.key)
            functions.append(
                try await configuration(
                    state, record, functionARN: all ? "\(arn):\(record.version)" : arn, listed: true,
                    judgedKey: state.kmsKeyArn.flatMap { judgedKeys[$0] }))
        }
        let next = records.count > pageSize ? page.last.map { ListMarker(name: $0.key.name, version: $0.version).encoded } : nil
        return LambdaAPI.ListFunctionsResponse(nextMarker: next, functions: functions)
    }

    @Sendable func updateFunctionCode(
        _ input: LambdaAPI.UpdateFunctionCodeRequest, _ context: CallContext
    ) async throws -> LambdaAPI.FunctionConfiguration {
        let function = try resolvedFunction(context)
        let reference = function.reference
        if input.publishTo != nil { throw LambdaError.unsupported("publishing to capacity providers (PublishTo)") }
        if input.sourceKMSKeyArn != nil { throw LambdaError.unsupported("customer managed keys for code (SourceKMSKeyArn)") }
        if let architectures = input.architectures { try FunctionRules.checkArchitectures(architectures) }
        let (current, currentRecord) = (function.state, function.record)
        try Self.checkChangeable(current, functionARN: reference.functionARN)
        try FunctionRules.checkRuntime(current.runtime, creating: false, on: clock.now())
        let source = try CodeSource.of(
            zipFile: input.zipFile, s3Bucket: input.s3Bucket, s3Key: input.s3Key, s3ObjectVersion: input.s3ObjectVersion, imageURI: input.imageUri)
        let checked = try await checkPackage(package(source, members: .updating, context: context), from: source, context: context)
        let zip = checked.zip
        let unzippedSize = Int64(checked.unzippedSize)
        try Self.checkUnzippedSize(code: unzippedSize, layers: current.layers ?? [])
        let signatureWarnings = try await checkSignatures(
            code: zip, functionARN: reference.functionARN, layers: current.layers ?? [], config: try await codeSigningConfig(of: reference.key))
        if input.dryRun == true {
            if let expected = input.revisionId, expected != currentRecord.revisionID { throw LambdaError.revisionMismatch() }
            return try await configuration(current, currentRecord, functionARN: reference.functionARN, judgedKey: Self.judgedKey(context))
        }
        let blob = try storeCode(zip)
        let now = clock.now()
        let architectures = input.architectures
        let updated = try await updateLatest(reference, expectedRevision: input.revisionId) { state, record in
            try Self.checkChangeable(state, functionARN: reference.functionARN)
            state.lifecycle = state.currentLifecycle.updating
            state.codeSha256 = blob.sha256Base64
            state.codeUnzippedSize = unzippedSize
            state.lastModified = now
            if let architectures { state.architectures = architectures }
            record.codeSHA256 = blob.sha256Hex
            record.codeSize = blob.size
        }
        try await recordFindings(environment: nil, code: Self.scanPackage(zip), functionARN: reference.functionARN)
        try await recordSignatureWarnings(signatureWarnings, function: reference.key, context: context)
        if input.publish == true { return try await publishChanged(reference, judgedKey: Self.judgedKey(context)) }
        preparer.submit(reference.key)
        return try await configuration(updated.state, updated.record, functionARN: reference.functionARN, judgedKey: Self.judgedKey(context))
    }

    /// `Publish` on CreateFunction and UpdateFunctionCode: `$LATEST` is prepared at once (the
    /// preparer then finds nothing left to do) and published; the answer is the new version's.
    private func publishChanged(_ reference: FunctionReference, judgedKey: JudgedKey?) async throws -> LambdaAPI.FunctionConfiguration {
        await preparer.prepare(reference.key)
        let published = try await publish(reference, codeSha256: nil, description: nil, expectedRevision: nil)
        return try await configuration(
            published.state, published.record, functionARN: "\(reference.functionARN):\(published.record.version)", judgedKey: judgedKey)
    }

    @Sendable func updateFunctionConfiguration(
        _ input: LambdaAPI.UpdateFunctionConfigurationRequest, _ context: CallContext
    ) async throws -> LambdaAPI.FunctionConfiguration {
        let function = try resolvedFunction(context)
        let reference = function.reference
        try Self.refuseUnsupported(input)
        try Self.checkChangeable(function.state, functionARN: reference.functionARN)
        let now = clock.now()
        if let runtime = input.runtime { try FunctionRules.checkRuntime(runtime, creating: false, on: now) }
        if let memorySize = input.memorySize { try FunctionRules.checkMemorySize(memorySize) }
        if let timeout = input.timeout { try FunctionRules.checkTimeout(timeout) }
        if let variables = input.environment?.variables { try FunctionRules.checkEnvironment(variables) }
        let environmentFindings = try input.environment.map { try checkCredentials($0.variables ?? [:]) }
        if let role = input.role { try checkExecutionRole(role, of: reference, context) }
        // New variables, or the current ones under a new key, are sealed before the change is stored.
        var resealed: (sealed: Data?, kmsKeyArn: String?)?
        if input.environment != nil || input.kmsKeyArn != nil {
            // An empty KMSKeyArn returns to the AWS managed key; none keeps the current key.
            let kmsKeyArn: String? = input.kmsKeyArn.map { (arn: String) -> String? in arn.isEmpty ? nil : arn } ?? function.state.kmsKeyArn
            // The key the resolve stage found: the one given, or the function's own when none is.
            let key = kmsKeyArn == nil ? nil : context.resolution[input.kmsKeyArn == nil ? Self.currentKeyMember : "KMSKeyArn"]
            let variables: [String: String]
            if let given = input.environment {
                variables = given.variables ?? [:]
            } else {
                variables = try await openEnvironment(function.state, accountID: reference.accountID, region: reference.region)
            }
            let sealed = try await sealEnvironment(
                variables, keyARN: kmsKeyArn, key: key, functionName: reference.name, accountID: reference.accountID, region: reference.region)
            resealed = (sealed, kmsKeyArn)
        }
        let changedEnvironment = resealed
        var changedLayers: [FunctionLayer]?
        if let given = input.layers {
            let layers = try Self.functionLayers(given, context: context)
            try Self.checkUnzippedSize(code: try unzippedCodeSize(function.state, sha256Hex: function.record.codeSHA256), layers: layers)
            changedLayers = layers
        }
        let newLayers = changedLayers
        // Layers added to a function with a code signing configuration must be signed by an allowed publisher.
        let signatureWarnings = try await checkSignatures(
            code: nil, functionARN: reference.functionARN, layers: newLayers ?? [],
            config: newLayers == nil ? nil : try await codeSigningConfig(of: reference.key))
        let updated = try await updateLatest(reference, expectedRevision: input.revisionId) { state, _ in
            try Self.checkChangeable(state, functionARN: reference.functionARN)
            try FunctionRules.checkRuntime(input.runtime ?? state.runtime, creating: false, on: now)
            state.lifecycle = state.currentLifecycle.updating
            if let role = input.role { state.role = role }
            if let handler = input.handler { state.handler = handler }
            if let description = input.description { state.description = description }
            if let timeout = input.timeout { state.timeout = timeout }
            if let memorySize = input.memorySize { state.memorySize = memorySize }
            if input.environment != nil { state.environmentGiven = true }
            if let changedEnvironment {
                state.environment = [:]
                state.sealedEnvironment = changedEnvironment.sealed
                state.kmsKeyArn = changedEnvironment.kmsKeyArn
            }
            if let runtime = input.runtime { state.runtime = runtime }
            if let size = input.ephemeralStorage?.size { state.ephemeralStorageSize = size }
            if let newLayers { state.layers = newLayers.isEmpty ? nil : newLayers }
            if let mode = input.tracingConfig?.mode { state.tracingMode = mode }
            if let logging = input.loggingConfig {
                state.logging = Self.logging(logging, functionName: state.name, current: state.logging)
            }
            state.lastModified = now
        }
        try await recordFindings(environment: environmentFindings, code: nil, functionARN: reference.functionARN)
        try await recordSignatureWarnings(signatureWarnings, function: reference.key, context: context)
        preparer.submit(reference.key)
        // Variables under a key the call sets are shown as the call gave or kept them; else the caller was judged on the current key.
        let judgedKey = Self.judgedKey(context, member: input.kmsKeyArn?.isEmpty == false ? "KMSKeyArn" : Self.currentKeyMember)
        return try await configuration(updated.state, updated.record, functionARN: reference.functionARN, judgedKey: judgedKey)
    }

    @Sendable func deleteFunction(_ input: LambdaAPI.DeleteFunctionRequest, _ context: CallContext) async throws -> LambdaAPI.DeleteFunctionResponse {
        if let qualifier = context.resolution["FunctionName"]?.reference.qualifier {
            return try await deleteVersion(qualifier, context)
        }
        let reference = try resolvedFunction(context).reference
        do {
            _ = try await database.functions.delete(reference.key, tagResource: reference.functionARN)
        } catch StoreError.notFound {
            throw LambdaError.functionNotFound(reference.functionARN)
        }
        return LambdaAPI.DeleteFunctionResponse(statusCode: 204)
    }

    @Sendable func getCodeArchive(_ input: CodeArchive.Request, _ context: CallContext) async throws -> CodeArchive.Response {
        let record = try resolvedFunction(context).record
        guard record.codeSHA256 == input.codeSha256 else {
            throw AWSError(code: "ResourceNotFoundException", message: "The function no longer uses this code.", status: 404)
        }
        return CodeArchive.Response(zipFile: try code.read(record.codeSHA256))
    }
}

// MARK: - Shared steps

extension LambdaService {
    static let latest = "$LATEST"
    static let maximumPageSize = 50

    /// Changes `$LATEST` atomically, with optimistic concurrency on the revision id.
    /// A setting kept beside the version's configuration (recursion, runtime management) is
    /// changed without a new revision (`revises: false`).
    func updateLatest(
        _ reference: FunctionReference,
        expectedRevision: String?,
        revises: Bool = true,
        _ change: @escaping @Sendable (inout FunctionState, inout FunctionVersionRecord) throws -> Void
    ) async throws -> (state: FunctionState, record: FunctionVersionRecord) {
        do {
            let record = try await database.functions.update(reference.key, expectedRevision: expectedRevision) { record in
                var state = try FunctionStateCoding.decode(record.configuration)
                try change(&state, &record)
                record.configuration = try FunctionStateCoding.encode(state)
                if revises { record.revisionID = Self.newRevision() }
            }
            return (try FunctionStateCoding.decode(record.configuration), record)
        } catch StoreError.notFound {
            throw LambdaError.functionNotFound(reference.functionARN)
        } catch FunctionStoreError.revisionMismatch {
            throw LambdaError.revisionMismatch()
        }
    }

    /// Checks a deployment package: a safe archive within Lambda's limits for its source, and room for it.
    func checkPackage(_ zip: Data, from source: CodeSource, context: CallContext) async throws -> DeploymentPackage {
        let package = try DeploymentPackage.inspect(zip, limits: Self.limits(of: source))
        try await checkCodeStorage(adding: zip.count, context: context)
        return package
    }

    /// Refuses a package that would take the account region's code past its storage limit.
    func checkCodeStorage(adding size: Int, context: CallContext) async throws {
        let usage = try await database.functions.usage(accountID: context.accountID, region: context.region)
        if usage.totalCodeSize + Int64(size) > FunctionRules.codeStorageLimit {
            throw LambdaError.codeStorageExceeded()
        }
    }

    /// Keeps a checked package in the code store.
    func storeCode(_ zip: Data) throws -> CodeStore.Blob {
        do {
            return try code.put(zip)
        } catch {
            throw AWSError(code: "ServiceException", message: "The code could not be stored.", status: 500)
        }
    }

    static func newRevision() -> String { UUID().uuidString.lowercased() }

    /// Lambda refuses to change a function that is still being created or whose last change is
    /// still being applied.
    static func checkChangeable(_ state: FunctionState, functionARN: String) throws {
        let lifecycle = state.currentLifecycle
        if lifecycle.state == "Pending" { throw LambdaError.notReady(state: lifecycle.state) }
        if lifecycle.lastUpdateStatus == "InProgress" { throw LambdaError.updateInProgress(functionARN) }
    }

    /// The logging settings after a request: the log group defaults to `/aws/lambda/<name>`; the
    /// JSON format carries log levels (INFO unless chosen), the text format none, as in AWS.
    static func logging(_ requested: LambdaAPI.LoggingConfig?, functionName: String, current: FunctionState.Logging?) -> FunctionState.Logging {
        let format = requested?.logFormat ?? current?.logFormat ?? "Text"
        let json = format == "JSON"
        return FunctionState.Logging(
            logFormat: format,
            applicationLogLevel: json ? requested?.applicationLogLevel ?? current?.applicationLogLevel ?? "INFO" : nil,
            systemLogLevel: json ? requested?.systemLogLevel ?? current?.systemLogLevel ?? "INFO" : nil,
            logGroup: requested?.logGroup ?? current?.logGroup ?? "/aws/lambda/\(functionName)"
        )
    }

    /// The configuration as Lambda answers it. ListFunctions leaves out the lifecycle and the
    /// runtime version, as AWS does (`listed`).
    static func configuration(
        _ state: FunctionState, _ record: FunctionVersionRecord, functionARN: String, environment: LambdaAPI.EnvironmentResponse?,
        listed: Bool = false
    ) -> LambdaAPI.FunctionConfiguration {
        let lifecycle = listed ? nil : state.currentLifecycle
        return LambdaAPI.FunctionConfiguration(
            functionName: state.name,
            functionArn: functionARN,
            runtime: state.runtime,
            role: state.role,
            handler: state.handler,
            codeSize: record.codeSize,
            description: state.description,
            timeout: state.timeout,
            memorySize: state.memorySize,
            lastModified: AWSTimestamp.lambda(state.lastModified),
            codeSha256: state.codeSha256,
            version: record.version,
            environment: environment,
            kmsKeyArn: state.kmsKeyArn,
            tracingConfig: LambdaAPI.TracingConfigResponse(mode: state.tracingMode),
            revisionId: record.revisionID,
            layers: shownLayers(state),
            state: lifecycle?.state,
            stateReason: lifecycle?.stateReason,
            stateReasonCode: lifecycle?.stateReasonCode,
            lastUpdateStatus: lifecycle?.lastUpdateStatus,
            lastUpdateStatusReason: lifecycle?.lastUpdateStatusReason,
            lastUpdateStatusReasonCode: lifecycle?.lastUpdateStatusReasonCode,
            packageType: "Zip",
            architectures: state.architectures,
            ephemeralStorage: LambdaAPI.EphemeralStorage(size: state.ephemeralStorageSize),
            snapStart: LambdaAPI.SnapStartResponse(applyOn: "None", optimizationStatus: "Off"),
            runtimeVersionConfig: listed
                ? nil
                : LambdaAPI.RuntimeVersionConfig(
                    runtimeVersionArn: state.runtimeVersionARN(region: record.key.region)
                ),
            loggingConfig: LambdaAPI.LoggingConfig(
                logFormat: state.logging.logFormat,
                applicationLogLevel: state.logging.applicationLogLevel,
                systemLogLevel: state.logging.systemLogLevel,
                logGroup: state.logging.logGroup
            )
        )
    }
}

extension FunctionReference {
    var key: FunctionKey { FunctionKey(accountID: accountID, region: region, name: name) }

    static func arn(_ key: FunctionKey) -> String {
        "arn:aws:lambda:\(key.region):\(key.accountID):function:\(key.name)"
    }
}
