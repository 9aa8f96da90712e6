import Foundation

/// Reads one CBOR data item (RFC 8949) from bytes nobody vouches for.
///
/// Nothing in the input is trusted: every length and count is checked against the bytes that
/// remain before anything is allocated for it, nesting is bounded, text must be UTF-8, map keys
/// must be distinct, and the item must use the whole input. Indefinite-length strings, arrays and
/// maps are read (RFC 8949 §3.2.2–3.2.3); a chunk of an indefinite string must be a definite string
/// of the same major type. Tags are kept with their content for the caller to judge.
public struct CBORDecoder {
    /// Why the bytes are not one acceptable CBOR item.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public let offset: Int
        public let reason: String
        public var description: String { "malformed CBOR at byte \(offset): \(reason)" }
    }

    /// Nesting deeper than this (arrays, maps, tags) is refused: no AWS input nests nearly as deep,
    /// and recursion must not be the attacker's to size.
    public static let defaultMaximumDepth = 64

    private let bytes: [UInt8]
    private var position = 0
    private let maximumDepth: Int

    private init(_ data: Data, maximumDepth: Int) {
        bytes = [UInt8](data)
        self.maximumDepth = maximumDepth
    }

    /// The single item that `data` holds.
    public static func decode(_ data: Data, maximumDepth: Int = defaultMaximumDepth) throws(Failure) -> CBORItem {
        var decoder = CBORDecoder(data, maximumDepth: maximumDepth)
        let item = try decoder.item(depth: 0)
        guard decoder.position == decoder.bytes.count else {
            throw decoder.failure("\(decoder.bytes.count - decoder.position) bytes follow the data item")
        }
        return item
    }

    private var remaining: Int { bytes.count - position }

    private func failure(_ reason: String) -> Failure {
        Failure(offset: position, reason: reason)
    }

    private mutating func byte() throws(Failure) -> UInt8 {
        guard position < bytes.count else { throw failure("the input ends inside a data item") }
        defer { position += 1 }
        return bytes[position]
    }

    private mutating func take(_ count: Int) throws(Failure) -> ArraySlice<UInt8> {
        guard count <= remaining else { throw failure("the input ends inside a data item (\(count) bytes needed, \(remaining) remain)") }
        defer { position += count }
        return bytes[position..<position + count]
    }

    /// The argument of a head whose additional information is `info` (RFC 8949 §3).
    private mutating func argument(_ info: UInt8) throws(Failure) -> UInt64 {
        switch info {
        case 0..<24: return UInt64(info)
        case 24: return UInt64(try byte())
        case 25: return try take(2).reduce(0) { $0 << 8 | UInt64($1) }
        case 26: return try take(4).reduce(0) { $0 << 8 | UInt64($1) }
        case 27: return try take(8).reduce(0) { $0 << 8 | UInt64($1) }
        default: throw failure("additional information \(info) is reserved or not allowed here")
        }
    }

    /// A length or count that the remaining bytes can hold, `minimumItemSize` bytes per element.
    private mutating func length(_ info: UInt8, minimumItemSize: Int) throws(Failure) -> Int {
        let value = try argument(info)
        guard value <= UInt64(remaining / minimumItemSize) else {
            throw failure("a length of \(value) exceeds the \(remaining) bytes that remain")
        }
        return Int(value)
    }

    private mutating func item(depth: Int) throws(Failure) -> CBORItem {
        guard depth <= maximumDepth else { throw failure("data items nest deeper than \(maximumDepth) levels") }
        let head = try byte()
        let major = head >> 5
        let info = head & 0x1f
        switch major {
        case 0: return .unsigned(try argument(info))
        case 1: return .negative(try argument(info))
        case 2: return .bytes(Data(try string(major: 2, info: info)))
        case 3:
            let utf8 = try string(major: 3, info: info)
            guard let text = String(validating: utf8, as: UTF8.self) else { throw failure("a text string is not valid UTF-8") }
            return .text(text)
        case 4: return .array(try array(info: info, depth: depth))
        case 5: return .map(try map(info: info, depth: depth))
        case 6:
            guard info != 31 else { throw failure("a tag cannot have an indefinite length") }
            let tag = try argument(info)
            return .tag(tag, try item(depth: depth + 1))
        default: return try simple(info)
        }
    }

    private mutating func string(major: UInt8, info: UInt8) throws(Failure) -> [UInt8] {
        guard info == 31 else { return Array(try take(try length(info, minimumItemSize: 1))) }
        var content: [UInt8] = []
        while true {
            let head = try byte()
            if head == 0xff { return content }
            guard head >> 5 == major, head & 0x1f != 31 else {
                throw failure("a chunk of an indefinite-length string must be a definite string of the same type")
            }
            content.append(contentsOf: try take(try length(head & 0x1f, minimumItemSize: 1)))
        }
    }

    private mutating func array(info: UInt8, depth: Int) throws(Failure) -> [CBORItem] {
        var elements: [CBORItem] = []
        if info == 31 {
            while try !atBreak() { elements.append(try item(depth: depth + 1)) }
            return elements
        }
        let count = try length(info, minimumItemSize: 1)
        elements.reserveCapacity(count)
        for _ in 0..<count { elements.append(try item(depth: depth + 1)) }
        return elements
    }

    private mutating func map(info: UInt8, depth: Int) throws(Failure) -> [(CBORItem, CBORItem)] {
        var pairs: [(CBORItem, CBORItem)] = []
        var keys = Set<CBORItem>()
        let count = info == 31 ? nil : try length(info, minimumItemSize: 2)
        if let count { pairs.reserveCapacity(count) }
        while true {
            if let count {
                guard pairs.count < count else { break }
            } else if try atBreak() {
                break
            }
            let keyOffset = position
            let key = try item(depth: depth + 1)
            guard keys.insert(key).inserted else { throw Failure(offset: keyOffset, reason: "a map repeats a key") }
            pairs.append((key, try item(depth: depth + 1)))
        }
        return pairs
    }

    /// Consumes the break that ends an indefinite-length item, if it is next.
    private mutating func atBreak() throws(Failure) -> Bool {
        guard position < bytes.count else { throw failure("the input ends before the break of an indefinite-length item") }
        guard bytes[position] == 0xff else { return false }
        position += 1
        return true
    }

    private mutating func simple(_ info: UInt8) throws(Failure) -> CBORItem {
        switch info {
        case 20: return .bool(false)
        case 21: return .bool(true)
        case 22: return .null
        case 23: return .undefined
        case 25: return .double(Double(Self.half(UInt16(try argument(25)))))
        case 26: return .double(Double(Float(bitPattern: UInt32(try argument(26)))))
        case 27: return .double(Double(bitPattern: try argument(27)))
        case 31: throw failure("a break occurs outside an indefinite-length item")
        default: throw failure("simple value \(info) is not one this protocol uses")
        }
    }

    /// An IEEE 754 half-precision value (RFC 8949 appendix D).
    static func half(_ bits: UInt16) -> Float {
        let exponent = Int(bits >> 10) & 0x1f
        let mantissa = Float(bits & 0x3ff)
        let magnitude: Float
        switch exponent {
        case 0: magnitude = mantissa * 0x1p-24
        case 31: magnitude = mantissa == 0 ? .infinity : .nan
        default: magnitude = (mantissa + 1024) * Float(sign: .plus, exponent: exponent - 25, significand: 1)
        }
        return bits & 0x8000 == 0 ? magnitude : -magnitude
    }
}
