import Foundation

/// Writes CBOR data items (RFC 8949) in their preferred serialization: the shortest head for every
/// integer and length, definite lengths only; doubles that a float keeps exactly are written as
/// floats, others as doubles.
public enum CBOREncoder {
    public static func encode(_ item: CBORItem) -> Data {
        var out: [UInt8] = []
        write(item, into: &out)
        return Data(out)
    }

    private static func write(_ item: CBORItem, into out: inout [UInt8]) {
        switch item {
        case .unsigned(let value): head(0, value, into: &out)
        case .negative(let value): head(1, value, into: &out)
        case .bytes(let data):
            head(2, UInt64(data.count), into: &out)
            out.append(contentsOf: data)
        case .text(let text):
            head(3, UInt64(text.utf8.count), into: &out)
            out.append(contentsOf: text.utf8)
        case .array(let elements):
            head(4, UInt64(elements.count), into: &out)
            for element in elements { write(element, into: &out) }
        case .map(let pairs):
            head(5, UInt64(pairs.count), into: &out)
            for (key, value) in pairs {
                write(key, into: &out)
                write(value, into: &out)
            }
        case .tag(let tag, let content):
            head(6, tag, into: &out)
            write(content, into: &out)
        case .bool(let value): out.append(value ? 0xf5 : 0xf4)
        case .null: out.append(0xf6)
        case .undefined: out.append(0xf7)
        case .double(let value): float(value, into: &out)
        }
    }

    private static func head(_ major: UInt8, _ argument: UInt64, into out: inout [UInt8]) {
        let type = major << 5
        switch argument {
        case 0..<24: out.append(type | UInt8(argument))
        case 24...0xff: out.append(contentsOf: [type | 24, UInt8(argument)])
        case 0x100...0xffff: out.append(type | 25); bigEndian(argument, bytes: 2, into: &out)
        case 0x1_0000...0xffff_ffff: out.append(type | 26); bigEndian(argument, bytes: 4, into: &out)
        default: out.append(type | 27); bigEndian(argument, bytes: 8, into: &out)
        }
    }

    private static func float(_ value: Double, into out: inout [UInt8]) {
        if value.isNaN {
            out.append(contentsOf: [0xf9, 0x7e, 0x00])
        } else if value.isInfinite {
            out.append(contentsOf: value > 0 ? [0xf9, 0x7c, 0x00] : [0xf9, 0xfc, 0x00])
        } else if let single = Float(exactly: value) {
            out.append(0xfa)
            bigEndian(UInt64(single.bitPattern), bytes: 4, into: &out)
        } else {
            out.append(0xfb)
            bigEndian(value.bitPattern, bytes: 8, into: &out)
        }
    }

    private static func bigEndian(_ value: UInt64, bytes: Int, into out: inout [UInt8]) {
        for index in stride(from: bytes - 1, through: 0, by: -1) { out.append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
    }
}
