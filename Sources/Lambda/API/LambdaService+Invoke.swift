import AWSWire
import BulwarkCore
import Foundation
import Store

/// An account's region: the scope of Lambda's concurrency limits.
struct RegionKey: Hashable, Sendable {
    let accountID: String
    let region: String
}

extension LambdaService {
    /// Lambda's payload limits: 6 MB synchronous, 256 KB for `Event`.
    static let syncPayloadLimit = 6_291_456
    static let asyncPayloadLimit = 262_144

    @Sendable func invoke(_ input: LambdaAPI.InvocationRequest, _ context: CallContext) async throws -> LambdaAPI.InvocationResponse {
        let function = try resolvedFunction(context)
        let reference = function.reference
        // Through an alias, each invocation runs the version its routing draws.
        let (state, record) = try await versionToRun(function.alias, function.state, function.record)
        // Only an `Active` version runs; AWS refuses a `Pending` or `Failed` one.
        let lifecycle = state.currentLifecycle
        guard lifecycle.state == "Active" else { throw LambdaError.notReady(state: lifecycle.state) }
        let payload = input.payload ?? Data()
        if !payload.isEmpty, (try? JSONSerialization.jsonObject(with: payload, options: [.fragmentsAllowed])) == nil {
            throw AWSError(
                code: "InvalidRequestContentException",
                message: "Could not parse request body into json: Could not parse payload into json: the payload is not valid JSON",
                status: 400
            )
        }
        switch input.invocationType ?? "RequestResponse" {
        case "DryRun":
            return LambdaAPI.InvocationResponse(statusCode: 204)
        case "Event":
            guard payload.count <= Self.asyncPayloadLimit else {
                throw AWSError(
                    code: "RequestEntityTooLargeException",
                    message: "\(payload.count) byte payload is too large for the Event invocation type (limit \(Self.asyncPayloadLimit) bytes)",
                    status: 413
                )
            }
            let now = clock.now()
            try await database.invocations.enqueue(
                AsyncEventRecord(
                    requestID: context.requestID, key: reference.key, qualifier: function.qualifier,
                    invokedARN: reference.resourceARN, payload: payload, enqueuedAt: now, nextAttemptAt: now
                )
            )
            invoker.eventEnqueued()
            metrics?.record(
                FunctionMetricEvent(
                    .asyncEventReceived, accountID: reference.accountID, region: reference.region, functionName: reference.key.name,
                    qualifier: FunctionMetricEvent.qualifier(ofInvokedARN: reference.resourceARN), executedVersion: nil, time: now))
            return LambdaAPI.InvocationResponse(statusCode: 202)
        default:
            let snapshot = Self.snapshot(state, record, reference: reference, environment: launchEnvironment(state, reference.key))
            let result = try await invoker.invoke(
                InvokeRequest(
                    function: snapshot,
                    requestID: context.requestID,
                    payload: payload.isEmpty ? Data("{}".utf8) : payload,
                    invokedARN: reference.resourceARN,
                    clientContext: try input.clientContext.map(Self.decodeClientContext),
                    wantsLogTail: input.logType == "Tail",
                    reservedConcurrency: function.reservedConcurrency,
                    unreservedLimit: try await unreservedLimit(accountID: reference.accountID, region: reference.region)
                )
            )
            return LambdaAPI.InvocationResponse(
                statusCode: 200,
                functionError: result.functionError,
                logResult: result.logResult,
                payload: result.payload,
                executedVersion: result.executedVersion
            )
        }
    }

