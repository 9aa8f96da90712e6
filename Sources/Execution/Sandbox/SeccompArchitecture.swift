/// A system-call ABI that a seccomp filter can be written for.
///
/// The filter's first instructions compare `seccomp_data.arch` with ``auditArch``: a process that enters the kernel
/// through any other ABI (i386 `int 0x80` on x86_64, AArch32 on arm64, x32) is killed, because its syscall numbers
/// mean different calls and the rest of the filter would check the wrong ones.
public enum SeccompArchitecture: String, Sendable, Hashable, CaseIterable {
    case x86_64
    case aarch64

    /// The `AUDIT_ARCH_*` value the kernel reports in `seccomp_data.arch` (linux/audit.h).
    public var auditArch: UInt32 {
        switch self {
        case .x86_64: 0xC000_003E  // EM_X86_64 | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE
        case .aarch64: 0xC000_00B7  // EM_AARCH64 | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE
        }
    }

    /// Syscall-number bits that select another ABI sharing this `auditArch`.
    ///
    /// x32 calls enter as `AUDIT_ARCH_X86_64` with `__X32_SYSCALL_BIT` set in the number; they are denied outright
    /// since the deny list is written in x86_64 numbers. arm64 has no such ABI.
    var foreignABIBits: UInt32? {
        switch self {
        case .x86_64: 0x4000_0000
        case .aarch64: nil
        }
    }

    /// The architecture this process runs on, or nil where Bulwark has no syscall table.
    public static var host: SeccompArchitecture? {
        #if arch(x86_64)
            .x86_64
        #elseif arch(arm64)
            .aarch64
        #else
            nil
        #endif
    }
}
