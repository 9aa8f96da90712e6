/// One classic BPF instruction, `struct sock_filter` of linux/filter.h.
///
/// Only the few forms a seccomp filter needs are built here: load a 32-bit word of `struct seccomp_data`,
/// compare the accumulator with a constant, jump, return.
public struct SeccompInstruction: Sendable, Hashable, CustomStringConvertible {
    /// The operation, one of ``Opcode``.
    public var code: UInt16
    /// Instructions to skip when the comparison holds.
    public var jt: UInt8
    /// Instructions to skip when it does not.
    public var jf: UInt8
    /// The constant operand: an offset to load, a value to compare, a verdict to return.
    public var k: UInt32

    /// The size of one encoded instruction.
    public static let size = 8
    /// BPF_MAXINSNS: the kernel refuses longer programs.
    public static let maximumProgramLength = 4096

    public init(code: UInt16, jt: UInt8 = 0, jf: UInt8 = 0, k: UInt32) {
        self.code = code
        self.jt = jt
        self.jf = jf
        self.k = k
    }

    /// Opcodes (linux/bpf_common.h): class | size/op | mode/source.
    public enum Opcode {
        /// BPF_LD | BPF_W | BPF_ABS: A = 32-bit word at offset k of `seccomp_data`.
        public static let loadWord: UInt16 = 0x00 | 0x00 | 0x20
        /// BPF_JMP | BPF_JA: skip k instructions.
        public static let jump: UInt16 = 0x05 | 0x00
        /// BPF_JMP | BPF_JEQ | BPF_K
        public static let jumpIfEqual: UInt16 = 0x05 | 0x10 | 0x00
        /// BPF_JMP | BPF_JSET | BPF_K: holds when A & k != 0.
        public static let jumpIfAnyBitSet: UInt16 = 0x05 | 0x40 | 0x00
        /// BPF_RET | BPF_K: end with verdict k.
        public static let returnConstant: UInt16 = 0x06 | 0x00
    }

    /// The instruction as the kernel reads it: little-endian, since both supported ABIs are little-endian.
    public var bytes: [UInt8] {
        [
            UInt8(truncatingIfNeeded: code), UInt8(truncatingIfNeeded: code >> 8), jt, jf,
            UInt8(truncatingIfNeeded: k), UInt8(truncatingIfNeeded: k >> 8),
            UInt8(truncatingIfNeeded: k >> 16), UInt8(truncatingIfNeeded: k >> 24),
        ]
    }

    public var description: String {
        let hex = "0x" + String(k, radix: 16)
        switch code {
        case Opcode.loadWord: return "ld [\(k)]"
        case Opcode.jump: return "ja +\(k)"
        case Opcode.jumpIfEqual: return "jeq \(hex) +\(jt) +\(jf)"
        case Opcode.jumpIfAnyBitSet: return "jset \(hex) +\(jt) +\(jf)"
        case Opcode.returnConstant: return "ret \(hex)"
        default: return "code 0x\(String(code, radix: 16)) \(jt) \(jf) \(hex)"
        }
    }
}
