import BulwarkCore
import Testing

@testable import Execution

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("Seccomp filter encoding")
struct SeccompFilterTests {
    @Test("An instruction encodes as struct sock_filter, little-endian")
    func instructionBytes() {
        let instruction = SeccompInstruction(code: SeccompInstruction.Opcode.jumpIfEqual, jt: 1, jf: 2, k: 0xC000_003E)
        #expect(instruction.bytes == [0x15, 0x00, 0x01, 0x02, 0x3E, 0x00, 0x00, 0xC0])
        #expect(SeccompInstruction(code: SeccompInstruction.Opcode.returnConstant, k: 0x7FFF_0000).bytes == [6, 0, 0, 0, 0, 0, 0xFF, 0x7F])
        #expect(SeccompInstruction(code: SeccompInstruction.Opcode.loadWord, k: 4).bytes == [0x20, 0, 0, 0, 4, 0, 0, 0])
        #expect(SeccompInstruction(code: SeccompInstruction.Opcode.jump, k: 300).bytes == [0x05, 0, 0, 0, 0x2C, 0x01, 0, 0])
        #expect(SeccompInstruction(code: SeccompInstruction.Opcode.jumpIfAnyBitSet, k: 1).bytes[0] == 0x45)
    }

    @Test("A one-rule x86_64 policy compiles to the expected program, byte for byte")
    func smallProgram() throws {
        let filter = SeccompFilter(architecture: .x86_64, rules: [.deny(.mount)])
        let expected: [[UInt8]] = [
            [0x20, 0, 0, 0, 0x04, 0x00, 0x00, 0x00],  // ld [4]            arch
            [0x15, 0, 1, 0, 0x3E, 0x00, 0x00, 0xC0],  // jeq X86_64 +1
            [0x06, 0, 0, 0, 0x00, 0x00, 0x00, 0x80],  // ret KILL_PROCESS
            [0x20, 0, 0, 0, 0x00, 0x00, 0x00, 0x00],  // ld [0]            nr
            [0x45, 0, 0, 2, 0x00, 0x00, 0x00, 0x40],  // jset X32 +0 +2
            [0x15, 0, 1, 0, 0xFF, 0xFF, 0xFF, 0xFF],  // jeq -1 +1
            [0x06, 0, 0, 0, 0x00, 0x00, 0x00, 0x80],  // ret KILL_PROCESS
            [0x15, 0, 1, 0, 0xA5, 0x00, 0x00, 0x00],  // jeq 165 (mount) +1
            [0x06, 0, 0, 0, 0x00, 0x00, 0xFF, 0x7F],  // ret ALLOW
            [0x06, 0, 0, 0, 0x01, 0x00, 0x05, 0x00],  // ret ERRNO(EPERM)
        ]
        #expect(try filter.bytes() == expected.flatMap { $0 })
    }

    @Test("An argument rule loads the low word of its argument", arguments: [(0, UInt32(16)), (1, 24), (5, 56)])
    func argumentOffset(index: Int, offset: UInt32) throws {
        let filter = SeccompFilter(architecture: .aarch64, rules: [.deny(.ioctl, when: .argument(index, hasAnyBitOf: 1))])
        let program = try filter.instructions()
        // ld arch; jeq; ret; ld nr; jeq 29 else skip; ld arg; jset; ret EPERM; ret ALLOW
        #expect(program.count == 9)
        #expect(program[4] == SeccompInstruction(code: SeccompInstruction.Opcode.jumpIfEqual, jt: 0, jf: 3, k: 29))
        #expect(program[5] == SeccompInstruction(code: SeccompInstruction.Opcode.loadWord, k: offset))
        #expect(program[6] == SeccompInstruction(code: SeccompInstruction.Opcode.jumpIfAnyBitSet, jt: 0, jf: 1, k: 1))
    }

