import Testing

@testable import Execution

/// A classic BPF interpreter for the instructions a seccomp program may use, written from the kernel's
/// semantics (net/core/filter.c, kernel/seccomp.c), to check what a generated program decides for given
/// `seccomp_data` without loading it.
struct ClassicBPFInterpreter {
    struct Data {
        var number: UInt32
        var arch: UInt32
        var arguments: [UInt64] = []

        /// The 32-bit word at `offset` of `struct seccomp_data`, little-endian.
        func word(at offset: UInt32) -> UInt32? {
            switch offset {
            case 0: return number
            case 4: return arch
            case 8, 12: return 0  // instruction_pointer
            case 16..<64 where offset % 4 == 0:
                let index = Int(offset - 16) / 8
                let argument = index < arguments.count ? arguments[index] : 0
                return offset % 8 == 0 ? UInt32(truncatingIfNeeded: argument) : UInt32(truncatingIfNeeded: argument >> 32)
            default: return nil
            }
        }
    }

    struct Outcome {
        /// The `SECCOMP_RET_*` value returned.
        var verdict: UInt32
        /// Whether only `nr` and `arch` were read: the kernel's action cache then treats an ALLOW as constant.
        var readOnlyNumberAndArch: Bool
    }

    enum Failure: Error, Equatable {
        case badLoad(pc: Int, offset: UInt32)
        case unknownOpcode(pc: Int, code: UInt16)
        case ranOffEnd
    }

    let program: [SeccompInstruction]

    func run(_ data: Data) throws -> Outcome {
        var accumulator: UInt32 = 0
        var constantOnly = true
        var pc = 0
        while pc < program.count {
            let instruction = program[pc]
            switch instruction.code {
            case SeccompInstruction.Opcode.loadWord:
                guard let word = data.word(at: instruction.k) else { throw Failure.badLoad(pc: pc, offset: instruction.k) }
                if instruction.k > 4 { constantOnly = false }
                accumulator = word
                pc += 1
            case SeccompInstruction.Opcode.jump:
                pc += 1 + Int(instruction.k)
            case SeccompInstruction.Opcode.jumpIfEqual, SeccompInstruction.Opcode.jumpIfAnyBitSet, 0x25, 0x35:
                let holds: Bool
                switch instruction.code {
                case SeccompInstruction.Opcode.jumpIfEqual: holds = accumulator == instruction.k
                case SeccompInstruction.Opcode.jumpIfAnyBitSet: holds = accumulator & instruction.k != 0
                case 0x25: holds = accumulator > instruction.k
                default: holds = accumulator >= instruction.k
                }
                pc += 1 + Int(holds ? instruction.jt : instruction.jf)
            case SeccompInstruction.Opcode.returnConstant:
                return Outcome(verdict: instruction.k, readOnlyNumberAndArch: constantOnly)
            default:
                throw Failure.unknownOpcode(pc: pc, code: instruction.code)
            }
        }
        throw Failure.ranOffEnd
    }
}

@Suite("Seccomp policy decisions, by emulation")
struct SeccompEmulationTests {
    static let allow: UInt32 = 0x7FFF_0000
    static let kill: UInt32 = 0x8000_0000
    static let eperm: UInt32 = 0x0005_0001
    static let enosys: UInt32 = 0x0005_0026
    static let eafnosupport: UInt32 = 0x0005_0061
    static let eprotonosupport: UInt32 = 0x0005_005D

    struct Case: CustomTestStringConvertible, Sendable {
        var syscall: SeccompSyscall
        var arguments: [UInt64] = []
        var verdict: UInt32
        var testDescription: String { "\(syscall.name)(\(arguments.map { "0x" + String($0, radix: 16) }.joined(separator: ", ")))" }
    }

