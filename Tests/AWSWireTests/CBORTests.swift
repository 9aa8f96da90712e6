import AWSWire
import Foundation
import Testing

/// Hex text to bytes (test vectors are written as RFC 8949 writes them).
func hexBytes(_ hex: String) -> Data {
    var data = Data()
    var index = hex.startIndex
    while index < hex.endIndex {
        let next = hex.index(index, offsetBy: 2)
        data.append(UInt8(hex[index..<next], radix: 16)!)
        index = next
    }
    return data
}

@Suite("CBOR (RFC 8949)")
struct CBORTests {
    /// RFC 8949 appendix A: the encodings that are also the preferred serialization, which the
    /// encoder must write byte for byte and the decoder must read back.
    static let preferred: [(String, CBORItem)] = [
        ("00", .unsigned(0)), ("01", .unsigned(1)), ("0a", .unsigned(10)), ("17", .unsigned(23)), ("1818", .unsigned(24)),
        ("1819", .unsigned(25)), ("1864", .unsigned(100)), ("1903e8", .unsigned(1000)), ("1a000f4240", .unsigned(1_000_000)),
        ("1b000000e8d4a51000", .unsigned(1_000_000_000_000)), ("1bffffffffffffffff", .unsigned(UInt64.max)),
        ("3bffffffffffffffff", .negative(UInt64.max)), ("20", .integer(-1)), ("29", .integer(-10)), ("3863", .integer(-100)),
        ("3903e7", .integer(-1000)),
        ("fa47c35000", .double(100000.0)), ("fa7f7fffff", .double(3.4028234663852886e+38)), ("fb3ff199999999999a", .double(1.1)),
        ("fb7e37e43c8800759c", .double(1.0e+300)), ("fbc010666666666666", .double(-4.1)),
        ("f97c00", .double(.infinity)), ("f97e00", .double(.nan)), ("f9fc00", .double(-.infinity)),
        ("f4", .bool(false)), ("f5", .bool(true)), ("f6", .null), ("f7", .undefined),
        ("c11a514b67b0", .tag(1, .unsigned(1_363_896_240))), ("c1fb41d452d9ec200000", .tag(1, .double(1_363_896_240.5))),
        ("40", .bytes(Data())), ("4401020304", .bytes(Data([1, 2, 3, 4]))),
        ("60", .text("")), ("6161", .text("a")), ("6449455446", .text("IETF")), ("62225c", .text("\"\\")),
        ("62c3bc", .text("\u{00fc}")), ("63e6b0b4", .text("\u{6c34}")), ("64f0908591", .text("\u{10151}")),
        ("80", .array([])), ("83010203", .array([.unsigned(1), .unsigned(2), .unsigned(3)])),
        ("8301820203820405", .array([.unsigned(1), .array([.unsigned(2), .unsigned(3)]), .array([.unsigned(4), .unsigned(5)])])),
        ("98190102030405060708090a0b0c0d0e0f101112131415161718181819", .array((1...25).map { .unsigned(UInt64($0)) })),
        ("a0", .map([])), ("a201020304", .map([(.unsigned(1), .unsigned(2)), (.unsigned(3), .unsigned(4))])),
        ("a26161016162820203", .map([(.text("a"), .unsigned(1)), (.text("b"), .array([.unsigned(2), .unsigned(3)]))])),
        ("826161a161626163", .array([.text("a"), .map([(.text("b"), .text("c"))])])),
    ]

    @Test("preferred encodings decode and encode byte for byte", arguments: preferred)
    func preferredVector(_ hex: String, _ item: CBORItem) throws {
        #expect(try CBORDecoder.decode(hexBytes(hex)) == item)
        #expect(CBOREncoder.encode(item) == hexBytes(hex))
    }

