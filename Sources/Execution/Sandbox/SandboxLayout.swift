import Foundation
import Lambda

/// The file system, environment and command of a function's sandbox (DESIGN §3): a read-only view of
/// the host's `/usr`, the runtime's files, the code read-only at `/var/task`, a size-limited `/tmp`,
/// and `bulwark-init` forwarding the Runtime API.
enum SandboxLayout {
    /// Inside the sandbox.
    static let initPath = "/var/bulwark/init"
    static let runDirectory = "/var/bulwark/run"
    static let runtimeAPI = "127.0.0.1:9001"

    static func spec(
        for function: FunctionSnapshot,
        entry: RuntimeCatalog.Entry,
        host: ExecutionHost,
        codeDirectory: URL,
        environmentDirectory: URL,
        logStream: String,
        hostUID: UInt32?,
        hostGroups: [UInt32],
        access: EnvironmentAccess
    ) -> SandboxSpec {
        var mounts: [SandboxSpec.Mount] = [
            .readOnly(host: "/usr", at: "/usr"),
            .symlink(target: "usr/bin", at: "/bin"),
            .symlink(target: "usr/sbin", at: "/sbin"),
            .symlink(target: "usr/lib", at: "/lib"),
            .symlink(target: "usr/lib64", at: "/lib64"),
            .proc,
            .dev,
        ]
        for file in ["passwd", "group", "hosts", "nsswitch.conf"] {
            mounts.append(.readOnly(host: host.etcDirectory.appendingPathComponent(file).path, at: "/etc/\(file)"))
        }
        mounts += [
            .readOnly(host: codeDirectory.path, at: "/var/task"),
            .readOnly(host: host.initPath, at: initPath),
            .readOnly(host: environmentDirectory.path, at: runDirectory),
            .tmpfs(at: "/tmp", sizeBytes: Int64(function.ephemeralStorageSize) << 20),
        ]
        for path in entry.extraReadOnlyPaths {
            mounts.append(.readOnly(host: path, at: path))
        }

        // Defaults the function may override, then the function's own, then what Lambda reserves.
        var environment = defaultEnvironment
        environment.merge(function.environment) { _, own in own }
        environment.merge(reservedEnvironment(for: function, logStream: logStream)) { _, reserved in reserved }
        environment.merge(access.environment) { _, reserved in reserved }
        let command: [String]
        switch entry.kind {
        case .provided:
            command = ["/var/task/bootstrap"]
        case .python(let interpreter, let clientDirectory):
            mounts.append(.readOnly(host: clientDirectory, at: "/var/runtime"))
            environment["PYTHONPATH"] = environment["PYTHONPATH"].map { "/var/runtime:\($0)" } ?? "/var/runtime"
            environment["AWS_EXECUTION_ENV"] = "AWS_Lambda_\(function.runtime)"
            command = [interpreter, "-m", "awslambdaric", function.handler]
        case .node(let interpreter, let clientDirectory):
            mounts.append(.readOnly(host: clientDirectory, at: "/var/runtime"))
            environment["AWS_EXECUTION_ENV"] = "AWS_Lambda_\(function.runtime)"
            environment["NODE_PATH"] = environment["NODE_PATH"] ?? "/opt/nodejs/node_modules:/var/runtime/node_modules:/var/task"
            command = [interpreter, "/var/runtime/bootstrap.mjs"]
        }
        return SandboxSpec(
            mounts: mounts,
            environment: environment,
            workingDirectory: "/var/task",
            command: [initPath, "--forward", "\(runtimeAPI)=\(runDirectory)/runtime.sock"]
                + (access.endpoint != nil ? ["--forward", "\(EnvironmentAccess.endpointAddress)=\(runDirectory)/edge.sock"] : [])
                + ["--status-fd", "6", "--"] + command,
            hostUID: hostUID,
            hostGroups: hostGroups
        )
    }

    /// Variables Lambda sets that a function may override.
    static let defaultEnvironment = [
        "TZ": ":UTC",
        "LANG": "en_US.UTF-8",
        "PATH": "/usr/local/bin:/usr/bin:/bin:/opt/bin",
        "LD_LIBRARY_PATH": "/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib",
    ]

    /// The variables Lambda sets for every function; they win over the function's own.
    static func reservedEnvironment(for function: FunctionSnapshot, logStream: String) -> [String: String] {
        var variables = [
            "AWS_LAMBDA_FUNCTION_NAME": function.name,
            "AWS_LAMBDA_FUNCTION_VERSION": function.version,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": String(function.memorySize),
            "AWS_LAMBDA_LOG_GROUP_NAME": function.logGroup,
            "AWS_LAMBDA_LOG_STREAM_NAME": logStream,
            "AWS_LAMBDA_RUNTIME_API": runtimeAPI,
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_REGION": function.region,
            "AWS_DEFAULT_REGION": function.region,
            "_HANDLER": function.handler,
            "LAMBDA_TASK_ROOT": "/var/task",
            "LAMBDA_RUNTIME_DIR": "/var/runtime",
        ]
        if function.logFormat == "JSON" {
            variables["AWS_LAMBDA_LOG_FORMAT"] = "JSON"
            variables["AWS_LAMBDA_LOG_LEVEL"] = function.applicationLogLevel ?? "INFO"
        }
        return variables
    }
}