    static let cases: [Case] = [
        Case(syscall: .mount, verdict: eperm),
        Case(syscall: .unshare, arguments: [0x1000_0000], verdict: eperm),
        Case(syscall: .ptrace, verdict: eperm),
        Case(syscall: .bpf, verdict: eperm),
        Case(syscall: .keyctl, verdict: eperm),
        Case(syscall: .perf_event_open, verdict: eperm),
        Case(syscall: .io_uring_setup, verdict: eperm),
        Case(syscall: .clone3, verdict: enosys),
        // glibc's fork and pthread_create flags.
        Case(syscall: .clone, arguments: [0x0120_0011], verdict: allow),
        Case(syscall: .clone, arguments: [0x003D_0F00], verdict: allow),
        Case(syscall: .clone, arguments: [0x1000_0011], verdict: eperm),  // CLONE_NEWUSER
        Case(syscall: .clone, arguments: [0x0002_0000], verdict: eperm),  // CLONE_NEWNS
        Case(syscall: .clone, arguments: [0x4000_0000], verdict: eperm),  // CLONE_NEWNET
        Case(syscall: .clone, arguments: [0x0200_0000], verdict: eperm),  // CLONE_NEWCGROUP
        Case(syscall: .clone, arguments: [0xFFFF_FFFF_0000_0011], verdict: allow),  // high half dropped by the kernel
        Case(syscall: .personality, arguments: [0xFFFF_FFFF], verdict: allow),
        Case(syscall: .personality, arguments: [0x0], verdict: allow),
        Case(syscall: .personality, arguments: [0x8], verdict: allow),
        Case(syscall: .personality, arguments: [0x2_0000], verdict: allow),
        Case(syscall: .personality, arguments: [0x2_0008], verdict: allow),
        Case(syscall: .personality, arguments: [0x40_0000], verdict: eperm),  // READ_IMPLIES_EXEC
        Case(syscall: .personality, arguments: [0x4_0000], verdict: eperm),  // ADDR_NO_RANDOMIZE
        Case(syscall: .ioctl, arguments: [0, 0x5412], verdict: eperm),  // TIOCSTI
        Case(syscall: .ioctl, arguments: [0, 0x541C], verdict: eperm),  // TIOCLINUX
        Case(syscall: .ioctl, arguments: [0, 0x5401], verdict: allow),  // TCGETS
        Case(syscall: .ioctl, arguments: [0x5412, 0x5401], verdict: allow),  // only the request is tested
        Case(syscall: .socket, arguments: [1, 1, 0], verdict: allow),
        Case(syscall: .socket, arguments: [2, 1, 0], verdict: allow),
        Case(syscall: .socket, arguments: [10, 2, 0], verdict: allow),
        Case(syscall: .socket, arguments: [16, 3, 0], verdict: allow),
        Case(syscall: .socket, arguments: [16, 3, 9], verdict: eprotonosupport),  // NETLINK_AUDIT
        Case(syscall: .socket, arguments: [17, 3, 0], verdict: eafnosupport),  // AF_PACKET
        Case(syscall: .socket, arguments: [40, 1, 0], verdict: eafnosupport),  // AF_VSOCK
        Case(syscall: .socket, arguments: [38, 5, 0], verdict: eafnosupport),  // AF_ALG
        Case(syscall: .socket, arguments: [2, 3, 9], verdict: allow),  // protocol matters for netlink only
    ]

    @Test("The Lambda policy decides as specified", arguments: SeccompArchitecture.allCases, cases)
    func lambdaPolicy(architecture: SeccompArchitecture, testCase: Case) throws {
        let interpreter = ClassicBPFInterpreter(program: try SeccompFilter.lambda(for: architecture).instructions())
        let number = try #require(testCase.syscall.number(on: architecture))
        let outcome = try interpreter.run(.init(number: number, arch: architecture.auditArch, arguments: testCase.arguments))
        #expect(outcome.verdict == testCase.verdict)
    }

    @Test("Every rule of the Lambda policy is enforced on each architecture where the call exists", arguments: SeccompArchitecture.allCases)
    func everyUnconditionalRule(architecture: SeccompArchitecture) throws {
        let filter = SeccompFilter.lambda(for: architecture)
        let interpreter = ClassicBPFInterpreter(program: try filter.instructions())
        var checked = 0
        for rule in filter.rules where rule.conditions.isEmpty {
            guard let number = rule.syscall.number(on: architecture) else { continue }
            let outcome = try interpreter.run(.init(number: number, arch: architecture.auditArch))
            #expect(outcome.verdict == rule.action.returnValue, "\(rule.syscall)")
            #expect(outcome.readOnlyNumberAndArch, "\(rule.syscall)")
            checked += 1
        }
        #expect(checked >= 55)
    }

