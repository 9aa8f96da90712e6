/// What the kernel does with a system call that a seccomp filter matched.
public enum SeccompAction: Sendable, Hashable {
    /// Run the call.
    case allow
    /// Fail the call with this errno, without running it.
    case errno(UInt16)
    /// Kill the whole process (thread group) with SIGSYS, Linux 4.14+; used for calls through a foreign ABI.
    case killProcess

    /// EPERM: what the call would answer for lack of privilege, so callers take their usual fallback.
    public static let operationNotPermitted = SeccompAction.errno(1)
    /// ENOSYS: what an older kernel answers; glibc then falls back from `clone3` to `clone`.
    public static let notImplemented = SeccompAction.errno(38)
    /// EPROTONOSUPPORT
    public static let protocolNotSupported = SeccompAction.errno(93)
    /// EAFNOSUPPORT: what a kernel built without the address family answers.
    public static let addressFamilyNotSupported = SeccompAction.errno(97)

    /// The `SECCOMP_RET_*` value a `BPF_RET` instruction returns (linux/seccomp.h).
    var returnValue: UInt32 {
        switch self {
        case .allow: 0x7FFF_0000  // SECCOMP_RET_ALLOW
        case .errno(let code): 0x0005_0000 | UInt32(code)  // SECCOMP_RET_ERRNO | errno
        case .killProcess: 0x8000_0000  // SECCOMP_RET_KILL_PROCESS
        }
    }
}
