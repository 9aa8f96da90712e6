import Crypto
import Foundation
import Glibc
import Lambda
import Logging
import Store
import Synchronization

/// What this machine provides for execution environments, found once at start: bubblewrap, control
/// groups, the seccomp program, the runtimes, and a staging directory the sandboxes are built from.
///
/// The staging directory holds only what sandboxes may see — `bulwark-init`, the runtime clients,
/// a minimal `/etc`, extracted code, and one directory per environment with its Runtime API socket —
/// never the database, keys or the trail, nor any environment variable. No other local user can
/// read any of it (``StagingPermissions``).
public final class ExecutionHost: Sendable {
    /// How the operator configured execution.
    public struct Configuration: Sendable {
        /// Where sandboxes are staged; every ancestor must be traversable by the sandbox users.
        public var stagingDirectory: URL
        /// The directory of the `bulwark-init` executable.
        public var initExecutable: URL
        public var runtimes: RuntimeCatalog.Discovery
        /// Run functions without control groups (resource limits) when the host cannot provide them.
        public var insecureNoSandbox: Bool

        public init(stagingDirectory: URL, initExecutable: URL, runtimes: RuntimeCatalog.Discovery, insecureNoSandbox: Bool) {
            self.stagingDirectory = stagingDirectory
            self.initExecutable = initExecutable
            self.runtimes = runtimes
            self.insecureNoSandbox = insecureNoSandbox
        }
    }

    let staging: URL
    let tools: Sandbox.Tools?
    let controlGroups: ControlGroupHost?
    let seccomp: [UInt8]
    let permissions: StagingPermissions
    /// Whether the kernel writes a core dump as a file where the crashing process is (rather than
    /// piping it to a program of the host): only then may sandboxes dump cores, as on Lambda.
    let coreDumpsStayInSandbox: Bool
    /// Controls that are missing but tolerated (`--insecure-no-sandbox`).
    public let warnings: [String]
    /// Why functions cannot run here, found before staging (tools, ids, control groups, seccomp).
    private let hostBlocker: String?
    private let hostUIDs: HostUIDAllocator?
    private let extraction = ExtractionOnce()
    let preparation = PreparationGate()

    /// What the host prepared after it started: the runtimes as sandboxes get them, and why
    /// functions cannot run here at all (nil when they can).
    public struct Preparation: Sendable {
        public let catalog: RuntimeCatalog
        public let blocker: String?
    }

    /// Finds the controls of this machine at once, and prepares the staging directory and the
    /// runtimes on a thread of its own (``prepared()``): copying the runtime clients and
    /// interpreters takes seconds, and the server answers meanwhile.
    public init(_ configuration: Configuration, logger: Logger) {
        let staging = configuration.stagingDirectory
        self.staging = staging
        var blocker: String?
        var warnings: [String] = []
        let isRoot = geteuid() == 0
        var ids: HostIDBlock?
        if isRoot {
            do {
                ids = try HostIDBlock.claim()
            } catch {
                blocker = "cannot claim a block of host ids for sandboxes: \(error)"
            }
        }
        let permissions = StagingPermissions(ids: ids)
        self.permissions = permissions
        hostUIDs = ids.map { HostUIDAllocator(users: $0.users) }

        let bubblewrap = ["/usr/bin/bwrap", "/usr/local/bin/bwrap", "/bin/bwrap"].first { FileManager.default.isExecutableFile(atPath: $0) }
        if bubblewrap == nil { blocker = blocker ?? "bubblewrap (bwrap) is not installed: apt-get install bubblewrap" }
        tools = bubblewrap.map { Sandbox.Tools(bubblewrap: $0) }

        switch ControlGroupHost.prepare() {
        case .success(let host):
            host.removeEmptyGroups(prefix: Self.groupPrefix(staging))
            controlGroups = host
        case .failure(let problem):
            controlGroups = nil
            if configuration.insecureNoSandbox {
                warnings.append("control groups are unavailable (\(problem)); functions run WITHOUT memory, process and CPU limits")
            } else {
                blocker =
                    blocker
                    ?? "control groups are unavailable (\(problem)); start with --insecure-no-sandbox to run functions without resource limits"
            }
        }

        var program: [UInt8] = []
        do {
            program = try SeccompFilter.lambda(for: .host).bytes()
        } catch {
            blocker = blocker ?? "cannot build the seccomp filter: \(error)"
        }
        seccomp = program
        coreDumpsStayInSandbox = Self.coreDumpsStayInSandbox()
        hostBlocker = blocker
        self.warnings = warnings
        for warning in warnings { logger.warning("\(warning)") }

        let preparation = self.preparation
        Thread.detachNewThread { [blocker] in
            let prepared = Self.prepare(configuration, permissions: permissions, blocker: blocker) { preparation.isStopping }
            if let blocker = prepared.blocker, !preparation.isStopping {
                logger.error("functions cannot run on this host", metadata: ["reason": "\(blocker)"])
            }
            preparation.finish(prepared)
        }
    }

