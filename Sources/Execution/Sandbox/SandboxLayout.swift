import Foundation
import Lambda

/// The file system, environment and command of a function's sandbox (DESIGN §3): a read-only view of
/// the host's `/usr`, the runtime's files, the code read-only at `/var/task`, its layers read-only at
/// `/opt`, a size-limited `/tmp`, and `bulwark-init` listening on the Runtime API's address for the
/// server (``Sandbox``).
enum SandboxLayout {
    /// Inside the sandbox.
    static let initPath = "/var/bulwark/init"
    static let runtimeAPI = "127.0.0.1:9001"

    static func spec(
        for function: FunctionSnapshot,
        entry: RuntimeCatalog.Entry,
        host: ExecutionHost,
        codeDirectory: URL,
        layersDirectory: URL? = nil,
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
        if let locales = host.localeDirectory {
            mounts.append(.readOnly(host: locales.path, at: StagedLocales.hostLocales))
        }
        // The staged /etc (passwd, group, hosts, nsswitch.conf) in one bind: each bind is a cost of every cold start.
        mounts.append(.readOnly(host: host.etcDirectory.path, at: "/etc"))
        mounts += [
            .readOnly(host: codeDirectory.path, at: "/var/task"),
            .readOnly(host: host.initPath, at: initPath),
            // Lambda's /tmp belongs to the function's user, open to it alone.
            .tmpfs(at: "/tmp", sizeBytes: Int64(function.ephemeralStorageSize) << 20, mode: 0o700),
        ]
        // The layers, merged into one tree (one bind, whatever their number); an empty /opt without, as on Lambda.
        if let layersDirectory {
            mounts.append(.readOnly(host: layersDirectory.path, at: "/opt"))
        } else {
            mounts.append(.directory("/opt", mode: 0o755))
        }
        for path in entry.extraReadOnlyPaths {
            mounts.append(.readOnly(host: path, at: path))
        }

        // Defaults the function may override, then the function's own, then what Lambda reserves.
        var environment = defaultEnvironment
        if case .python = entry.kind { environment.merge(pythonEnvironment) { _, python in python } }
        environment.merge(access.variables) { _, own in own }
        environment.merge(reservedEnvironment(for: function, logStream: logStream)) { _, reserved in reserved }
        environment.merge(access.environment) { _, reserved in reserved }
        let command: [String]
        switch entry.kind {
        case .provided:
            command = [layersDirectory == nil ? "/var/task/bootstrap" : InvalidEntrypoint.providedBootstrap(codeDirectory: codeDirectory)]
        case .python(let installation, let clientDirectory):
            mounts += pythonMounts(installation) + [.readOnly(host: clientDirectory, at: "/var/runtime")]
            environment["AWS_EXECUTION_ENV"] = "AWS_Lambda_\(function.runtime)"
            command = [installation.sandboxExecutable, "/var/runtime/bootstrap.py"]
        case .node(let interpreter, let clientDirectory):
            mounts.append(.readOnly(host: clientDirectory, at: "/var/runtime"))
            environment["AWS_EXECUTION_ENV"] = "AWS_Lambda_\(function.runtime)"
            environment["NODE_PATH"] = environment["NODE_PATH"] ?? "/opt/nodejs/node_modules:/var/runtime/node_modules:/var/task"
            command = [interpreter, "/var/runtime/bootstrap.mjs"]
        }
        // The Runtime API first, then the private endpoint: the order in which the server gets the sockets.
        let listened = [runtimeAPI] + (access.endpoint != nil ? [EnvironmentAccess.endpointAddress] : [])
        return SandboxSpec(
            mounts: mounts,
            environment: environment,
            workingDirectory: "/var/task",
            command: [initPath] + listened.flatMap { ["--listen", $0] } + ["--handoff-fd", String(Sandbox.handoffDescriptor)]
                + resourceLimits(coreDumps: host.coreDumpsStayInSandbox).flatMap { ["--rlimit", $0] }
                + ["--status-fd", "6", "--"] + command,
            hostUID: hostUID,
            hostGroups: hostGroups,
            handedOffListeners: listened.count
        )
    }

    /// The interpreter under /var/lang as on AWS's Python runtimes: its executable (also as `python3`
    /// and `python`), its standard library and shared library — and nothing its installation added:
    /// the installation's own site-packages is hidden behind an empty read-only directory, and the
    /// host's dist-packages (in /usr/lib/python3) are not on the path of an interpreter whose prefix
    /// is /var/lang.
    static func pythonMounts(_ installation: PythonInstallation) -> [SandboxSpec.Mount] {
        var mounts = installation.binds.map { SandboxSpec.Mount.readOnly(host: $0.host, at: $0.sandbox) }
        let name = "python\(installation.version)"
        for alias in ["python3", "python"] {
            mounts.append(.symlink(target: name, at: "\(PythonInstallation.root)/bin/\(alias)"))
        }
        if installation.hasSitePackages {
            let sitePackages = installation.sandboxStandardLibrary + "/site-packages"
            mounts += [.tmpfs(at: sitePackages, sizeBytes: nil, mode: 0o755), .remountReadOnly(sitePackages)]
        }
        return mounts
    }

    /// Lambda's resource limits (`ulimit`), as AWS sets them: 1024 descriptors and 1024 processes
    /// (its documented quotas), 64 KiB of locked memory, an 8 MiB stack, and core dumps of any size —
    /// unless the host pipes core dumps to one of its programs, which sandboxes must not reach.
    static func resourceLimits(coreDumps: Bool) -> [String] {
        [
            "nofile=1024:1024", "nproc=1024:1024", "memlock=65536:65536", "stack=8388608:unlimited",
            coreDumps ? "core=unlimited:unlimited" : "core=0:0",
        ]
    }

    /// Variables Lambda sets that a function may override, with AWS's values (those of `provided`
    /// runtimes; ``pythonEnvironment`` has the Python runtimes' own). The X-Ray daemon's address is
    /// AWS's, where no daemon listens here, as on Lambda without active tracing.
    static let defaultEnvironment = [
        "TZ": ":UTC",
        "LANG": "en_US.UTF-8",
        "PATH": "/usr/local/bin:/usr/bin/:/bin:/opt/bin",
        "LD_LIBRARY_PATH": "/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib",
        "AWS_XRAY_DAEMON_ADDRESS": "169.254.79.129:2000",
        "_AWS_XRAY_DAEMON_ADDRESS": "169.254.79.129",
        "_AWS_XRAY_DAEMON_PORT": "2000",
        "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
    ]

    /// What the Python runtimes set instead of the defaults (the interpreter is under /var/lang), unless
    /// the function sets them itself.
    static let pythonEnvironment = [
        "PATH": "/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin",
        "LD_LIBRARY_PATH": "/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib",
        "PYTHONPATH": "/var/runtime",
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