    private static func decodeClientContext(_ base64: String) throws -> String {
        guard let data = Data(base64Encoded: base64), (try? JSONSerialization.jsonObject(with: data)) != nil else {
            throw AWSError(code: "InvalidRequestContentException", message: "Client context must be a valid Base64-encoded JSON object.", status: 400)
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The variables of a version as an environment launched for it opens them: decrypted then, as
    /// Lambda's own use of the key, recorded in the trail.
    func launchEnvironment(_ state: FunctionState, _ key: FunctionKey) -> EnvironmentVariables {
        guard state.sealedEnvironment != nil else { return .plain(state.environment) }
        return EnvironmentVariables { [self] in
            try await openEnvironment(state, accountID: key.accountID, region: key.region, launching: true)
        }
    }

    /// What the execution layer needs of a version.
    static func snapshot(
        _ state: FunctionState, _ record: FunctionVersionRecord, reference: FunctionReference, environment: EnvironmentVariables
    ) -> FunctionSnapshot {
        FunctionSnapshot(
            accountID: record.key.accountID, region: record.key.region, name: state.name,
            functionARN: reference.functionARN, version: record.version, revisionID: record.revisionID,
            runtime: state.runtime, handler: state.handler, role: state.role, timeout: state.timeout,
            memorySize: state.memorySize, ephemeralStorageSize: state.ephemeralStorageSize, environment: environment,
            architectures: state.architectures, codeSHA256: record.codeSHA256, logGroup: state.logging.logGroup,
            logFormat: state.logging.logFormat, applicationLogLevel: state.logging.applicationLogLevel,
            systemLogLevel: state.logging.systemLogLevel, runtimeVersion: RuntimeVersion.name(of: state.runtime),
            runtimeVersionARN: state.runtimeVersionARN(region: record.key.region), layers: state.layers?.map(\.codeSHA256) ?? []
        )
    }

    /// The account's concurrency left to functions without a reservation.
    func unreservedLimit(accountID: String, region: String) async throws -> Int {
        let reserved = try await reservedTotals.value(for: RegionKey(accountID: accountID, region: region)) {
            try await database.invocations.totalReservedConcurrency(accountID: accountID, region: region)
        }
        return settings.accountConcurrency - reserved
    }

    /// The request to run a queued `Event` invocation now, or nil when its function is gone.
    public func request(for event: AsyncEventRecord) async throws -> InvokeRequest? {
        guard let function = try await snapshot(of: event.key, qualifier: event.qualifier) else { return nil }
        return InvokeRequest(
            function: function, requestID: event.requestID, payload: event.payload.isEmpty ? Data("{}".utf8) : event.payload,
            invokedARN: event.invokedARN, clientContext: nil, wantsLogTail: false,
            reservedConcurrency: try await database.invocations.reservedConcurrency(event.key),
            unreservedLimit: try await unreservedLimit(accountID: event.key.accountID, region: event.key.region)
        )
    }

    /// The asynchronous settings of a function version: retries (0–2, default 2) and the maximum
    /// age of an event (60–21600 s, default 6 hours).
    public func asyncSettings(of key: FunctionKey, qualifier: String) async throws -> (maximumRetryAttempts: Int, maximumEventAge: Int) {
        let config = try await database.invocations.eventInvokeConfig(key, qualifier: qualifier)
        return (config?.maximumRetryAttempts ?? 2, config?.maximumEventAgeInSeconds ?? 21_600)
    }

    /// The version an invocation of `alias` runs — drawn by its routing, read when it is not the
    /// alias's own — or the version named when there is no alias.
    func versionToRun(
        _ alias: AliasRecord?, _ state: FunctionState, _ record: FunctionVersionRecord
    ) async throws -> (state: FunctionState, record: FunctionVersionRecord) {
        guard let alias, let routing = alias.routing else { return (state, record) }
        let version = routing.version(primary: alias.functionVersion, roll: Double.random(in: 0..<1))
        guard version != record.version else { return (state, record) }
        guard let drawn = try await storedVersion(alias.key, version) else {
            throw LambdaError.functionNotFound("\(FunctionReference.arn(alias.key)):\(version)")
        }
        return (drawn.state, drawn.record)
    }

    /// The snapshot of `name` at `qualifier` (a version, or an alias routed now), for the asynchronous queue.
    func snapshot(of key: FunctionKey, qualifier: String) async throws -> FunctionSnapshot? {
        guard let stored = try await storedVersion(key, qualifier) else { return nil }
        let (state, record) = try await versionToRun(stored.alias, stored.state, stored.record)
        let arn = FunctionReference.arn(key)
        let environment = launchEnvironment(state, key)
        return FunctionSnapshot(
            accountID: key.accountID, region: key.region, name: state.name, functionARN: arn, version: record.version,
            revisionID: record.revisionID, runtime: state.runtime, handler: state.handler, role: state.role,
            timeout: state.timeout, memorySize: state.memorySize, ephemeralStorageSize: state.ephemeralStorageSize,
            environment: environment, architectures: state.architectures, codeSHA256: record.codeSHA256,
            logGroup: state.logging.logGroup, logFormat: state.logging.logFormat,
            applicationLogLevel: state.logging.applicationLogLevel, systemLogLevel: state.logging.systemLogLevel,
            runtimeVersion: RuntimeVersion.name(of: state.runtime), runtimeVersionARN: state.runtimeVersionARN(region: key.region),
            layers: state.layers?.map(\.codeSHA256) ?? []
        )
    }
}

// MARK: - Concurrency

extension LambdaService {
    /// AWS keeps at least 100 concurrent executions unreserved.
    static let minimumUnreserved = 100

    @Sendable func putFunctionConcurrency(
        _ input: LambdaAPI.PutFunctionConcurrencyRequest, _ context: CallContext
    ) async throws -> LambdaAPI.Concurrency {
        let function = try resolvedFunction(context)
        let reference = function.reference
        let limit = settings.accountConcurrency
        let wanted = input.reservedConcurrentExecutions
        do {
            try await database.invocations.setReservedConcurrency(reference.key, to: wanted) { others in
                if limit - others - wanted < Self.minimumUnreserved {
                    throw LambdaError.invalidParameter(
                        "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [\(Self.minimumUnreserved)]."
                    )
                }
            }
        } catch StoreError.notFound {
            throw LambdaError.functionNotFound(reference.functionARN)
        }
        return LambdaAPI.Concurrency(reservedConcurrentExecutions: wanted)
    }

    @Sendable func getFunctionConcurrency(
        _ input: LambdaAPI.GetFunctionConcurrencyRequest, _ context: CallContext
    ) async throws -> LambdaAPI.GetFunctionConcurrencyResponse {
        LambdaAPI.GetFunctionConcurrencyResponse(reservedConcurrentExecutions: try resolvedFunction(context).reservedConcurrency)
    }

    @Sendable func deleteFunctionConcurrency(
        _ input: LambdaAPI.DeleteFunctionConcurrencyRequest, _ context: CallContext
    ) async throws -> EmptyOutput {
        let function = try resolvedFunction(context)
        let reference = function.reference
        do {
            try await database.invocations.setReservedConcurrency(reference.key, to: nil) { _ in }
        } catch StoreError.notFound {
            throw LambdaError.functionNotFound(reference.functionARN)
        }
        return EmptyOutput()
    }
}

// MARK: - Asynchronous invocation settings

extension LambdaService {
    @Sendable func putFunctionEventInvokeConfig(
        _ input: LambdaAPI.PutFunctionEventInvokeConfigRequest, _ context: CallContext
    ) async throws -> LambdaAPI.FunctionEventInvokeConfig {
        let function = try resolvedFunction(context)
        let reference = function.reference
        if input.destinationConfig?.onSuccess?.destination != nil || input.destinationConfig?.onFailure?.destination != nil {
            throw LambdaError.unsupported("destinations for asynchronous invocations (DestinationConfig)")
        }
        let config = EventInvokeConfigRecord(
            key: reference.key, qualifier: function.qualifier, maximumRetryAttempts: input.maximumRetryAttempts,
            maximumEventAgeInSeconds: input.maximumEventAgeInSeconds, lastModified: clock.now()
        )
        try await database.invocations.putEventInvokeConfig(config)
        return Self.eventInvokeConfig(config, functionARN: reference.functionARN)
    }

    @Sendable func getFunctionEventInvokeConfig(
        _ input: LambdaAPI.GetFunctionEventInvokeConfigRequest, _ context: CallContext
    ) async throws -> LambdaAPI.FunctionEventInvokeConfig {
        let function = try resolvedFunction(context)
        let reference = function.reference
        guard let config = try await database.invocations.eventInvokeConfig(reference.key, qualifier: function.qualifier) else {
            throw Self.noEventInvokeConfig("\(reference.functionARN):\(function.qualifier)")
        }
        return Self.eventInvokeConfig(config, functionARN: reference.functionARN)
    }

    @Sendable func deleteFunctionEventInvokeConfig(
        _ input: LambdaAPI.DeleteFunctionEventInvokeConfigRequest, _ context: CallContext
    ) async throws -> EmptyOutput {
        let function = try resolvedFunction(context)
        let reference = function.reference
        do {
            try await database.invocations.deleteEventInvokeConfig(reference.key, qualifier: function.qualifier)
        } catch StoreError.notFound {
            throw Self.noEventInvokeConfig("\(reference.functionARN):\(function.qualifier)")
        }
        return EmptyOutput()
    }

    private static func noEventInvokeConfig(_ arn: String) -> AWSError {
        AWSError(code: "ResourceNotFoundException", message: "The function \(arn) doesn't have an EventInvokeConfig", status: 404)
    }

    private static func eventInvokeConfig(_ config: EventInvokeConfigRecord, functionARN: String) -> LambdaAPI.FunctionEventInvokeConfig {
        LambdaAPI.FunctionEventInvokeConfig(
            lastModified: config.lastModified,
            functionArn: "\(functionARN):\(config.qualifier)",
            maximumRetryAttempts: config.maximumRetryAttempts,
            maximumEventAgeInSeconds: config.maximumEventAgeInSeconds,
            destinationConfig: LambdaAPI.DestinationConfig(onSuccess: LambdaAPI.OnSuccess(), onFailure: LambdaAPI.OnFailure())
        )
    }
}