    @Test(
        "The Lambda program checks the architecture first, fits the kernel's limits and jumps only forward", arguments: SeccompArchitecture.allCases)
    func lambdaProgramShape(architecture: SeccompArchitecture) throws {
        let program = try SeccompFilter.lambda(for: architecture).instructions()
        #expect(program.count <= SeccompInstruction.maximumProgramLength)
        #expect(program.count > 70)
        #expect(program[0] == SeccompInstruction(code: SeccompInstruction.Opcode.loadWord, k: 4))
        #expect(program[1] == SeccompInstruction(code: SeccompInstruction.Opcode.jumpIfEqual, jt: 1, jf: 0, k: architecture.auditArch))
        #expect(program[2] == SeccompInstruction(code: SeccompInstruction.Opcode.returnConstant, k: 0x8000_0000))
        #expect(program.last?.code == SeccompInstruction.Opcode.returnConstant)
        try Self.checkJumps(program)
        #expect(try SeccompFilter.lambda(for: architecture).bytes().count == program.count * SeccompInstruction.size)
    }

    @Test("The Lambda program differs by architecture only where the numbers do")
    func architecturesDiffer() throws {
        let x86 = try SeccompFilter.lambda(for: .x86_64).instructions()
        let arm = try SeccompFilter.lambda(for: .aarch64).instructions()
        #expect(x86 != arm)
        #expect(!arm.contains { $0.code == SeccompInstruction.Opcode.jumpIfAnyBitSet && $0.k == 0x4000_0000 })
    }

    @Test("A call missing from an architecture leaves no trace in its program")
    func missingSyscall() throws {
        let withIopl = try SeccompFilter(architecture: .aarch64, rules: [.deny(.iopl)]).instructions()
        let empty = try SeccompFilter(architecture: .aarch64, rules: []).instructions()
        #expect(withIopl == empty)
        #expect(empty.count == 5)
        #expect(try SeccompFilter(architecture: .x86_64, rules: [.deny(.iopl)]).instructions().count == 10)
    }

    @Test("A long deny list is split into runs whose jumps stay within 255 instructions")
    func longPolicy() throws {
        let rules = (0..<700).map { SeccompRule.deny(SeccompSyscall("test\($0)", x86_64: 1000 + UInt32($0), aarch64: nil)) }
        let program = try SeccompFilter(architecture: .x86_64, rules: rules).instructions()
        try Self.checkJumps(program)
        #expect(program.contains { $0.code == SeccompInstruction.Opcode.jump })
        let interpreter = ClassicBPFInterpreter(program: program)
        for number in [UInt32(999), 1000, 1063, 1064, 1500, 1699, 1700] {
            let verdict = try interpreter.run(.init(number: number, arch: 0xC000_003E)).verdict
            #expect(verdict == ((1000..<1700).contains(number) ? 0x0005_0001 : 0x7FFF_0000), "syscall \(number)")
        }
    }

    @Test("A policy the kernel would refuse is refused with a ServiceException")
    func oversizedPolicy() throws {
        let rules = (0..<4200).map { SeccompRule.deny(SeccompSyscall("test\($0)", x86_64: 1000 + UInt32($0), aarch64: nil)) }
        let error = try #require(throws: AWSError.self) { try SeccompFilter(architecture: .x86_64, rules: rules).instructions() }
        #expect(error.code == "ServiceException")
        #expect(error.status == 500)
        #expect(error.message.contains("the kernel accepts 1 to 4096"))
    }

