import AWSWire
import BulwarkCore
import Foundation

/// Lambda's rules for function settings beyond what the API model's constraints express, with
/// Lambda's error wording.
enum FunctionRules {
    static let maximumMemorySize = 10_240
    static let maximumTimeout = 900
    /// Environment variables, measured as their JSON text, are limited to 4 KB.
    static let maximumEnvironmentBytes = 4_096
    static let maximumTags = 50
    /// The total size of all deployment packages of an account (75 GB).
    static let codeStorageLimit: Int64 = 80_530_636_800
    static let unzippedCodeLimit: Int64 = 262_144_000
    static let zippedCodeLimit: Int64 = 52_428_800
    /// Architectures this host can run.
    static let hostArchitectures: [String] = {
        #if arch(arm64)
            ["arm64"]
        #else
            ["x86_64"]
        #endif
    }()

    /// Variables that Lambda sets itself and that functions may not override.
    static let reservedEnvironmentKeys: Set<String> = [
        "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
    ]

    static func checkMemorySize(_ value: Int) throws {
        guard value <= maximumMemorySize else {
            throw AWSError.validation(
                "'MemorySize' value failed to satisfy constraint: Member must have value less than or equal to \(maximumMemorySize)"
            )
        }
    }

    static func checkTimeout(_ value: Int) throws {
        guard value <= maximumTimeout else {
            throw AWSError.validation(
                "1 validation error detected: Value '\(value)' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to \(maximumTimeout)"
            )
        }
    }

    /// A runtime identifier Lambda knows, in Lambda's words when it is not one. The list in the
    /// message is of the runtimes that can still be used to create functions.
    static func checkRuntimeName(_ runtime: String, on date: Date) throws {
        let known = LambdaService.currentRuntimes
        guard known.contains(runtime) else {
            let supported = known.filter { !RuntimeLifecycle.of($0).blocksCreate(on: date) }
            throw LambdaError.invalidParameter(
                "Value \(runtime) at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [\(supported.joined(separator: ", "))] or be a valid ARN"
            )
        }
    }

    static func checkEnvironment(_ variables: [String: String]) throws {
        let reserved = variables.keys.filter(reservedEnvironmentKeys.contains).sorted()
        if !reserved.isEmpty {
            throw LambdaError.invalidParameter(
                "Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: \(reserved.joined(separator: ", "))"
            )
        }
        let measured = JSONValue.object(variables.mapValues { .string($0) }).serialized()
        if measured.count > maximumEnvironmentBytes {
            throw LambdaError.invalidParameter(
                "Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: \(String(decoding: measured, as: UTF8.self))"
            )
        }
    }

    static func checkArchitectures(_ architectures: [String]) throws {
        guard architectures.count == 1 else {
            throw LambdaError.invalidParameter("Lambda functions can have one architecture: x86_64 or arm64.")
        }
        guard hostArchitectures.contains(architectures[0]) else {
            throw LambdaError.unsupported("the \(architectures[0]) architecture on this host (it runs \(hostArchitectures.joined(separator: ", ")))")
        }
    }

    static func checkTags(_ tags: [String: String]) throws {
        guard tags.count <= maximumTags else {
            throw LambdaError.invalidParameter("Number of tags exceeds resource tag limit.")
        }
        for (key, value) in tags {
            guard (1...128).contains(key.unicodeScalars.count), value.unicodeScalars.count <= 256 else {
                throw LambdaError.invalidParameter("Tag keys must be 1 to 128 characters and values at most 256 characters: \(key)")
            }
            guard !key.lowercased().hasPrefix("aws:") else {
                throw LambdaError.invalidParameter("Tag keys starting with 'aws:' are reserved for system use: \(key)")
            }
        }
    }

    static func checkRuntime(_ runtime: String, creating: Bool, on date: Date) throws {
        try checkRuntimeName(runtime, on: date)
        let lifecycle = RuntimeLifecycle.of(runtime)
        if creating ? lifecycle.blocksCreate(on: date) : lifecycle.blocksUpdate(on: date) {
            throw lifecycle.blockedError()
        }
    }
}
