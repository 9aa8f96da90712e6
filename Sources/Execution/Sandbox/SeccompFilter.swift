import BulwarkCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A seccomp policy for one architecture, and the classic BPF program that enforces it (what bwrap's
/// `--seccomp FD` loads).
///
/// The program first kills any process that enters the kernel through another ABI, then applies ``rules``:
/// the first rule whose system call and conditions match decides, and calls that no rule matches get
/// ``defaultAction``. A system call with an unconditional rule may have no other rule, so that order never hides one.
///
/// Layout, chosen so that every conditional jump stays within its 255-instruction reach and so that the kernel's
/// action cache (Linux 5.11+) can prove every call without argument rules constant-allowed and skip the filter
/// for it:
///
///     ld arch; jeq AUDIT_ARCH → +1; ret KILL_PROCESS
///     ld nr; [x86_64: jset X32_BIT and jeq -1 else → ret KILL_PROCESS]
///     per rule with conditions:  [ld nr]; jeq nr else → skip; ld arg; test … else → skip; ret action; skip:
///     per 64 unconditional rules: jeq nr → ret action …; ja end; ret action …; end:
///     ret default
public struct SeccompFilter: Sendable, Hashable {
    /// The ABI whose syscall numbers the program checks; any other is killed.
    public var architecture: SeccompArchitecture
    /// Rules naming calls absent from ``architecture`` are left out.
    public var rules: [SeccompRule]
    /// The verdict for calls no rule matches.
    public var defaultAction: SeccompAction

    public init(architecture: SeccompArchitecture, rules: [SeccompRule], defaultAction: SeccompAction = .allow) {
        self.architecture = architecture
        self.rules = rules
        self.defaultAction = defaultAction
    }

    /// Offsets in `struct seccomp_data` (linux/seccomp.h).
    enum DataOffset {
        static let number: UInt32 = 0
        static let arch: UInt32 = 4

        /// The low half of argument `index`: both supported ABIs are little-endian.
        static func argumentLowWord(_ index: Int) -> UInt32 { 16 + 8 * UInt32(index) }
    }

    /// Unconditional rules per run of comparisons, so that each reaches its shared return within 255 instructions.
    static let comparisonsPerRun = 64

    /// The program, one instruction per element.
    public func instructions() throws -> [SeccompInstruction] {
        let applicable = try applicableRules()
        var assembler = SeccompAssembler()
        emitABICheck(into: &assembler)
        // The ABI check leaves nr in the accumulator; an argument test replaces it.
        var accumulatorHoldsNumber = true
        for (number, rule) in applicable where !rule.conditions.isEmpty {
            if !accumulatorHoldsNumber { assembler.loadWord(at: DataOffset.number) }
            emit(rule, number: number, into: &assembler)
            accumulatorHoldsNumber = false
        }
        let unconditional = applicable.filter { $0.rule.conditions.isEmpty }
        if !unconditional.isEmpty, !accumulatorHoldsNumber { assembler.loadWord(at: DataOffset.number) }
        emitRuns(of: unconditional, into: &assembler)
        return try assembler.assemble()
    }

    /// The program as bwrap reads it from `--seccomp FD`: the instructions back to back, 8 bytes each.
    public func bytes() throws -> [UInt8] {
        try instructions().flatMap(\.bytes)
    }

    /// Writes the program to `fd`, for example the write end of the pipe whose read end bwrap gets as
    /// `--seccomp FD`. bwrap reads until end of file, so the caller closes `fd` afterwards. A program (at most
    /// 32 KiB) fits in an empty pipe's 64 KiB buffer, so writing before bwrap starts does not block.
    public func write(to fd: Int32) throws {
        let program = try bytes()
        var written = 0
        while written < program.count {
            let result = program.withUnsafeBytes { buffer in
                writeBytes(fd, buffer.baseAddress! + written, buffer.count - written)
            }
            if result < 0 {
                let code = errno
                if code == EINTR { continue }
                throw AWSError.seccompFilter("writing it to descriptor \(fd) failed with errno \(code)")
            }
            written += result
        }
    }

    /// Kills a foreign ABI and leaves nr in the accumulator.
    private func emitABICheck(into assembler: inout SeccompAssembler) {
        assembler.loadWord(at: DataOffset.arch)
        let nativeABI = assembler.makeLabel()
        assembler.jump(if: .equal, architecture.auditArch, then: .label(nativeABI), else: .next)
        assembler.ret(.killProcess)
        assembler.bind(nativeABI)
        assembler.loadWord(at: DataOffset.number)
        if let foreignBits = architecture.foreignABIBits {
            // -1 is no call at all (it answers ENOSYS); tracers write it to skip one, so it is not a foreign ABI.
            let nativeNumber = assembler.makeLabel()
            assembler.jump(if: .anyBitSet, foreignBits, then: .next, else: .label(nativeNumber))
            assembler.jump(if: .equal, UInt32.max, then: .label(nativeNumber), else: .next)
            assembler.ret(.killProcess)
            assembler.bind(nativeNumber)
        }
    }

    /// `jeq nr → ret action` for each rule, in runs that each end with their own returns (one per action), then
    /// the default. The caller loads nr.
    private func emitRuns(of rules: [(number: UInt32, rule: SeccompRule)], into assembler: inout SeccompAssembler) {
        for start in stride(from: 0, to: rules.count, by: Self.comparisonsPerRun) {
            let run = rules[start..<min(start + Self.comparisonsPerRun, rules.count)]
            var returns: [(action: SeccompAction, label: SeccompAssembler.Label)] = []
            for (number, rule) in run {
                let label: SeccompAssembler.Label
                if let shared = returns.first(where: { $0.action == rule.action }) {
                    label = shared.label
                } else {
                    label = assembler.makeLabel()
                    returns.append((rule.action, label))
                }
                assembler.jump(if: .equal, number, then: .label(label), else: .next)
            }
            // The last run falls through to the default; earlier ones jump over their returns to the next run.
            let next = assembler.makeLabel()
            let isLastRun = run.endIndex == rules.endIndex
            if isLastRun { assembler.ret(defaultAction) } else { assembler.jump(to: next) }
            for (action, label) in returns {
                assembler.bind(label)
                assembler.ret(action)
            }
            if !isLastRun { assembler.bind(next) }
        }
        if rules.isEmpty { assembler.ret(defaultAction) }
    }

    /// The rules that exist on this architecture, with their numbers, after checking the policy is well formed.
    private func applicableRules() throws -> [(number: UInt32, rule: SeccompRule)] {
        var unconditional: Set<UInt32> = []
        var conditional: Set<UInt32> = []
        var applicable: [(number: UInt32, rule: SeccompRule)] = []
        for rule in rules {
            guard let number = rule.syscall.number(on: architecture) else { continue }
            for condition in rule.conditions {
                guard (0..<6).contains(condition.argument) else {
                    throw AWSError.seccompFilter("the rule for \(rule.syscall) tests argument \(condition.argument); there are 6")
                }
                if case .oneOf(let values) = condition.test, values.isEmpty {
                    throw AWSError.seccompFilter("the rule for \(rule.syscall) compares an argument with an empty list")
                }
                if case .noneOf(let values) = condition.test, values.isEmpty {
                    throw AWSError.seccompFilter("the rule for \(rule.syscall) compares an argument with an empty list")
                }
            }
            let isUnconditional = rule.conditions.isEmpty
            if unconditional.contains(number) || (isUnconditional && conditional.contains(number)) {
                throw AWSError.seccompFilter("\(rule.syscall) has an unconditional rule and another rule")
            }
            if isUnconditional { unconditional.insert(number) } else { conditional.insert(number) }
            applicable.append((number, rule))
        }
        return applicable
    }

    /// `[ld nr]; jeq nr else skip; (ld arg; test else skip)…; ret action; skip:` — the caller loads nr.
    private func emit(_ rule: SeccompRule, number: UInt32, into assembler: inout SeccompAssembler) {
        let skip = assembler.makeLabel()
        assembler.jump(if: .equal, number, then: .next, else: .label(skip))
        for condition in rule.conditions {
            assembler.loadWord(at: DataOffset.argumentLowWord(condition.argument))
            switch condition.test {
            case .oneOf(let values):
                let holds = assembler.makeLabel()
                for (index, value) in values.enumerated() {
                    let isLast = index == values.count - 1
                    assembler.jump(if: .equal, value, then: .label(holds), else: isLast ? .label(skip) : .next)
                }
                assembler.bind(holds)
            case .noneOf(let values):
                for value in values {
                    assembler.jump(if: .equal, value, then: .label(skip), else: .next)
                }
            case .anyBitOf(let mask):
                assembler.jump(if: .anyBitSet, mask, then: .next, else: .label(skip))
            }
        }
        assembler.ret(rule.action)
        assembler.bind(skip)
    }
}

/// write(2), out of reach of ``SeccompFilter/write(to:)``'s name.
private func writeBytes(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, bytes, count)
}

extension AWSError {
    /// The sandbox cannot be set up because its seccomp program does not compile or cannot be handed over; an
    /// internal fault.
    static func seccompFilter(_ reason: String) -> AWSError {
        AWSError(code: "ServiceException", message: "The sandbox's seccomp filter cannot be set up: \(reason).", status: 500)
    }
}
