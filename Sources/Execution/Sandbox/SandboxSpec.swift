import Foundation

/// What a sandbox is made of: the file system it sees, its environment, its command and limits.
struct SandboxSpec: Sendable {
    /// One element of the sandbox's file system, applied in order.
    enum Mount: Sendable, Equatable {
        case readOnly(host: String, at: String)
        case readWrite(host: String, at: String)
        /// A tmpfs, optionally limited in size, with the mode of its root (bubblewrap's 0755 when nil).
        case tmpfs(at: String, sizeBytes: Int64?, mode: mode_t? = nil)
        /// An empty directory of the sandbox's own root, with its mode.
        case directory(String, mode: mode_t)
        /// Makes an earlier mount point read-only (a tmpfs hiding a directory of a read-only bind).
        case remountReadOnly(String)
        case symlink(target: String, at: String)
        case proc
        case dev
    }

    var mounts: [Mount]
    /// The variables of the command, credentials included: never put on a command line (see
    /// ``environmentArguments()``).
    var environment: [String: String]
    var workingDirectory: String
    /// The command run inside, first the executable's path inside the sandbox.
    var command: [String]
    /// The user and group the command runs as inside the sandbox: Lambda's `sbx_user1051` (993) and its
    /// group 990, which has no name.
    var uid: UInt32 = 993
    var gid: UInt32 = 990
    var hostname: String = "localhost"
    /// The host uid the sandbox's user maps to, when the server can choose one (it runs as root).
    var hostUID: UInt32?
    /// The supplementary host groups of that user: what lets it read the staged files it mounts.
    var hostGroups: [UInt32] = []
    /// How many listening sockets the command (`bulwark-init --listen … --handoff-fd 8`) hands over
    /// before the runtime starts.
    var handedOffListeners = 0

    /// bubblewrap's arguments for this sandbox (without the descriptors it is given).
    ///
    /// - Parameter environmentDescriptor: where bubblewrap reads ``environmentArguments()`` from
    ///   (`--args`). Every local user can read a process's command line in `/proc/<pid>/cmdline`,
    ///   so no variable's value is ever part of it.
    func bubblewrapArguments(environmentDescriptor: Int32) -> [String] {
        var arguments = [
            "--unshare-all", "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
            "--uid", String(uid), "--gid", String(gid), "--hostname", hostname, "--clearenv",
        ]
        for mount in mounts {
            switch mount {
            case .readOnly(let host, let at): arguments += ["--ro-bind", host, at]
            case .readWrite(let host, let at): arguments += ["--bind", host, at]
            case .tmpfs(let at, let size, let mode):
                if let size { arguments += ["--size", String(size)] }
                if let mode { arguments += ["--perms", String(mode, radix: 8)] }
                arguments += ["--tmpfs", at]
            case .symlink(let target, let at): arguments += ["--symlink", target, at]
            case .directory(let path, let mode): arguments += ["--perms", String(mode, radix: 8), "--dir", path]
            case .remountReadOnly(let path): arguments += ["--remount-ro", path]
            case .proc: arguments += ["--proc", "/proc"]
            case .dev: arguments += ["--dev", "/dev"]
            }
        }
        // The root is bubblewrap's own tmpfs: once the binds are in place it becomes read-only, so
        // that /tmp is the only place a function can write, as on Lambda.
        arguments += ["--remount-ro", "/"]
        // The variables, credentials included, are read from a descriptor, never from this list.
        arguments += ["--args", String(environmentDescriptor)]
        arguments += ["--chdir", workingDirectory, "--"]
        return arguments + command
    }

    /// `--setenv NAME VALUE` for every variable, each argument ended by a NUL byte, as bubblewrap
    /// reads them from `--args`.
    ///
    /// - Throws: `SandboxError.launchFailed` for a name that is empty or holds `=`, or a name or
    ///   value holding a NUL byte: in this encoding a NUL would end the value early and make the
    ///   rest bubblewrap options.
    func environmentArguments() throws -> [UInt8] {
        var encoded: [UInt8] = []
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) {
            guard !name.isEmpty, !name.utf8.contains(0), !name.contains("="), !value.utf8.contains(0) else {
                let shown = name.split(separator: "\0", omittingEmptySubsequences: false).joined(separator: "\\0")
                throw SandboxError.launchFailed("the environment variable \"\(shown)\" has an empty name, a name with '=' or a NUL byte")
            }
            for argument in ["--setenv", name, value] {
                encoded += argument.utf8
                encoded.append(0)
            }
        }
        return encoded
    }
}