    @Test("Calls the policy names nowhere are allowed, as constants the kernel can cache", arguments: SeccompArchitecture.allCases)
    func everythingElseIsConstantAllow(architecture: SeccompArchitecture) throws {
        let filter = SeccompFilter.lambda(for: architecture)
        let interpreter = ClassicBPFInterpreter(program: try filter.instructions())
        let named = Set(filter.rules.compactMap { $0.syscall.number(on: architecture) })
        let conditional = Set(filter.rules.filter { !$0.conditions.isEmpty }.compactMap { $0.syscall.number(on: architecture) })
        for number in UInt32(0)..<600 where !named.contains(number) {
            let outcome = try interpreter.run(.init(number: number, arch: architecture.auditArch, arguments: [1, 2, 3, 4, 5, 6]))
            #expect(outcome.verdict == Self.allow, "syscall \(number)")
            #expect(outcome.readOnlyNumberAndArch, "syscall \(number)")
        }
        for number in conditional {
            let outcome = try interpreter.run(.init(number: number, arch: architecture.auditArch, arguments: [0, 0, 0]))
            #expect(!outcome.readOnlyNumberAndArch, "syscall \(number) has argument rules")
        }
    }

    @Test(
        "A foreign ABI is killed before any rule",
        arguments: [
            (SeccompArchitecture.x86_64, UInt32(0x4000_0003), UInt32(39)),  // i386 getpid through int 0x80
            (SeccompArchitecture.x86_64, UInt32(0xC000_003E), UInt32(0x4000_0027)),  // x32 getpid
            (SeccompArchitecture.x86_64, UInt32(0xC000_003E), UInt32(0x4000_0000)),
            (SeccompArchitecture.aarch64, UInt32(0x4000_0028), UInt32(20)),  // AArch32 (AUDIT_ARCH_ARM) getpid
            (SeccompArchitecture.aarch64, UInt32(0xC000_003E), UInt32(172)),  // x86_64 numbers on arm64
        ])
    func foreignABI(architecture: SeccompArchitecture, arch: UInt32, number: UInt32) throws {
        let interpreter = ClassicBPFInterpreter(program: try SeccompFilter.lambda(for: architecture).instructions())
        #expect(try interpreter.run(.init(number: number, arch: arch)).verdict == Self.kill)
    }

    @Test(
        "The native ABI's getpid, read and the no-call -1 are allowed",
        arguments: [
            (SeccompArchitecture.x86_64, UInt32(39)), (SeccompArchitecture.x86_64, UInt32(0)),
            (SeccompArchitecture.aarch64, UInt32(172)), (SeccompArchitecture.aarch64, UInt32(63)),
            (SeccompArchitecture.x86_64, UInt32.max), (SeccompArchitecture.aarch64, UInt32.max),  // -1: no call, ENOSYS
        ])
    func nativeABI(architecture: SeccompArchitecture, number: UInt32) throws {
        let interpreter = ClassicBPFInterpreter(program: try SeccompFilter.lambda(for: architecture).instructions())
        #expect(try interpreter.run(.init(number: number, arch: architecture.auditArch)).verdict == Self.allow)
    }

    @Test("Several rules for one call apply in order; the first that matches decides")
    func ruleOrder() throws {
        let filter = SeccompFilter(
            architecture: .x86_64,
            rules: [
                .deny(.socket, with: .errno(11), when: .argument(0, isOneOf: [2]), .argument(1, isOneOf: [3])),
                .deny(.socket, with: .errno(12), when: .argument(0, isOneOf: [2, 10])),
                .deny(.mount),
            ])
        let interpreter = ClassicBPFInterpreter(program: try filter.instructions())
        func verdict(_ arguments: [UInt64]) throws -> UInt32 {
            try interpreter.run(.init(number: 41, arch: 0xC000_003E, arguments: arguments)).verdict
        }
        #expect(try verdict([2, 3]) == 0x0005_000B)
        #expect(try verdict([2, 1]) == 0x0005_000C)
        #expect(try verdict([10, 3]) == 0x0005_000C)
        #expect(try verdict([1, 3]) == Self.allow)
        #expect(try interpreter.run(.init(number: 165, arch: 0xC000_003E)).verdict == Self.eperm)
    }

    @Test("A deny-by-default policy returns its default for unnamed calls")
    func denyByDefault() throws {
        let filter = SeccompFilter(architecture: .aarch64, rules: [SeccompRule(.clone, action: .allow)], defaultAction: .errno(13))
        let interpreter = ClassicBPFInterpreter(program: try filter.instructions())
        #expect(try interpreter.run(.init(number: 220, arch: 0xC000_00B7)).verdict == Self.allow)
        #expect(try interpreter.run(.init(number: 221, arch: 0xC000_00B7)).verdict == 0x0005_000D)
    }
}