    /// The runtimes and what stands in the way of functions, once the staging directory is laid out:
    /// right after a start this waits for it.
    public func prepared() async -> Preparation {
        await preparation.wait()
    }

    /// Why functions cannot run here as far as is known now: final once ``prepared()`` has returned.
    var blocker: String? {
        preparation.finished?.blocker ?? hostBlocker
    }

    /// Lays out the staging directory, finds the runtimes, and stages the interpreters sandboxes
    /// cannot reach; `isStopping` ends it early (the server stops before it finished).
    private static func prepare(
        _ configuration: Configuration, permissions: StagingPermissions, blocker: String?, isStopping: () -> Bool
    ) -> Preparation {
        let staging = configuration.stagingDirectory
        var blocker = blocker
        var catalogDiscovery = configuration.runtimes
        do {
            try Self.prepareStaging(configuration, into: staging, permissions: permissions, isStopping: isStopping)
            catalogDiscovery.pythonClients = staging.appendingPathComponent("runtimes")
            catalogDiscovery.nodeClient = configuration.runtimes.nodeClient.map { _ in staging.appendingPathComponent("runtimes/nodejs") }
        } catch {
            blocker = blocker ?? "cannot prepare the sandbox staging directory \(staging.path): \(error)"
        }
        var catalog = RuntimeCatalog.discover(catalogDiscovery)
        if blocker == nil {
            do {
                catalog = try Self.stageUnreachableInterpreters(
                    of: catalog, in: staging.appendingPathComponent("lang"), permissions: permissions, isStopping: isStopping)
            } catch {
                blocker = "cannot stage the interpreters sandboxes cannot reach: \(error)"
            }
        }
        return Preparation(catalog: catalog, blocker: blocker)
    }

    /// One line per control, for `bulwark doctor`.
    public func report(_ preparation: Preparation) -> [String] {
        let catalog = preparation.catalog
        var lines: [String] = []
        lines.append("bubblewrap:      \(tools?.bubblewrap ?? "missing (apt-get install bubblewrap)")")
        if geteuid() == 0 {
            let users =
                permissions.ids.map { "host uids \($0.users.lowerBound)–\($0.users.upperBound) (block \($0.index))" } ?? "no block of host ids"
            lines.append("sandbox users:   one host uid per environment from \(users)")
        } else {
            lines.append("sandbox users:   the server's own uid (\(geteuid())); run as root for one host uid per environment")
        }
        switch controlGroups?.layout {
        case .unified(let root): lines.append("control groups:  cgroup v2 under \(root.path)")
        case .perController(let memory, let pids, let cpu):
            lines.append("control groups:  cgroup v1 memory \(memory.path), pids \(pids.path), cpu \(cpu?.path ?? "unavailable")")
        case nil: lines.append("control groups:  UNAVAILABLE")
        }
        lines.append("seccomp filter:  \(seccomp.isEmpty ? "UNAVAILABLE" : "\(seccomp.count / 8) instructions")")
        lines.append("namespaces:      user, pid, ipc, uts, mount, network (bubblewrap --unshare-all)")
        lines.append("staging:         \(staging.path)")
        lines.append("runtimes:")
        for runtime in catalog.entries.keys.sorted() {
            let entry = catalog.entries[runtime]!
            switch entry.kind {
            case .provided: lines.append("  \(runtime): the function's bootstrap")
            case .python(let installation, _):
                let staged = installation.origin == installation.executable ? "" : " (staged read-only for sandboxes)"
                lines.append("  \(runtime): \(installation.origin)\(staged)")
            case .node(let interpreter, _): lines.append("  \(runtime): \(interpreter)")
            }
        }
        for runtime in catalog.unavailable.keys.sorted() {
            lines.append("  \(runtime): unavailable — \(catalog.unavailable[runtime]!)")
        }
        return lines
    }

