/// A test of one system-call argument.
///
/// Only the low 32 bits of the argument are compared. That is exact for arguments the kernel declares `int` or
/// `unsigned int` (it truncates them itself) and for `clone`'s flags (it keeps `lower_32_bits(clone_flags)`);
/// do not use it for an argument whose high half matters.
public struct SeccompCondition: Sendable, Hashable {
    /// What the argument's low 32 bits must satisfy.
    public enum Test: Sendable, Hashable {
        /// Equal to one of the values.
        case oneOf([UInt32])
        /// Equal to none of the values.
        case noneOf([UInt32])
        /// At least one bit of the mask set.
        case anyBitOf(UInt32)
    }

    /// 0 to 5, in the order of the call's C prototype.
    public var argument: Int
    /// The comparison the argument must pass.
    public var test: Test

    public init(argument: Int, test: Test) {
        self.argument = argument
        self.test = test
    }

    public static func argument(_ index: Int, isOneOf values: [UInt32]) -> SeccompCondition {
        SeccompCondition(argument: index, test: .oneOf(values))
    }

    public static func argument(_ index: Int, isNoneOf values: [UInt32]) -> SeccompCondition {
        SeccompCondition(argument: index, test: .noneOf(values))
    }

    /// Holds when the argument has at least one bit of `mask` set.
    public static func argument(_ index: Int, hasAnyBitOf mask: UInt32) -> SeccompCondition {
        SeccompCondition(argument: index, test: .anyBitOf(mask))
    }
}