    /// Appendix A encodings that are not preferred (half floats, indefinite lengths): read only.
    static let readOnly: [(String, CBORItem)] = [
        ("f90000", .double(0.0)), ("f98000", .double(-0.0)), ("f93c00", .double(1.0)), ("f93e00", .double(1.5)),
        ("f97bff", .double(65504.0)), ("f90001", .double(5.960464477539063e-08)), ("f90400", .double(6.103515625e-05)),
        ("f9c400", .double(-4.0)), ("fb3ff0000000000000", .double(1.0)), ("fa7fc00000", .double(.nan)),
        ("5f42010243030405ff", .bytes(Data([1, 2, 3, 4, 5]))), ("7f657374726561646d696e67ff", .text("streaming")),
        ("9fff", .array([])),
        ("9f018202039f0405ffff", .array([.unsigned(1), .array([.unsigned(2), .unsigned(3)]), .array([.unsigned(4), .unsigned(5)])])),
        ("83018202039f0405ff", .array([.unsigned(1), .array([.unsigned(2), .unsigned(3)]), .array([.unsigned(4), .unsigned(5)])])),
        ("bf61610161629f0203ffff", .map([(.text("a"), .unsigned(1)), (.text("b"), .array([.unsigned(2), .unsigned(3)]))])),
        ("826161bf61626163ff", .array([.text("a"), .map([(.text("b"), .text("c"))])])),
        ("bf6346756ef563416d7421ff", .map([(.text("Fun"), .bool(true)), (.text("Amt"), .integer(-2))])),
    ]

    @Test("other encodings of appendix A decode", arguments: readOnly)
    func readOnlyVector(_ hex: String, _ item: CBORItem) throws {
        #expect(try CBORDecoder.decode(hexBytes(hex)) == item)
    }

    /// Input no decoder may accept, each for the reason given.
    static let malformed: [(String, String)] = [
        ("", "empty input"),
        ("18", "a head whose argument is missing"),
        ("1c", "reserved additional information 28"),
        ("5b00000000ffffffff00", "a byte string longer than the input"),
        ("5bffffffffffffffff", "a length beyond any input"),
        ("9bffffffffffffffff", "an array count beyond any input"),
        ("ba7fffffff", "a map count beyond any input"),
        ("8301", "an array that ends early"),
        ("9f01", "an indefinite array without its break"),
        ("ff", "a break outside an indefinite item"),
        ("5f6161ff", "a text chunk inside an indefinite byte string"),
        ("5f5f4101ffff", "an indefinite chunk inside an indefinite string"),
        ("62c328", "text that is not UTF-8"),
        ("a2616101616102", "a repeated map key"),
        ("0000", "bytes after the item"),
        ("df00", "a tag of indefinite length"),
        ("f818", "a two-byte simple value"),
        ("f0", "an unassigned simple value"),
    ]

    @Test("malformed input is refused", arguments: malformed)
    func malformedInput(_ hex: String, _ reason: String) {
        #expect(throws: CBORDecoder.Failure.self, "\(reason)") { try CBORDecoder.decode(hexBytes(hex)) }
    }

    @Test("nesting is bounded")
    func nestingBounded() throws {
        let deep = Data(repeating: 0x81, count: 100) + Data([0x00])
        #expect(throws: CBORDecoder.Failure.self) { try CBORDecoder.decode(deep) }
        let shallow = Data(repeating: 0x81, count: 10) + Data([0x00])
        #expect(throws: Never.self) { try CBORDecoder.decode(shallow) }
        // Indefinite arrays count too.
        let indefinite = Data(repeating: 0x9f, count: 100)
        #expect(throws: CBORDecoder.Failure.self) { try CBORDecoder.decode(indefinite) }
    }

    @Test(
        "a failure says where and why",
        arguments: [
            ("8201", 1, "a length of 2 exceeds the 1 bytes that remain"),
            ("1901", 1, "the input ends inside a data item (2 bytes needed, 1 remain)"),
            ("a2616101616102", 4, "a map repeats a key"),
        ])
    func failureDescription(_ hex: String, _ offset: Int, _ reason: String) {
        do {
            _ = try CBORDecoder.decode(hexBytes(hex))
            Issue.record("decoded malformed input")
        } catch {
            #expect(error.offset == offset)
            #expect(error.description == "malformed CBOR at byte \(offset): \(reason)")
        }
    }
}