    /// The catalog with every Python installation that sandbox users cannot reach (when the server is
    /// root, under a private home) replaced by a staged copy (``StagedInterpreter``).
    private static func stageUnreachableInterpreters(
        of catalog: RuntimeCatalog, in directory: URL, permissions: StagingPermissions, isStopping: () -> Bool
    ) throws
        -> RuntimeCatalog
    {
        guard geteuid() == 0 else { return catalog }
        var entries = catalog.entries
        for (runtime, entry) in catalog.entries {
            guard case .python(let installation, let client) = entry.kind else { continue }
            let paths = [installation.executable, installation.standardLibrary] + (installation.sharedLibrary.map { [$0] } ?? [])
            if paths.allSatisfy(PythonInstallation.isReachableByEveryone) { continue }
            if isStopping() { throw Self.stopping }
            let staged = try StagedInterpreter.stage(installation, in: directory.appendingPathComponent(runtime))
            entries[runtime] = RuntimeCatalog.Entry(runtime: runtime, kind: .python(staged, clientDirectory: client), extraReadOnlyPaths: [])
        }
        if FileManager.default.fileExists(atPath: directory.path) { try permissions.protectStagedDirectories(directory) }
        return RuntimeCatalog(entries: entries, unavailable: catalog.unavailable)
    }

    private static func coreDumpsStayInSandbox() -> Bool {
        guard let pattern = try? String(contentsOfFile: "/proc/sys/kernel/core_pattern", encoding: .utf8) else { return false }
        return !pattern.hasPrefix("|")
    }

    /// Environment groups are named after the staging directory, so that servers never touch each
    /// other's groups: `env-<staging directory name>-<environment>`.
    static func groupPrefix(_ staging: URL) -> String { "env-\(staging.lastPathComponent)-" }

    func groupName(forEnvironment id: String) -> String { Self.groupPrefix(staging) + id }

    /// The host user a new environment's sandbox runs as, held until the environment is gone (one of
    /// the server's own block per environment when the server is root, so that no two sandboxes share
    /// a host identity); nil when the server is not root.
    func leaseHostUID() throws(SandboxError) -> HostUIDLease? {
        guard let hostUIDs else { return nil }
        guard let lease = hostUIDs.lease() else { throw .unavailable("every sandbox host uid of this server is in use") }
        return lease
    }

    /// The extracted code of a package, read-only for sandboxes; extracted once per package.
    func codeDirectory(sha256Hex: String, code: CodeStore) async throws -> URL {
        let codeDirectory = staging.appendingPathComponent("code")
        let target = codeDirectory.appendingPathComponent(sha256Hex)
        let permissions = self.permissions
        try await extraction.run(key: sha256Hex) {
            if FileManager.default.fileExists(atPath: target.path) { return }
            let package = try DeploymentPackage.inspect(try code.read(sha256Hex))
            // Unpacked where only this user can look, and moved into place once protected: the
            // package's own modes, often readable by everyone, are never seen by anyone else.
            let unpacking = codeDirectory.appendingPathComponent(".unpacking-\(UUID().uuidString)")
            guard mkdir(unpacking.path, 0o700) == 0 else {
                throw SandboxError.unavailable("cannot create \(unpacking.path): \(String(cString: strerror(errno)))")
            }
            defer { try? FileManager.default.removeItem(at: unpacking) }
            let tree = unpacking.appendingPathComponent("code")
            try package.extract(to: tree)
            try permissions.protectPackage(tree, sha256Hex: sha256Hex)
            guard rename(tree.path, target.path) == 0 else {
                throw SandboxError.unavailable("cannot move the code into \(target.path): \(String(cString: strerror(errno)))")
            }
        }
        return target
    }

    /// The layers of a function at `/opt`: each layer extracted once per archive as code is, and
    /// several merged once per list into one tree of hard links (``LayerMerge``), so that a sandbox
    /// binds one directory whatever its layers. Nil when the function has none.
    func layersDirectory(_ layers: [String], code: CodeStore) async throws -> URL? {
        guard !layers.isEmpty else { return nil }
        var extracted: [URL] = []
        for layer in layers { extracted.append(try await codeDirectory(sha256Hex: layer, code: code)) }
        guard layers.count > 1, let key = Self.mergedLayersKey(layers) else { return extracted.first }
        let target = staging.appendingPathComponent("opt/\(key)")
        let merging = staging.appendingPathComponent("opt/.merging-\(UUID().uuidString)")
        let (permissions, trees) = (self.permissions, extracted)
        try await extraction.run(key: "opt/\(key)") {
            if FileManager.default.fileExists(atPath: target.path) { return }
            defer { try? FileManager.default.removeItem(at: merging) }
            try LayerMerge.merge(trees, into: merging)
            try permissions.protectMergedLayers(merging, key: key)
            guard rename(merging.path, target.path) == 0 else {
                throw SandboxError.unavailable("cannot move the layers into \(target.path): \(String(cString: strerror(errno)))")
            }
        }
        return target
    }

