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
        try checkRunnable(runtime)
        let memorySize = input.memorySize ?? FunctionState.defaultMemorySize
        try FunctionRules.checkMemorySize(memorySize)
        let timeout = input.timeout ?? FunctionState.defaultTimeout
        try FunctionRules.checkTimeout(timeout)
        let environment = input.environment?.variables ?? [:]
        try FunctionRules.checkEnvironment(environment)
        let architectures = input.architectures ?? FunctionRules.hostArchitectures
        try FunctionRules.checkArchitectures(architectures)
        try FunctionRules.checkTags(input.tags ?? [:])
        try checkExecutionRole(input.role, of: reference, context)
        let zip = try await checkPackage(input.code.zipFile, s3Bucket: input.code.s3Bucket, imageURI: input.code.imageUri, context: context)
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
            environment: environment,
            architectures: architectures,
            tracingMode: input.tracingConfig?.mode ?? "PassThrough",
            logging: Self.logging(input.loggingConfig, functionName: reference.name, current: nil),
            lastModified: now,
            codeSha256: blob.sha256Base64
        )
        let record = FunctionVersionRecord(
            key: reference.key, version: Self.latest, configuration: try FunctionStateCoding.encode(state),
            codeSHA256: blob.sha256Hex, codeSize: blob.size, revisionID: Self.newRevision()
        )
        do {
            try await database.functions.create(record, createdAt: now, tags: input.tags ?? [:], tagResource: reference.functionARN)
        } catch StoreError.conflict {
            throw LambdaError.functionExists(reference.name)
        }
        return Self.configuration(state, record, functionARN: reference.functionARN)
    }

    @Sendable func getFunction(_ input: LambdaAPI.GetFunctionRequest, _ context: CallContext) async throws -> LambdaAPI.GetFunctionResponse {
        let function = try resolvedFunction(context)
        let reference = function.reference
        let (state, record, tags, reserved) = (function.state, function.record, function.tags, function.reservedConcurrency)
        return LambdaAPI.GetFunctionResponse(
            configuration: Self.configuration(state, record, functionARN: reference.resourceARN),
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
        return Self.configuration(state, record, functionARN: reference.resourceARN)
    }

    @Sendable func listFunctions(_ input: LambdaAPI.ListFunctionsRequest, _ context: CallContext) async throws -> LambdaAPI.ListFunctionsResponse {
        if input.masterRegion != nil {
            throw LambdaError.unsupported("Lambda@Edge replicas (MasterRegion)")
        }
        let all = input.functionVersion == "ALL"
        let pageSize = min(input.maxItems ?? Self.maximumPageSize, Self.maximumPageSize)
        let marker = try input.marker.map(ListMarker.decode)
        let records = try await database.functions.list(
            accountID: context.accountID, region: context.region, latestOnly: !all,
            after: marker.map { ($0.name, $0.version) }, limit: pageSize + 1
        )
        let page = records.prefix(pageSize)
        let functions = try page.map { record in
            let state = try FunctionStateCoding.decode(record.configuration)
            let arn = FunctionReference.arn(record.key)
            return Self.configuration(state, record, functionARN: all ? "\(arn):\(record.version)" : arn)
        }
        let next = records.count > pageSize ? page.last.map { ListMarker(name: $0.key.name, version: $0.version).encoded } : nil
        return LambdaAPI.ListFunctionsResponse(nextMarker: next, functions: functions)
    }

    @Sendable func updateFunctionCode(
        _ input: LambdaAPI.UpdateFunctionCodeRequest, _ context: CallContext
    ) async throws -> LambdaAPI.FunctionConfiguration {
        let function = try resolvedFunction(context)
        let reference = function.reference
        if input.publish == true || input.publishTo != nil { throw LambdaError.unsupported("publishing versions") }
        if input.sourceKMSKeyArn != nil { throw LambdaError.unsupported("customer managed keys for code (SourceKMSKeyArn)") }
        if let architectures = input.architectures { try FunctionRules.checkArchitectures(architectures) }
        let (current, currentRecord) = (function.state, function.record)
        try FunctionRules.checkRuntime(current.runtime, creating: false, on: clock.now())
        let zip = try await checkPackage(input.zipFile, s3Bucket: input.s3Bucket, imageURI: input.imageUri, context: context)
        if input.dryRun == true {
            if let expected = input.revisionId, expected != currentRecord.revisionID { throw LambdaError.revisionMismatch() }
            return Self.configuration(current, currentRecord, functionARN: reference.functionARN)
        }
        let blob = try storeCode(zip)
        let now = clock.now()
        let architectures = input.architectures
        let updated = try await updateLatest(reference, expectedRevision: input.revisionId) { state, record in
            state.codeSha256 = blob.sha256Base64
            state.lastModified = now
            if let architectures { state.architectures = architectures }
            record.codeSHA256 = blob.sha256Hex
            record.codeSize = blob.size
        }
        return Self.configuration(updated.state, updated.record, functionARN: reference.functionARN)
    }

    @Sendable func updateFunctionConfiguration(
        _ input: LambdaAPI.UpdateFunctionConfigurationRequest, _ context: CallContext
    ) async throws -> LambdaAPI.FunctionConfiguration {
        let function = try resolvedFunction(context)
        let reference = function.reference
        try Self.refuseUnsupported(input)
        let now = clock.now()
        if let runtime = input.runtime {
            try FunctionRules.checkRuntime(runtime, creating: false, on: now)
            try checkRunnable(runtime)
        }
        if let memorySize = input.memorySize { try FunctionRules.checkMemorySize(memorySize) }
        if let timeout = input.timeout { try FunctionRules.checkTimeout(timeout) }
        if let variables = input.environment?.variables { try FunctionRules.checkEnvironment(variables) }
        if let role = input.role { try checkExecutionRole(role, of: reference, context) }
        let updated = try await updateLatest(reference, expectedRevision: input.revisionId) { state, _ in
            try FunctionRules.checkRuntime(input.runtime ?? state.runtime, creating: false, on: now)
            if let role = input.role { state.role = role }
            if let handler = input.handler { state.handler = handler }
            if let description = input.description { state.description = description }
            if let timeout = input.timeout { state.timeout = timeout }
            if let memorySize = input.memorySize { state.memorySize = memorySize }
            if let environment = input.environment { state.environment = environment.variables ?? [:] }
            if let runtime = input.runtime { state.runtime = runtime }
            if let size = input.ephemeralStorage?.size { state.ephemeralStorageSize = size }
            if let mode = input.tracingConfig?.mode { state.tracingMode = mode }
            if let logging = input.loggingConfig {
                state.logging = Self.logging(logging, functionName: state.name, current: state.logging)
            }
            state.lastModified = now
        }
        return Self.configuration(updated.state, updated.record, functionARN: reference.functionARN)
    }

    @Sendable func deleteFunction(_ input: LambdaAPI.DeleteFunctionRequest, _ context: CallContext) async throws -> LambdaAPI.DeleteFunctionResponse {
        if context.resolution["FunctionName"]?.reference.qualifier == Self.latest {
            throw LambdaError.invalidParameter("$LATEST version cannot be deleted without deleting the function.")
        }
        let reference = try resolvedFunction(context).reference
        if reference.qualifier != nil {
            throw LambdaError.functionNotFound(reference.resourceARN)
        }
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
    func updateLatest(
        _ reference: FunctionReference,
        expectedRevision: String?,
        _ change: @escaping @Sendable (inout FunctionState, inout FunctionVersionRecord) throws -> Void
    ) async throws -> (state: FunctionState, record: FunctionVersionRecord) {
        do {
            let record = try await database.functions.update(reference.key, expectedRevision: expectedRevision) { record in
                var state = try FunctionStateCoding.decode(record.configuration)
                try change(&state, &record)
                record.configuration = try FunctionStateCoding.encode(state)
                record.revisionID = Self.newRevision()
            }
            return (try FunctionStateCoding.decode(record.configuration), record)
        } catch StoreError.notFound {
            throw LambdaError.functionNotFound(reference.functionARN)
        } catch FunctionStoreError.revisionMismatch {
            throw LambdaError.revisionMismatch()
        }
    }

    /// Checks a deployment package: present, a safe archive within Lambda's limits, and room for it.
    func checkPackage(_ zip: Data?, s3Bucket: String?, imageURI: String?, context: CallContext) async throws -> Data {
        guard let zip else {
            if s3Bucket != nil { throw LambdaError.unsupported("code from S3 (S3Bucket/S3Key); upload the .zip file as ZipFile") }
            if imageURI != nil { throw LambdaError.unsupported("container image functions (ImageUri)") }
            throw LambdaError.invalidParameter("Please provide a source for function code.")
        }
        _ = try DeploymentPackage.inspect(zip)
        let usage = try await database.functions.usage(accountID: context.accountID, region: context.region)
        if usage.totalCodeSize + Int64(zip.count) > FunctionRules.codeStorageLimit {
            throw LambdaError.codeStorageExceeded()
        }
        return zip
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

    /// Refuses a runtime this host cannot run, at creation rather than at the first invocation.
    func checkRunnable(_ runtime: String) throws {
        if let reason = invoker.unavailability(of: runtime) {
            throw LambdaError.invalidParameter("Bulwark cannot run \(runtime) functions on this host: \(reason).")
        }
    }

    static func logging(_ requested: LambdaAPI.LoggingConfig?, functionName: String, current: FunctionState.Logging?) -> FunctionState.Logging {
        FunctionState.Logging(
            logFormat: requested?.logFormat ?? current?.logFormat ?? "Text",
            applicationLogLevel: requested?.applicationLogLevel ?? current?.applicationLogLevel,
            systemLogLevel: requested?.systemLogLevel ?? current?.systemLogLevel,
            logGroup: requested?.logGroup ?? current?.logGroup ?? "/aws/lambda/\(functionName)"
        )
    }

    /// The configuration as Lambda answers it.
    static func configuration(_ state: FunctionState, _ record: FunctionVersionRecord, functionARN: String) -> LambdaAPI.FunctionConfiguration {
        LambdaAPI.FunctionConfiguration(
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
            environment: state.environment.isEmpty ? nil : LambdaAPI.EnvironmentResponse(variables: state.environment),
            tracingConfig: LambdaAPI.TracingConfigResponse(mode: state.tracingMode),
            revisionId: record.revisionID,
            state: "Active",
            lastUpdateStatus: "Successful",
            packageType: "Zip",
            architectures: state.architectures,
            ephemeralStorage: LambdaAPI.EphemeralStorage(size: state.ephemeralStorageSize),
            snapStart: LambdaAPI.SnapStartResponse(applyOn: "None", optimizationStatus: "Off"),
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