    @Test(
        "Malformed policies are refused",
        arguments: [
            [SeccompRule.deny(.ioctl, when: .argument(6, isOneOf: [1]))],
            [SeccompRule.deny(.ioctl, when: .argument(-1, isOneOf: [1]))],
            [SeccompRule.deny(.ioctl, when: .argument(1, isOneOf: []))],
            [SeccompRule.deny(.ioctl, when: .argument(1, isNoneOf: []))],
            [SeccompRule.deny(.mount), SeccompRule.deny(.mount, with: .notImplemented)],
            [SeccompRule.deny(.socket, when: .argument(0, isOneOf: [17])), SeccompRule.deny(.socket)],
            [SeccompRule.deny(.socket), SeccompRule.deny(.socket, when: .argument(0, isOneOf: [17]))],
            [SeccompRule.deny(.personality, when: .argument(0, isNoneOf: Array(0..<300)))],
        ])
    func malformed(rules: [SeccompRule]) {
        #expect(throws: AWSError.self) { try SeccompFilter(architecture: .x86_64, rules: rules).instructions() }
    }

    @Test("The assembler refuses backward, unbound and out-of-range jumps")
    func assemblerChecks() throws {
        var backward = SeccompAssembler()
        let top = backward.makeLabel()
        backward.bind(top)
        backward.loadWord(at: 0)
        backward.jump(to: top)
        backward.ret(.allow)
        #expect(throws: AWSError.self) { try backward.assemble() }

        var unbound = SeccompAssembler()
        unbound.jump(if: .equal, 1, then: .label(unbound.makeLabel()), else: .next)
        unbound.ret(.allow)
        #expect(throws: AWSError.self) { try unbound.assemble() }

        func spanning(_ count: Int) -> SeccompAssembler {
            var assembler = SeccompAssembler()
            let far = assembler.makeLabel()
            assembler.jump(if: .equal, 1, then: .label(far), else: .next)
            for _ in 0..<count { assembler.loadWord(at: 0) }
            assembler.bind(far)
            assembler.ret(.allow)
            return assembler
        }
        #expect(try spanning(255).assemble()[0].jt == 255)
        #expect(throws: AWSError.self) { try spanning(256).assemble() }

        var noReturn = SeccompAssembler()
        noReturn.loadWord(at: 0)
        #expect(throws: AWSError.self) { try noReturn.assemble() }
        #expect(throws: AWSError.self) { try SeccompAssembler().assemble() }
    }

    #if os(Linux)
        @Test("The host architecture is the machine uname reports")
        func hostArchitecture() {
            var name = utsname()
            #expect(uname(&name) == 0)
            let machine = withUnsafeBytes(of: &name.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            #expect(SeccompArchitecture.host.rawValue == machine)
        }
    #endif

    @Test("write(to:) puts exactly the program's bytes into a pipe")
    func writeToPipe() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        let filter = SeccompFilter.lambda(for: .x86_64)
        try filter.write(to: fds[1])
        close(fds[1])
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            received += buffer[0..<count]
        }
        #expect(received == (try filter.bytes()))
    }

    @Test("A failing write is reported as a ServiceException")
    func writeFailure() throws {
        // A read-only descriptor answers EBADF; a closed number could be reused by a test running alongside.
        let readOnly = open("/dev/null", O_RDONLY)
        #expect(readOnly >= 0)
        defer { close(readOnly) }
        let error = try #require(throws: AWSError.self) { try SeccompFilter.lambda(for: .x86_64).write(to: readOnly) }
        #expect(error.code == "ServiceException")
    }

    /// Every jump lands inside the program, forward; conditional offsets fit in a byte by construction.
    static func checkJumps(_ program: [SeccompInstruction]) throws {
        for (index, instruction) in program.enumerated() {
            switch instruction.code {
            case SeccompInstruction.Opcode.jump:
                #expect(index + 1 + Int(instruction.k) < program.count, "ja at \(index)")
            case SeccompInstruction.Opcode.jumpIfEqual, SeccompInstruction.Opcode.jumpIfAnyBitSet:
                #expect(index + 1 + Int(max(instruction.jt, instruction.jf)) < program.count, "jump at \(index)")
            case SeccompInstruction.Opcode.loadWord, SeccompInstruction.Opcode.returnConstant:
                break
            default:
                Issue.record("unexpected opcode \(instruction.code) at \(index)")
            }
        }
    }
}
