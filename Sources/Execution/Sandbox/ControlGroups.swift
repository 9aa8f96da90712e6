import Foundation

/// Resource limits of one execution environment, enforced by control groups.
struct ResourceLimits: Sendable, Equatable {
    /// Memory in bytes (the function's MemorySize).
    var memoryBytes: Int64
    /// The most processes and threads the environment may have.
    var maxProcesses: Int
    /// Relative CPU weight (cgroup v2 `cpu.weight`, 1...10000).
    var cpuWeight: Int

    /// AWS's rules: memory as configured, 1024 processes/threads, CPU in proportion to memory
    /// (one full vCPU at 1769 MB).
    static func lambda(memorySizeMB: Int) -> ResourceLimits {
        ResourceLimits(
            memoryBytes: Int64(memorySizeMB) << 20,
            maxProcesses: 1024,
            cpuWeight: max(1, min(10_000, memorySizeMB * 100 / 1769))
        )
    }
}

/// Where Bulwark may create control groups: a `bulwark` group under the server's own group of each
/// controller. Bulwark never moves, changes or removes any other group or process.
///
/// cgroup v2 is used where the unified hierarchy has the memory and pids controllers; otherwise the
/// v1 memory, pids and cpu hierarchies.
struct ControlGroupHost: Sendable {
    enum Layout: Sendable, Equatable {
        /// The `bulwark` group in the unified hierarchy.
        case unified(URL)
        /// The `bulwark` groups of the v1 memory, pids and cpu controllers.
        case perController(memory: URL, pids: URL, cpu: URL?)
    }

    let layout: Layout

    /// Finds the hierarchies and creates the `bulwark` groups, or explains why it cannot.
    static func prepare(mountInfo: String? = nil, ownGroups: String? = nil) -> Result<ControlGroupHost, ControlGroupProblem> {
        let mounts = mountInfo ?? (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
        let membership = ownGroups ?? (try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8)) ?? ""
        let hierarchies = CGroupMounts(mountInfo: mounts, membership: membership)
        do {
            if let unified = hierarchies.unifiedWithControllers(["memory", "pids"]) {
                let group = unified.appendingPathComponent("bulwark")
                try CGroupFiles.makeGroup(group)
                try? CGroupFiles.enableControllers(["memory", "pids", "cpu"], in: group)
                return .success(ControlGroupHost(layout: .unified(group)))
            }
            guard let memory = hierarchies.v1Group(of: "memory"), let pids = hierarchies.v1Group(of: "pids") else {
                return .failure(
                    .noHierarchy("no cgroup v2 hierarchy with the memory and pids controllers, and no cgroup v1 memory and pids hierarchies"))
            }
            let groups = (memory.appendingPathComponent("bulwark"), pids.appendingPathComponent("bulwark"))
            try CGroupFiles.makeGroup(groups.0)
            try CGroupFiles.makeGroup(groups.1)
            let cpu = hierarchies.v1Group(of: "cpu").map { $0.appendingPathComponent("bulwark") }
            if let cpu { try? CGroupFiles.makeGroup(cpu) }
            return .success(ControlGroupHost(layout: .perController(memory: groups.0, pids: groups.1, cpu: cpu)))
        } catch {
            return .failure(.notWritable("cannot create Bulwark's control groups: \(error)"))
        }
    }

    /// Removes the environment groups named with `prefix` that a killed server left; a group that
    /// still has processes cannot be removed and stays.
    func removeEmptyGroups(prefix: String) {
        let roots: [URL]
        switch layout {
        case .unified(let root): roots = [root]
        case .perController(let memory, let pids, let cpu): roots = [memory, pids] + (cpu.map { [$0] } ?? [])
        }
        for root in roots {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
            for name in names where name.hasPrefix(prefix) {
                rmdir(root.appendingPathComponent(name).path)
            }
        }
    }

