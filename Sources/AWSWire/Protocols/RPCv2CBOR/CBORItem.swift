import Foundation

/// One CBOR data item (RFC 8949) as the Smithy RPC v2 CBOR protocol uses them: integers, byte and
/// text strings, arrays, maps with their keys in the order sent, tags, floats and the simple values
/// `false`, `true`, `null` and `undefined`.
public indirect enum CBORItem: Sendable, Hashable {
    case unsigned(UInt64)
    /// Major type 1: the value is `-1 - n`, kept as `n` so that the whole range round-trips.
    case negative(UInt64)
    case bytes(Data)
    case text(String)
    case array([CBORItem])
    case map([(CBORItem, CBORItem)])
    case tag(UInt64, CBORItem)
    case bool(Bool)
    case null
    case undefined
    case double(Double)

    public static func == (lhs: CBORItem, rhs: CBORItem) -> Bool {
        switch (lhs, rhs) {
        case (.unsigned(let a), .unsigned(let b)), (.negative(let a), .negative(let b)): a == b
        case (.bytes(let a), .bytes(let b)): a == b
        case (.text(let a), .text(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.map(let a), .map(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.tag(let a, let x), .tag(let b, let y)): a == b && x == y
        case (.bool(let a), .bool(let b)): a == b
        case (.null, .null), (.undefined, .undefined): true
        // Every NaN equals every other, so that a decoded NaN equals the one a test expects.
        case (.double(let a), .double(let b)): (a.isNaN && b.isNaN) || a == b
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .unsigned(let value): hasher.combine(0); hasher.combine(value)
        case .negative(let value): hasher.combine(1); hasher.combine(value)
        case .bytes(let value): hasher.combine(2); hasher.combine(value)
        case .text(let value): hasher.combine(3); hasher.combine(value)
        case .array(let value): hasher.combine(4); hasher.combine(value)
        case .map(let pairs):
            hasher.combine(5)
            for (key, value) in pairs {
                hasher.combine(key)
                hasher.combine(value)
            }
        case .tag(let tag, let value): hasher.combine(6); hasher.combine(tag); hasher.combine(value)
        case .bool(let value): hasher.combine(7); hasher.combine(value)
        case .null: hasher.combine(8)
        case .undefined: hasher.combine(9)
        case .double(let value): hasher.combine(10); hasher.combine(value.isNaN ? .nan : value)
        }
    }

    /// An integer from a signed value.
    public static func integer(_ value: Int64) -> CBORItem {
        value >= 0 ? .unsigned(UInt64(value)) : .negative(UInt64(-(value + 1)))
    }

    /// The item as a signed 64-bit integer, when it is an integer in that range.
    public var int64Value: Int64? {
        switch self {
        case .unsigned(let value): value <= UInt64(Int64.max) ? Int64(value) : nil
        case .negative(let value): value <= UInt64(Int64.max) ? -1 - Int64(value) : nil
        default: nil
        }
    }
}
