import AWSWire
import BulwarkCore

// MARK: - Recursive loop detection

extension LambdaService {
    @Sendable func getFunctionRecursionConfig(
        _ input: LambdaAPI.GetFunctionRecursionConfigRequest, _ context: CallContext
    ) async throws -> LambdaAPI.GetFunctionRecursionConfigResponse {
        LambdaAPI.GetFunctionRecursionConfigResponse(recursiveLoop: try resolvedFunction(context).state.recursiveLoop ?? "Terminate")
    }

    @Sendable func putFunctionRecursionConfig(
        _ input: LambdaAPI.PutFunctionRecursionConfigRequest, _ context: CallContext
    ) async throws -> LambdaAPI.PutFunctionRecursionConfigResponse {
        let reference = try resolvedFunction(context).reference
        let updated = try await updateLatest(reference, expectedRevision: nil, revises: false) { state, _ in
            state.recursiveLoop = input.recursiveLoop
        }
        return LambdaAPI.PutFunctionRecursionConfigResponse(recursiveLoop: updated.state.recursiveLoop)
    }
}

// MARK: - Runtime management

extension LambdaService {
    @Sendable func getRuntimeManagementConfig(
        _ input: LambdaAPI.GetRuntimeManagementConfigRequest, _ context: CallContext
    ) async throws -> LambdaAPI.GetRuntimeManagementConfigResponse {
        let function = try resolvedFunction(context)
        let mode = function.state.runtimeUpdateOn ?? "Auto"
        return LambdaAPI.GetRuntimeManagementConfigResponse(
            updateRuntimeOn: mode,
            runtimeVersionArn: mode == "Manual" ? function.state.pinnedRuntimeVersionArn : nil,
            functionArn: function.reference.resourceARN
        )
    }

    @Sendable func putRuntimeManagementConfig(
        _ input: LambdaAPI.PutRuntimeManagementConfigRequest, _ context: CallContext
    ) async throws -> LambdaAPI.PutRuntimeManagementConfigResponse {
        let function = try resolvedFunction(context)
        let reference = function.reference
        let pinned = try Self.pinnedRuntimeVersion(input, runtime: function.state.runtime, region: reference.region)
        let updated = try await updateLatest(reference, expectedRevision: nil, revises: false) { state, _ in
            state.runtimeUpdateOn = input.updateRuntimeOn
            state.pinnedRuntimeVersionArn = pinned
        }
        return LambdaAPI.PutRuntimeManagementConfigResponse(
            updateRuntimeOn: input.updateRuntimeOn, functionArn: reference.resourceARN, runtimeVersionArn: updated.state.pinnedRuntimeVersionArn
        )
    }

    /// The runtime version a `Manual` configuration pins: required there, refused in the other
    /// modes, and only the version this host serves for the function's runtime.
    private static func pinnedRuntimeVersion(
        _ input: LambdaAPI.PutRuntimeManagementConfigRequest, runtime: String, region: String
    ) throws -> String? {
        guard input.updateRuntimeOn == "Manual" else {
            if input.runtimeVersionArn != nil {
                throw LambdaError.invalidParameter("RuntimeVersionArn can only be specified when UpdateRuntimeOn is Manual.")
            }
            return nil
        }
        guard let requested = input.runtimeVersionArn else {
            throw LambdaError.invalidParameter("RuntimeVersionArn must be specified when UpdateRuntimeOn is Manual.")
        }
        let served = RuntimeVersion.arn(of: runtime, region: region)
        guard requested == served else {
            throw LambdaError.invalidParameter("The runtime version \(requested) is not a version of \(runtime): this host serves \(served).")
        }
        return requested
    }
}
