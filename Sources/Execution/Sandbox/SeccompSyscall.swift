/// A Linux system call and its number on each supported ABI.
///
/// Numbers come from the kernel's tables: `arch/x86/entry/syscalls/syscall_64.tbl` (as installed in
/// `asm/unistd_64.h`) for x86_64, and `include/uapi/asm-generic/unistd.h`, which arm64 uses, for aarch64. A nil
/// number means the ABI has no such call, and a rule about it is left out of that architecture's program.
public struct SeccompSyscall: Sendable, Hashable, CustomStringConvertible {
    /// The kernel's name for the call, as in `__NR_<name>`.
    public let name: String
    public let x86_64: UInt32?
    public let aarch64: UInt32?

    public init(_ name: String, x86_64: UInt32?, aarch64: UInt32?) {
        self.name = name
        self.x86_64 = x86_64
        self.aarch64 = aarch64
    }

    /// The call's number on `architecture`, nil where that ABI lacks it.
    public func number(on architecture: SeccompArchitecture) -> UInt32? {
        switch architecture {
        case .x86_64: x86_64
        case .aarch64: aarch64
        }
    }

    public var description: String { name }
}

// The calls Bulwark's policies name. Calls numbered since 4.20 (424 and up) share one number on every
// architecture; older ones differ.
extension SeccompSyscall {
    // Mounts and the root directory.
    public static let mount = SeccompSyscall("mount", x86_64: 165, aarch64: 40)
    public static let umount2 = SeccompSyscall("umount2", x86_64: 166, aarch64: 39)
    public static let pivot_root = SeccompSyscall("pivot_root", x86_64: 155, aarch64: 41)
    public static let chroot = SeccompSyscall("chroot", x86_64: 161, aarch64: 51)
    public static let open_tree = SeccompSyscall("open_tree", x86_64: 428, aarch64: 428)
    public static let move_mount = SeccompSyscall("move_mount", x86_64: 429, aarch64: 429)
    public static let fsopen = SeccompSyscall("fsopen", x86_64: 430, aarch64: 430)
    public static let fsconfig = SeccompSyscall("fsconfig", x86_64: 431, aarch64: 431)
    public static let fsmount = SeccompSyscall("fsmount", x86_64: 432, aarch64: 432)
    public static let fspick = SeccompSyscall("fspick", x86_64: 433, aarch64: 433)
    public static let mount_setattr = SeccompSyscall("mount_setattr", x86_64: 442, aarch64: 442)
    public static let open_tree_attr = SeccompSyscall("open_tree_attr", x86_64: 467, aarch64: 467)
    public static let quotactl = SeccompSyscall("quotactl", x86_64: 179, aarch64: 60)
    public static let quotactl_fd = SeccompSyscall("quotactl_fd", x86_64: 443, aarch64: 443)
    public static let swapon = SeccompSyscall("swapon", x86_64: 167, aarch64: 224)
    public static let swapoff = SeccompSyscall("swapoff", x86_64: 168, aarch64: 225)
    public static let open_by_handle_at = SeccompSyscall("open_by_handle_at", x86_64: 304, aarch64: 265)
    public static let name_to_handle_at = SeccompSyscall("name_to_handle_at", x86_64: 303, aarch64: 264)
    public static let uselib = SeccompSyscall("uselib", x86_64: 134, aarch64: nil)
    public static let ustat = SeccompSyscall("ustat", x86_64: 136, aarch64: nil)
    public static let sysfs = SeccompSyscall("sysfs", x86_64: 139, aarch64: nil)

    // Namespaces and process creation.
    public static let unshare = SeccompSyscall("unshare", x86_64: 272, aarch64: 97)
    public static let setns = SeccompSyscall("setns", x86_64: 308, aarch64: 268)
    public static let clone = SeccompSyscall("clone", x86_64: 56, aarch64: 220)
    public static let clone3 = SeccompSyscall("clone3", x86_64: 435, aarch64: 435)

