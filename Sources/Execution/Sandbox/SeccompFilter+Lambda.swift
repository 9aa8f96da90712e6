extension SeccompFilter {
    /// The policy of a Lambda execution environment (DESIGN §3): a deny list on top of allow-by-default, so that
    /// interpreters (CPython, Node.js, shells) and native code run unchanged while the calls that reach for the
    /// kernel's attack surface, other processes or the host fail.
    ///
    /// Modelled on Docker's default profile (moby `profiles/seccomp/default.json`) for an unprivileged container:
    /// the calls Docker grants only with CAP_SYS_ADMIN, CAP_SYS_MODULE, CAP_SYS_PTRACE, CAP_SYS_BOOT, CAP_SYS_TIME,
    /// CAP_SYS_NICE, CAP_SYS_RAWIO, CAP_SYSLOG and the like are denied, since the sandbox drops every capability.
    /// Denials answer EPERM, what the kernel itself answers without the capability, so software takes the fallback
    /// it already has. `vm86`/`vm86old` exist only in the i386 ABI, which the architecture check kills.
    public static func lambda(for architecture: SeccompArchitecture) -> SeccompFilter {
        SeccompFilter(architecture: architecture, rules: lambdaRules, defaultAction: .allow)
    }

    static let lambdaRules: [SeccompRule] = [
        // bwrap builds the file system view; nothing inside may change it or escape it.
        .deny(.mount), .deny(.umount2), .deny(.pivot_root), .deny(.chroot),
        .deny(.open_tree), .deny(.move_mount), .deny(.fsopen), .deny(.fsconfig), .deny(.fsmount), .deny(.fspick),
        .deny(.mount_setattr), .deny(.open_tree_attr),
        .deny(.quotactl), .deny(.quotactl_fd), .deny(.swapon), .deny(.swapoff),
        // File handles bypass path permissions (CVE-2014-3519 "shocker").
        .deny(.open_by_handle_at), .deny(.name_to_handle_at),
        .deny(.uselib), .deny(.ustat), .deny(.sysfs),

        // No new namespaces: the environment's are fixed, and user namespaces open kernel attack surface.
        .deny(.unshare), .deny(.setns),
        // CLONE_NEWNS | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET | NEWCGROUP; CLONE_NEWTIME (0x80) overlaps the
        // exit signal in clone's flags and is reachable only through clone3 and unshare, both denied.
        .deny(.clone, when: .argument(0, hasAnyBitOf: 0x7E02_0000)),
        // clone3 passes its flags in memory the filter cannot read; ENOSYS makes glibc fall back to clone.
        .deny(.clone3, with: .notImplemented),

        // Other processes' memory and descriptors.
        .deny(.ptrace), .deny(.process_vm_readv), .deny(.process_vm_writev), .deny(.kcmp), .deny(.pidfd_getfd),

        // The kernel's own machinery: programs, modules, keyrings, logs, tracing, raw I/O.
        .deny(.bpf), .deny(.perf_event_open), .deny(.userfaultfd), .deny(.fanotify_init),
        .deny(.kexec_load), .deny(.kexec_file_load), .deny(.init_module), .deny(.finit_module), .deny(.delete_module),
        .deny(.keyctl), .deny(.add_key), .deny(.request_key),
        .deny(.reboot), .deny(.acct), .deny(.syslog), .deny(.lookup_dcookie), .deny(._sysctl), .deny(.vhangup),
        .deny(.iopl), .deny(.ioperm),
        // io_uring runs work outside the filter's view (its operations are not system calls) and has been a
        // steady source of kernel bugs; runtimes that probe it (libuv) fall back to the thread pool.
        .deny(.io_uring_setup), .deny(.io_uring_enter), .deny(.io_uring_register),

        // NUMA placement and the system clock are the host's.
        .deny(.mbind), .deny(.set_mempolicy), .deny(.migrate_pages), .deny(.move_pages), .deny(.set_mempolicy_home_node),
        .deny(.clock_settime), .deny(.settimeofday), .deny(.adjtimex), .deny(.clock_adjtime),

        // Execution domains other than Linux's (and `0xffffffff`, the query) change address-space layout rules,
        // e.g. READ_IMPLIES_EXEC or ADDR_NO_RANDOMIZE.
        .deny(.personality, when: .argument(0, isNoneOf: [0x0, 0x8, 0x2_0000, 0x2_0008, 0xFFFF_FFFF])),

        // TIOCSTI pushes input into a terminal, TIOCLINUX drives the virtual console.
        .deny(.ioctl, when: .argument(1, isOneOf: [0x5412, 0x541C])),

        // Sockets: local, IPv4, IPv6 and route netlink (getifaddrs, getaddrinfo's address probe). Other families
        // (AF_PACKET, AF_VSOCK, AF_ALG, AF_TIPC, AF_RDS, …) are kernel surface a function has no use for, answered
        // as by a kernel built without them; other netlink protocols (audit, netfilter, uevents) likewise.
        .deny(.socket, with: .addressFamilyNotSupported, when: .argument(0, isNoneOf: [AF.unix, AF.inet, AF.inet6, AF.netlink])),
        .deny(.socket, with: .protocolNotSupported, when: .argument(0, isOneOf: [AF.netlink]), .argument(2, isNoneOf: [AF.netlinkRoute])),
    ]

    /// Linux socket constants (linux/socket.h, linux/netlink.h), identical on both architectures.
    private enum AF {
        static let unix: UInt32 = 1
        static let inet: UInt32 = 2
        static let inet6: UInt32 = 10
        static let netlink: UInt32 = 16
        static let netlinkRoute: UInt32 = 0
    }
}