    /// Creates the groups of one environment with its limits.
    func makeGroup(named name: String, limits: ResourceLimits) throws -> ControlGroup {
        switch layout {
        case .unified(let root):
            let group = root.appendingPathComponent(name)
            try CGroupFiles.makeGroup(group)
            try CGroupFiles.write("\(limits.memoryBytes)", to: group, "memory.max")
            try? CGroupFiles.write("0", to: group, "memory.swap.max")
            try CGroupFiles.write("\(limits.maxProcesses)", to: group, "pids.max")
            try? CGroupFiles.write("\(limits.cpuWeight)", to: group, "cpu.weight")
            return ControlGroup(directories: [group], version: .v2)
        case .perController(let memoryRoot, let pidsRoot, let cpuRoot):
            let memory = memoryRoot.appendingPathComponent(name)
            let pids = pidsRoot.appendingPathComponent(name)
            try CGroupFiles.makeGroup(memory)
            try CGroupFiles.makeGroup(pids)
            try CGroupFiles.write("\(limits.memoryBytes)", to: memory, "memory.limit_in_bytes")
            try? CGroupFiles.write("\(limits.memoryBytes)", to: memory, "memory.memsw.limit_in_bytes")
            try? CGroupFiles.write("0", to: memory, "memory.swappiness")
            try CGroupFiles.write("\(limits.maxProcesses)", to: pids, "pids.max")
            var directories = [memory, pids]
            if let cpuRoot {
                let cpu = cpuRoot.appendingPathComponent(name)
                if (try? CGroupFiles.makeGroup(cpu)) != nil {
                    // v1 shares: 1024 is one default share; weight 100 is v2's default.
                    try? CGroupFiles.write("\(max(2, limits.cpuWeight * 1024 / 100))", to: cpu, "cpu.shares")
                    directories.append(cpu)
                }
            }
            return ControlGroup(directories: directories, version: .v1)
        }
    }
}

/// Why control groups cannot be used.
enum ControlGroupProblem: Error, Sendable, Equatable, CustomStringConvertible {
    case noHierarchy(String)
    case notWritable(String)

    var description: String {
        switch self {
        case .noHierarchy(let text), .notWritable(let text): text
        }
    }
}

/// The control groups of one environment.
struct ControlGroup: Sendable {
    enum Version: Sendable { case v1, v2 }

    /// One directory per hierarchy (v1) or the single unified one (v2); the memory group first.
    let directories: [URL]
    let version: Version

    /// Moves a process of the environment into every group.
    func add(pid: Int32) throws {
        for directory in directories {
            try CGroupFiles.write("\(pid)", to: directory, "cgroup.procs")
        }
    }

    /// The most memory the environment used, in bytes.
    func peakMemory() -> Int64? {
        let memory = directories[0]
        let file = version == .v2 ? "memory.peak" : "memory.max_usage_in_bytes"
        // A path string, not `URL.appendingPathComponent`, which asks the file system whether the
        // name is a directory.
        return CGroupFiles.readNumber(atPath: memory.path + "/" + file)
    }

