/// What a sandbox is made of: the file system it sees, its environment, its command and limits.
struct SandboxSpec: Sendable {
    /// One element of the sandbox's file system, applied in order.
    enum Mount: Sendable, Equatable {
        case readOnly(host: String, at: String)
        case readWrite(host: String, at: String)
        /// A tmpfs, optionally limited in size.
        case tmpfs(at: String, sizeBytes: Int64?)
        case symlink(target: String, at: String)
        case directory(String)
        case proc
        case dev
    }

    var mounts: [Mount]
    var environment: [String: String]
    var workingDirectory: String
    /// The command run inside, first the executable's path inside the sandbox.
    var command: [String]
    /// The user and group the command runs as inside the sandbox.
    var uid: UInt32 = 993
    var gid: UInt32 = 993
    var hostname: String = "localhost"
    /// The host uid the sandbox's user maps to, when the server can choose one (it runs as root).
    var hostUID: UInt32?

    /// bubblewrap's arguments for this sandbox (without the descriptors it is given).
    func bubblewrapArguments() -> [String] {
        var arguments = [
            "--unshare-all", "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
            "--uid", String(uid), "--gid", String(gid), "--hostname", hostname, "--clearenv",
        ]
        for mount in mounts {
            switch mount {
            case .readOnly(let host, let at): arguments += ["--ro-bind", host, at]
            case .readWrite(let host, let at): arguments += ["--bind", host, at]
            case .tmpfs(let at, let size):
                if let size { arguments += ["--size", String(size)] }
                arguments += ["--tmpfs", at]
            case .symlink(let target, let at): arguments += ["--symlink", target, at]
            case .directory(let path): arguments += ["--dir", path]
            case .proc: arguments += ["--proc", "/proc"]
            case .dev: arguments += ["--dev", "/dev"]
            }
        }
        // The root is bubblewrap's own tmpfs: once the binds are in place it becomes read-only, so
        // that /tmp is the only place a function can write, as on Lambda.
        arguments += ["--remount-ro", "/"]
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) {
            arguments += ["--setenv", name, value]
        }
        arguments += ["--chdir", workingDirectory, "--"]
        return arguments + command
    }
}
