import Foundation
import Glibc

/// The runtimes this host can serve (DESIGN §3): for each runtime identifier, what the sandbox binds
/// and how the runtime starts.
///
/// - `provided.al2023`, `provided.al2`: the function's own executable `bootstrap`.
/// - `python3.X`: a `python3.X` of this host (the system's, `/opt`, pyenv or uv installations) with the
///   official runtime interface client, `awslambdaric`, and the SDK AWS includes (`make runtimes`).
/// - `nodejsN.x`: the host's Node.js N with Bulwark's own runtime client.
///
/// Operators add interpreters by naming them (`--runtime-interpreter python3.12=/opt/py312/bin/python3.12`).
public struct RuntimeCatalog: Sendable {
    /// How one runtime runs.
    public struct Entry: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            case provided
            /// An interpreter and the directory of its runtime client.
            case python(PythonInstallation, clientDirectory: String)
            case node(interpreter: String, clientDirectory: String)
        }

        public let runtime: String
        public let kind: Kind
        /// Host directories, outside `/usr`, that the interpreter needs (its installation prefix).
        public let extraReadOnlyPaths: [String]

        public init(runtime: String, kind: Kind, extraReadOnlyPaths: [String]) {
            self.runtime = runtime
            self.kind = kind
            self.extraReadOnlyPaths = extraReadOnlyPaths
        }
    }

    public let entries: [String: Entry]
    /// Runtimes the model knows that this host cannot serve, with the reason.
    public let unavailable: [String: String]

    /// Whether and why not `runtime` can run here.
    public func support(for runtime: String) -> Result<Entry, RuntimeUnavailable> {
        if let entry = entries[runtime] { return .success(entry) }
        let reason = unavailable[runtime] ?? "Bulwark has no runtime for \(runtime) on this host"
        return .failure(RuntimeUnavailable(runtime: runtime, reason: reason))
    }

    /// Where to look for interpreters and runtime clients.
    public struct Discovery: Sendable {
        /// Runtime identifier → interpreter path, chosen by the operator.
        public var interpreters: [String: String]
        /// Where `make` installed the Python runtime interface client: `<dir>/python3.X/awslambdaric`.
        public var pythonClients: URL
        /// Bulwark's Node.js runtime client (a directory with `bootstrap.mjs`).
        public var nodeClient: URL?
        public var searchPath: [String]
        /// Whose pyenv and uv installations to look in.
        public var home: String

        public init(
            interpreters: [String: String] = [:], pythonClients: URL, nodeClient: URL?, searchPath: [String]? = nil,
            home: String = NSHomeDirectory()
        ) {
            self.interpreters = interpreters
            self.pythonClients = pythonClients
            self.nodeClient = nodeClient
            self.home = home
            self.searchPath =
                searchPath
                ?? (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
        }
    }

    public static let pythonVersions = ["python3.10", "python3.11", "python3.12", "python3.13", "python3.14"]
    public static let nodeVersions = ["nodejs18.x", "nodejs20.x", "nodejs22.x", "nodejs24.x"]

    /// Finds what the host offers.
    public static func discover(_ discovery: Discovery) -> RuntimeCatalog {
        var entries: [String: Entry] = [
            "provided.al2023": Entry(runtime: "provided.al2023", kind: .provided, extraReadOnlyPaths: []),
            "provided.al2": Entry(runtime: "provided.al2", kind: .provided, extraReadOnlyPaths: []),
        ]
        var unavailable: [String: String] = [:]
        let candidates = PythonInstallation.candidateDirectories(home: discovery.home, searchPath: discovery.searchPath)
        for runtime in pythonVersions {
            let version = String(runtime.dropFirst("python".count))
            let client = discovery.pythonClients.appendingPathComponent(runtime)
            let installation =
                discovery.interpreters[runtime].flatMap(PythonInstallation.inspect)
                ?? candidates.lazy.compactMap { PythonInstallation.inspect("\($0)/python\(version)") }.first { $0.version == version }
            guard let installation, installation.version == version else {
                unavailable[runtime] =
                    "no python\(version) interpreter on this host (add one: uv python install \(version), then make runtimes;"
                    + " or name one with --runtime-interpreter \(runtime)=PATH)"
                continue
            }
            guard FileManager.default.fileExists(atPath: client.appendingPathComponent("awslambdaric").path) else {
                unavailable[runtime] = "awslambdaric for \(runtime) is not installed in \(client.path) (make runtimes)"
                continue
            }
            entries[runtime] = Entry(
                runtime: runtime, kind: .python(installation, clientDirectory: client.path), extraReadOnlyPaths: []
            )
        }
        let node = discovery.interpreters["node"] ?? find("node", in: ["/usr/bin", "/usr/local/bin"] + discovery.searchPath)
        let nodeMajor = node.flatMap(nodeMajorVersion)
        for runtime in nodeVersions {
            let wanted = runtime.dropFirst("nodejs".count).dropLast(".x".count)
            guard let interpreter = discovery.interpreters[runtime] ?? (nodeMajor == String(wanted) ? node : nil) else {
                unavailable[runtime] = "no Node.js \(wanted) on this host (add one with --runtime-interpreter \(runtime)=PATH)"
                continue
            }
            guard let client = discovery.nodeClient else {
                unavailable[runtime] = "Bulwark's Node.js runtime client is missing"
                continue
            }
            entries[runtime] = Entry(
                runtime: runtime,
                kind: .node(interpreter: interpreter, clientDirectory: client.path),
                extraReadOnlyPaths: installationPrefix(of: interpreter)
            )
        }
        return RuntimeCatalog(entries: entries, unavailable: unavailable)
    }

    /// The first `program` in `searchPath` that a sandbox can run: a native executable (not a wrapper
    /// script such as a pyenv shim) that every user may reach, read and execute.
    private static func find(_ program: String, in searchPath: [String]) -> String? {
        for directory in searchPath {
            let candidate = URL(fileURLWithPath: directory).appendingPathComponent(program).path
            if FileManager.default.isExecutableFile(atPath: candidate), isSandboxUsable(candidate) { return candidate }
        }
        return nil
    }

    static func isSandboxUsable(_ path: String) -> Bool {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath()
        guard let handle = FileHandle(forReadingAtPath: resolved.path), let magic = try? handle.read(upToCount: 4) else { return false }
        try? handle.close()
        guard magic == Data([0x7F, 0x45, 0x4C, 0x46]) else { return false }
        guard geteuid() == 0 else { return true }
        guard let file = FileStatus(path: resolved.path, followingLinks: true), file.mode & 0o005 == 0o005 else { return false }
        var directory = resolved.deletingLastPathComponent()
        while directory.path != "/" {
            guard let status = FileStatus(path: directory.path, followingLinks: true), status.mode & 0o001 != 0 else { return false }
            directory = directory.deletingLastPathComponent()
        }
        return true
    }

    /// The directories an interpreter outside `/usr` lives in: `<prefix>` of `<prefix>/bin/<name>`.
    static func installationPrefix(of interpreter: String) -> [String] {
        let resolved = URL(fileURLWithPath: interpreter).resolvingSymlinksInPath()
        let prefix = resolved.deletingLastPathComponent().deletingLastPathComponent().path
        let original = URL(fileURLWithPath: interpreter).deletingLastPathComponent().deletingLastPathComponent().path
        return Set([prefix, original]).filter { !$0.hasPrefix("/usr") && $0 != "/" }.sorted()
    }

    private static func nodeMajorVersion(_ node: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: node)
        process.arguments = ["--version"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard text.hasPrefix("v"), let major = text.dropFirst().split(separator: ".").first else { return nil }
        return String(major)
    }
}

/// A runtime this host cannot serve.
public struct RuntimeUnavailable: Error, Sendable, Equatable {
    public let runtime: String
    public let reason: String
}

extension RuntimeCatalog {
    /// Bulwark's Node.js runtime client, shipped with the Execution module.
    public static var bundledNodeClient: URL? {
        Bundle.module.url(forResource: "nodejs", withExtension: nil)
    }

    /// The entry point of the Python runtimes (`/var/runtime/bootstrap.py`), shipped with the Execution module.
    static var bundledPythonBootstrap: URL? {
        Bundle.module.url(forResource: "python", withExtension: nil)?.appendingPathComponent("bootstrap.py")
    }
}
