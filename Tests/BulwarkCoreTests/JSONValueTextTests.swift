import BulwarkCore
import Foundation
import Testing

/// The JSON text reader and writer of `JSONValue` against Foundation's coders, which they replace on
/// the request path: the same bytes out, the same documents in.
@Suite("JSON text of JSONValue")
struct JSONValueTextTests {
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state
        }
    }

    static func randomString(_ random: inout Generator) -> String {
        let pool: [Unicode.Scalar] = ["a", "Z", "0", "/", "\\", "\"", "\n", "\t", "\u{01}", "\u{1f}", "\u{7f}", "é", "\u{2028}", "😀", " ", "{", "%"]
        var text = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...12, using: &random) { text.append(pool.randomElement(using: &random)!) }
        return String(text)
    }

    static func randomValue(_ random: inout Generator, depth: Int = 0) -> JSONValue {
        switch Int.random(in: 0...(depth > 3 ? 4 : 6), using: &random) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2: return .int(Int64.random(in: Int64.min...Int64.max, using: &random) >> Int64.random(in: 0...63, using: &random))
        case 3:
            let double = Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &random))
            return double.isFinite && double.rounded(.towardZero) != double ? .double(double) : .double(0.5)
        case 4: return .string(randomString(&random))
        case 5: return .array((0..<Int.random(in: 0...4, using: &random)).map { _ in randomValue(&random, depth: depth + 1) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &random) { members[randomString(&random)] = randomValue(&random, depth: depth + 1) }
            return .object(members)
        }
    }

    static func foundationText(_ value: JSONValue) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    @Test func writesWhatJSONEncoderWritesAndReadsWhatJSONDecoderReads() throws {
        var random = Generator(state: 20_261_207)
        for _ in 0..<3_000 {
            let value = Self.randomValue(&random)
            let expected = try Self.foundationText(value)
            #expect(value.serializedBytes() == expected, "\(value)")
            #expect(try JSONValue.parse(expected) == (try JSONDecoder().decode(JSONValue.self, from: Data(expected))))
        }
    }

    @Test(arguments: [
        "1.0", "1e2", "-0", "12345678901234567890", "0.5", "-1.5e-3", "9223372036854775807", "9223372036854775808",
        "-9223372036854775808", "1.00000000000000000001", "true", #""a\u00e9\ud83d\ude00\/""#, #"{"a":1,"a":2}"#,
        #" {"a" : [ ] } "#, "[]", "{}", "null", #""""#,
    ])
    func acceptsWhatJSONDecoderAccepts(text: String) throws {
        #expect(try JSONValue.parse(Array(text.utf8)) == (try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))))
    }

    @Test(arguments: [
        "1E400", "00", "01", "1.", ".5", "+1", #""\ud800""#, #""\udc00x""#, "nul", "\"\t\"", "[1", "{\"a\"}", "{\"a\":1", "\"abc",
        "[1]x", "", " ", "{1:2}", #""\x""#, "[1,]", "{\"a\":1,}",
    ])
    func refusesWhatIsNotJSON(text: String) {
        #expect(throws: JSONValue.SyntaxError.self) { try JSONValue.parse(Array(text.utf8)) }
    }

    @Test func refusesInvalidUTF8AndDeepNesting() {
        #expect(throws: JSONValue.SyntaxError.self) { try JSONValue.parse([0x22, 0xFF, 0x22]) }
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONValue.SyntaxError.self) { try JSONValue.parse(Array(deep.utf8)) }
        let fine = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        #expect(throws: Never.self) { try JSONValue.parse(Array(fine.utf8)) }
    }
}
