import BulwarkCore

/// Lays out a classic BPF program whose jumps name labels, then resolves every label to a forward offset.
///
/// Classic BPF only jumps forward, and a conditional jump spans at most 255 instructions (`jt`/`jf` are bytes);
/// ``assemble()`` refuses a program that breaks either rule, or that the kernel would refuse (empty, longer than
/// BPF_MAXINSNS, not ending in a return), rather than emit something that fails inside bwrap.
struct SeccompAssembler {
    /// A position in the program, bound once with ``bind(_:)``.
    struct Label: Hashable {
        fileprivate let id: Int
    }

    /// Where a conditional jump goes: the following instruction, or a label.
    enum Target: Hashable {
        case next
        case label(Label)
    }

    enum Comparison {
        /// A == k
        case equal
        /// A & k != 0
        case anyBitSet

        var code: UInt16 {
            switch self {
            case .equal: SeccompInstruction.Opcode.jumpIfEqual
            case .anyBitSet: SeccompInstruction.Opcode.jumpIfAnyBitSet
            }
        }
    }

    private enum Item {
        case resolved(SeccompInstruction)
        case conditional(code: UInt16, k: UInt32, then: Target, else: Target)
        case always(Label)
    }

    private var items: [Item] = []
    private var positions: [Label: Int] = [:]
    private var labelCount = 0

    mutating func makeLabel() -> Label {
        labelCount += 1
        return Label(id: labelCount)
    }

    /// Binds `label` to the next instruction emitted.
    mutating func bind(_ label: Label) {
        precondition(positions[label] == nil, "a BPF label is bound twice")
        positions[label] = items.count
    }

    /// A = the 32-bit word at `offset` in `struct seccomp_data`.
    mutating func loadWord(at offset: UInt32) {
        items.append(.resolved(SeccompInstruction(code: SeccompInstruction.Opcode.loadWord, k: offset)))
    }

    mutating func jump(if comparison: Comparison, _ k: UInt32, then whenTrue: Target, else whenFalse: Target) {
        items.append(.conditional(code: comparison.code, k: k, then: whenTrue, else: whenFalse))
    }

    /// An unconditional jump, whose 32-bit offset has no 255 limit.
    mutating func jump(to label: Label) {
        items.append(.always(label))
    }

    mutating func ret(_ action: SeccompAction) {
        items.append(.resolved(SeccompInstruction(code: SeccompInstruction.Opcode.returnConstant, k: action.returnValue)))
    }

    /// The program with every label replaced by its offset.
    func assemble() throws -> [SeccompInstruction] {
        guard !items.isEmpty, items.count <= SeccompInstruction.maximumProgramLength else {
            throw AWSError.seccompFilter(
                "it has \(items.count) instructions; the kernel accepts 1 to \(SeccompInstruction.maximumProgramLength)")
        }
        let program = try items.indices.map { index -> SeccompInstruction in
            switch items[index] {
            case .resolved(let instruction):
                return instruction
            case .conditional(let code, let k, let whenTrue, let whenFalse):
                return SeccompInstruction(
                    code: code, jt: try shortOffset(whenTrue, from: index), jf: try shortOffset(whenFalse, from: index), k: k)
            case .always(let label):
                return SeccompInstruction(code: SeccompInstruction.Opcode.jump, k: UInt32(try offset(label, from: index)))
            }
        }
        guard program.last?.code == SeccompInstruction.Opcode.returnConstant else {
            throw AWSError.seccompFilter("its last instruction is not a return")
        }
        return program
    }

    private func shortOffset(_ target: Target, from index: Int) throws -> UInt8 {
        guard case .label(let label) = target else { return 0 }
        let distance = try offset(label, from: index)
        guard let short = UInt8(exactly: distance) else {
            throw AWSError.seccompFilter(
                "instruction \(index) jumps \(distance) instructions ahead; a conditional BPF jump spans at most 255")
        }
        return short
    }

    /// Instructions skipped by a jump at `index` to `label`: 0 lands on the next instruction.
    private func offset(_ label: Label, from index: Int) throws -> Int {
        guard let position = positions[label], position > index, position < items.count else {
            throw AWSError.seccompFilter("instruction \(index) jumps backwards, to an unbound label or past the end")
        }
        return position - index - 1
    }
}