    // Other processes' memory and descriptors.
    public static let ptrace = SeccompSyscall("ptrace", x86_64: 101, aarch64: 117)
    public static let process_vm_readv = SeccompSyscall("process_vm_readv", x86_64: 310, aarch64: 270)
    public static let process_vm_writev = SeccompSyscall("process_vm_writev", x86_64: 311, aarch64: 271)
    public static let kcmp = SeccompSyscall("kcmp", x86_64: 312, aarch64: 272)
    public static let pidfd_getfd = SeccompSyscall("pidfd_getfd", x86_64: 438, aarch64: 438)

    // The kernel itself: programs, modules, keys, logs, tracing.
    public static let bpf = SeccompSyscall("bpf", x86_64: 321, aarch64: 280)
    public static let perf_event_open = SeccompSyscall("perf_event_open", x86_64: 298, aarch64: 241)
    public static let kexec_load = SeccompSyscall("kexec_load", x86_64: 246, aarch64: 104)
    public static let kexec_file_load = SeccompSyscall("kexec_file_load", x86_64: 320, aarch64: 294)
    public static let init_module = SeccompSyscall("init_module", x86_64: 175, aarch64: 105)
    public static let finit_module = SeccompSyscall("finit_module", x86_64: 313, aarch64: 273)
    public static let delete_module = SeccompSyscall("delete_module", x86_64: 176, aarch64: 106)
    public static let keyctl = SeccompSyscall("keyctl", x86_64: 250, aarch64: 219)
    public static let add_key = SeccompSyscall("add_key", x86_64: 248, aarch64: 217)
    public static let request_key = SeccompSyscall("request_key", x86_64: 249, aarch64: 218)
    public static let reboot = SeccompSyscall("reboot", x86_64: 169, aarch64: 142)
    public static let acct = SeccompSyscall("acct", x86_64: 163, aarch64: 89)
    public static let syslog = SeccompSyscall("syslog", x86_64: 103, aarch64: 116)
    public static let lookup_dcookie = SeccompSyscall("lookup_dcookie", x86_64: 212, aarch64: 18)
    public static let fanotify_init = SeccompSyscall("fanotify_init", x86_64: 300, aarch64: 262)
    public static let userfaultfd = SeccompSyscall("userfaultfd", x86_64: 323, aarch64: 282)
    public static let io_uring_setup = SeccompSyscall("io_uring_setup", x86_64: 425, aarch64: 425)
    public static let io_uring_enter = SeccompSyscall("io_uring_enter", x86_64: 426, aarch64: 426)
    public static let io_uring_register = SeccompSyscall("io_uring_register", x86_64: 427, aarch64: 427)
    public static let _sysctl = SeccompSyscall("_sysctl", x86_64: 156, aarch64: nil)
    public static let vhangup = SeccompSyscall("vhangup", x86_64: 153, aarch64: 58)
    public static let iopl = SeccompSyscall("iopl", x86_64: 172, aarch64: nil)
    public static let ioperm = SeccompSyscall("ioperm", x86_64: 173, aarch64: nil)

    // Memory placement across NUMA nodes.
    public static let mbind = SeccompSyscall("mbind", x86_64: 237, aarch64: 235)
    public static let set_mempolicy = SeccompSyscall("set_mempolicy", x86_64: 238, aarch64: 237)
    public static let migrate_pages = SeccompSyscall("migrate_pages", x86_64: 256, aarch64: 238)
    public static let move_pages = SeccompSyscall("move_pages", x86_64: 279, aarch64: 239)
    public static let set_mempolicy_home_node = SeccompSyscall("set_mempolicy_home_node", x86_64: 450, aarch64: 450)

    // The system clock.
    public static let clock_settime = SeccompSyscall("clock_settime", x86_64: 227, aarch64: 112)
    public static let settimeofday = SeccompSyscall("settimeofday", x86_64: 164, aarch64: 170)
    public static let adjtimex = SeccompSyscall("adjtimex", x86_64: 159, aarch64: 171)
    public static let clock_adjtime = SeccompSyscall("clock_adjtime", x86_64: 305, aarch64: 266)

    // Calls allowed with some arguments only.
    public static let personality = SeccompSyscall("personality", x86_64: 135, aarch64: 92)
    public static let ioctl = SeccompSyscall("ioctl", x86_64: 16, aarch64: 29)
    public static let socket = SeccompSyscall("socket", x86_64: 41, aarch64: 198)
}
