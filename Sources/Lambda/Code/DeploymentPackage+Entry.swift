extension DeploymentPackage {
    /// One file, directory or symbolic link of a deployment package, as it will be unpacked.
    public struct Entry: Sendable, Hashable {
        /// What an entry is.
        public enum Kind: Sendable, Hashable {
            case file
            case directory
            case symbolicLink(target: String)
        }

        /// The path inside the package: relative, `/`-separated, without a trailing `/`.
        public var path: String
        public var kind: Kind
        /// The unzipped size in bytes, as measured by inflating the entry (a link's target length).
        public var size: Int
        /// The permission bits the entry is unpacked with: the archive's, never setuid, setgid,
        /// sticky or writable by group and others, so files are at most `0o755` (executable) or
        /// `0o644`. Directories always keep `0o700`; links report `0o777`, as Linux does.
        public var mode: UInt32

        public init(path: String, kind: Kind, size: Int, mode: UInt32) {
            self.path = path
            self.kind = kind
            self.size = size
            self.mode = mode
        }

        /// Whether the entry is a file with an execute bit (a `bootstrap`, for instance).
        public var isExecutable: Bool { kind == .file && mode & 0o111 != 0 }
    }
}
