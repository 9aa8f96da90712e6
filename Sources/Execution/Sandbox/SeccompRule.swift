/// One entry of a seccomp policy: a system call, the argument conditions under which the entry applies, and the
/// action taken then.
public struct SeccompRule: Sendable, Hashable {
    /// The call the rule is about.
    public var syscall: SeccompSyscall
    /// All must hold for the rule to apply; none means the rule applies to every call.
    public var conditions: [SeccompCondition]
    /// The verdict when the rule applies.
    public var action: SeccompAction

    public init(_ syscall: SeccompSyscall, conditions: [SeccompCondition] = [], action: SeccompAction) {
        self.syscall = syscall
        self.conditions = conditions
        self.action = action
    }

    /// Fails `syscall` with `action` (EPERM unless told), whenever every condition holds.
    public static func deny(
        _ syscall: SeccompSyscall, with action: SeccompAction = .operationNotPermitted, when conditions: SeccompCondition...
    ) -> SeccompRule {
        SeccompRule(syscall, conditions: conditions, action: action)
    }
}