    /// How many times the kernel's OOM killer acted in the environment.
    func oomKills() -> Int {
        let memory = directories[0]
        let text = CGroupFiles.read(memory, version == .v2 ? "memory.events" : "memory.oom_control") ?? ""
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, parts[0] == "oom_kill", let count = Int(parts[1]) { return count }
        }
        return 0
    }

    /// The processes still in the environment.
    func processes() -> [Int32] {
        Self.processes(in: directories[0])
    }

    private static func processes(in directory: URL) -> [Int32] {
        (CGroupFiles.read(directory, "cgroup.procs") ?? "").split(separator: "\n").compactMap { Int32($0) }
    }

    /// Removes the groups once their processes are gone. The kernel may take seconds to reap a
    /// thousand processes of a fork bomb; after a second, whatever is still in the groups (only the
    /// environment's own processes can be) is killed again. Gives up after `patience`.
    func remove(patience: Duration = .seconds(15)) async {
        let clock = ContinuousClock()
        let started = clock.now
        var remaining = directories.reversed().map { $0 }
        while true {
            remaining.removeAll { rmdir($0.path) == 0 || errno == ENOENT }
            let waited = clock.now - started
            if remaining.isEmpty || waited >= patience { return }
            if waited >= .seconds(1) {
                for directory in remaining {
                    for pid in Self.processes(in: directory) where pid > 1 { kill(pid, SIGKILL) }
                }
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }
}

/// Reading of `/proc/self/mountinfo` and `/proc/self/cgroup`: where each hierarchy is mounted and
/// which group of it the server is in.
struct CGroupMounts {
    private var v1: [String: URL] = [:]
    private var unified: URL?

    init(mountInfo: String, membership: String) {
        var v1Mounts: [String: URL] = [:]
        var unifiedMount: URL?
        for line in mountInfo.split(separator: "\n") {
            let halves = line.components(separatedBy: " - ")
            guard halves.count == 2 else { continue }
            let before = halves[0].split(separator: " ")
            let after = halves[1].split(separator: " ")
            guard before.count >= 5, after.count >= 3 else { continue }
            let mountPoint = URL(fileURLWithPath: String(before[4]))
            if after[0] == "cgroup2" {
                unifiedMount = mountPoint
            } else if after[0] == "cgroup" {
                for option in after[2].split(separator: ",") {
                    v1Mounts[String(option)] = mountPoint
                }
            }
        }
        for line in membership.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { continue }
            let path = String(parts[2])
            if parts[1].isEmpty {
                unified = unifiedMount.map { $0.appendingPathComponent(path) }
            } else {
                for controller in parts[1].split(separator: ",") {
                    if let mount = v1Mounts[String(controller)] {
                        v1[String(controller)] = mount.appendingPathComponent(path)
                    }
                }
            }
        }
    }

    /// The server's group in the unified hierarchy, if that hierarchy offers `controllers`.
    func unifiedWithControllers(_ controllers: [String]) -> URL? {
        guard let unified, let available = CGroupFiles.read(unified, "cgroup.controllers") else { return nil }
        let offered = Set(available.split(whereSeparator: \.isWhitespace).map(String.init))
        return controllers.allSatisfy(offered.contains) ? unified : nil
    }

    /// The server's group in the v1 hierarchy of `controller`.
    func v1Group(of controller: String) -> URL? { v1[controller] }
}

/// File access to control group directories.
enum CGroupFiles {
    static func makeGroup(_ directory: URL) throws {
        if mkdir(directory.path, 0o755) != 0 && errno != EEXIST {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
    }

    static func write(_ value: String, to directory: URL, _ file: String) throws {
        let path = directory.appendingPathComponent(file).path
        let descriptor = open(path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(descriptor) }
        let bytes = Array(value.utf8)
        guard Glibc.write(descriptor, bytes, bytes.count) == bytes.count else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
    }

    static func read(_ directory: URL, _ file: String) -> String? {
        try? String(contentsOfFile: directory.appendingPathComponent(file).path, encoding: .utf8)
    }

    /// A file holding one number (`memory.peak`), read with one `read` into a small buffer: every
    /// invocation's REPORT line asks for one, and Foundation's file reading costs several calls more.
    static func readNumber(atPath path: String) -> Int64? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        return withUnsafeMutableBytes(of: &buffer) { raw -> Int64? in
            let count = SwiftGlibc.read(descriptor, raw.baseAddress, raw.count)
            guard count > 0 else { return nil }
            var value: Int64 = 0
            var digits = 0
            for byte in raw[..<count] {
                if byte == 0x0A && digits > 0 { break }
                guard (0x30...0x39).contains(byte), digits < 18 else { return nil }
                value = value * 10 + Int64(byte - 0x30)
                digits += 1
            }
            return digits > 0 ? value : nil
        }
    }

    static func enableControllers(_ controllers: [String], in directory: URL) throws {
        try write(controllers.map { "+\($0)" }.joined(separator: " "), to: directory, "cgroup.subtree_control")
    }
}