    /// The name of the merged tree of a list of layers: the SHA-256 of their hashes in order.
    static func mergedLayersKey(_ layers: [String]) -> String? {
        guard layers.count > 1 else { return nil }
        return SHA256.hash(data: Data(layers.joined(separator: ",").utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The supplementary host groups of a sandbox running the package `sha256Hex` with `layers` (see
    /// ``StagingPermissions``): the sandboxes' group, the code's, each layer's and their merged tree's.
    func sandboxGroups(forPackage sha256Hex: String, layers: [String] = []) -> [UInt32] {
        permissions.sandboxGroups(forPackages: [sha256Hex] + layers + (Self.mergedLayersKey(layers).map { [$0] } ?? []))
    }

    var initPath: String { staging.appendingPathComponent("bin/bulwark-init").path }
    var etcDirectory: URL { staging.appendingPathComponent("etc") }
    /// The sandboxes' `/usr/lib/locale`, when the host's lacks Lambda's `en_US.UTF-8` (``StagedLocales``).
    var localeDirectory: URL? {
        let directory = staging.appendingPathComponent("locale")
        return FileManager.default.fileExists(atPath: directory.path) ? directory : nil
    }

    /// Lays out the staging directory while only this user can enter it, then lets the sandboxes'
    /// group in (``StagingPermissions``). What a previous run left (environment directories,
    /// extracted code) is removed: no environment outlives its server.
    private static func prepareStaging(
        _ configuration: Configuration, into staging: URL, permissions: StagingPermissions, isStopping: () -> Bool
    ) throws {
        let manager = FileManager.default
        try manager.createDirectory(at: staging, withIntermediateDirectories: true)
        guard chmod(staging.path, 0o700) == 0 else {
            throw SandboxError.unavailable("cannot restrict \(staging.path): \(String(cString: strerror(errno)))")
        }
        // `env` held the Unix sockets of environments before their listeners were handed over (decision 0037).
        for leftover in ["env", "code", "opt", "lang"] {
            try? manager.removeItem(at: staging.appendingPathComponent(leftover))
        }
        for directory in ["bin", "runtimes", "etc", "code", "opt"] {
            try manager.createDirectory(at: staging.appendingPathComponent(directory), withIntermediateDirectories: true)
        }
        try StagedFile.copy(configuration.initExecutable, to: staging.appendingPathComponent("bin/bulwark-init"), mode: 0o755)
        let clients = configuration.runtimes.pythonClients
        for runtime in RuntimeCatalog.pythonVersions where manager.fileExists(atPath: clients.appendingPathComponent(runtime).path) {
            if isStopping() { throw Self.stopping }
            let staged = staging.appendingPathComponent("runtimes/\(runtime)")
            try StagedFile.copyTree(clients.appendingPathComponent(runtime), to: staged)
            guard let bootstrap = RuntimeCatalog.bundledPythonBootstrap else {
                throw SandboxError.unavailable("the Python runtimes' bootstrap.py is missing from Bulwark's resources")
            }
            try StagedFile.copy(bootstrap, to: staged.appendingPathComponent("bootstrap.py"), mode: 0o644)
        }
        if let nodeClient = configuration.runtimes.nodeClient {
            try StagedFile.copyTree(nodeClient, to: staging.appendingPathComponent("runtimes/nodejs"))
        }
        let etc = staging.appendingPathComponent("etc")
        try StagedFile.write(
            "root:x:0:0:root:/root:/sbin/nologin\nsbx_user1051:x:993:990::/home/sbx_user1051:/sbin/nologin\n",
            to: etc.appendingPathComponent("passwd"))
        // As on Lambda, the function's group (990) has no name: `id` says `gid=990 groups=990`.
        try StagedFile.write("root:x:0:\n", to: etc.appendingPathComponent("group"))
        try StagedFile.write("127.0.0.1 localhost\n::1 localhost\n", to: etc.appendingPathComponent("hosts"))
        try StagedFile.write("passwd: files\ngroup: files\nhosts: files\n", to: etc.appendingPathComponent("nsswitch.conf"))
        if isStopping() { throw Self.stopping }
        let locales = staging.appendingPathComponent("locale")
        if !StagedLocales.prepare(in: locales) { try? manager.removeItem(at: locales) }
        try permissions.protectStaged(staging)
    }
}

extension ExecutionHost {
    /// Why a preparation ended early.
    static let stopping = SandboxError.unavailable("the server stopped before the sandbox staging directory was prepared")
}

/// Runs a piece of work once per key at a time; later callers wait for the running one.
actor ExtractionOnce {
    private var running: [String: Task<Void, any Error>] = [:]

    func run(key: String, _ work: @escaping @Sendable () throws -> Void) async throws {
        if let task = running[key] {
            try await task.value
            return
        }
        let task = Task { try work() }
        running[key] = task
        defer { running[key] = nil }
        try await task.value
    }
}
