import BulwarkCore
import Foundation
import Testing

/// `JSONValueEncoder` builds documents directly; they must be the documents that `JSONEncoder`
/// followed by a parse of its text gives, which the codecs and the trail were written against.
@Suite("Shapes encoded into documents")
struct JSONValueEncoderTests {
    struct Inner: Codable, Equatable {
        var name: String
        var weight: Double?
        var flags: [Bool]
    }

    struct Shape: Codable, Equatable {
        var text: String
        var count: Int
        var big: Int64
        var unsigned: UInt64
        var whole: Double
        var fraction: Double
        var ratio: Float
        var flag: Bool
        var when: Date
        var blob: Data
        var missing: String?
        var present: Int?
        var inners: [Inner]
        var map: [String: String]
        var nested: [String: [Inner]]
        var matrix: [[Int]]
        var empty: [String]
    }

    static func viaText(_ value: some Encodable) throws -> JSONValue {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.dataEncodingStrategy = .base64
        return try JSONValue.parse(encoder.encode(value))
    }

    static let samples: [Shape] = [
        Shape(
            text: "a \"quoted\" / é", count: 3, big: Int64.max, unsigned: UInt64.max, whole: 100, fraction: 0.1, ratio: 1.1, flag: true,
            when: Date(timeIntervalSince1970: 1_767_225_600.25), blob: Data([0, 1, 2, 255]), missing: nil, present: 0,
            inners: [Inner(name: "x", weight: nil, flags: [true, false]), Inner(name: "", weight: 2.5, flags: [])],
            map: ["k": "v", "": "empty"], nested: ["a": [Inner(name: "n", weight: 1e20, flags: [false])]], matrix: [[1, 2], [], [3]],
            empty: []
        ),
        Shape(
            text: "", count: -1, big: Int64.min, unsigned: 0, whole: -0.0, fraction: 1e-7, ratio: 0, flag: false,
            when: Date(timeIntervalSince1970: 0), blob: Data(), missing: "here", present: nil, inners: [], map: [:], nested: [:],
            matrix: [], empty: []
        ),
    ]

    func encode(_ value: some Encodable) throws -> JSONValue { try JSONValueEncoder.encode(value) }

    @Test(arguments: samples)
    func sameDocumentAsTheTextRoundTrip(shape: Shape) throws {
        #expect(try encode(shape) == (try Self.viaText(shape)))
    }

    @Test func topLevelValuesAndCollections() throws {
        #expect(try encode([1, 2]) == (try Self.viaText([1, 2])))
        #expect(try encode(["a": 1.5]) == (try Self.viaText(["a": 1.5])))
        #expect(try encode("text") == (try Self.viaText("text")))
        #expect(try encode(Optional<Int>.none) == (try Self.viaText(Optional<Int>.none)))
    }

    /// What the trail writes: strings, booleans and documents, in the bytes `JSONEncoder` wrote.
    struct Record: Encodable {
        var name: String
        var flag: Bool
        var absent: String?
        var parameters: JSONValue
    }

    @Test func textIsJSONEncodersWithSortedKeys() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let documents: [JSONValue] = [
            .null, ["FunctionName": "f", "MemorySize": 128, "Ratio": .double(0.25), "Tags": ["a/b": "c\"d"], "List": [1, "x", .null]],
            .array([]), .object([:]), .double(1e-7),
        ]
        for document in documents {
            let record = Record(name: "é/\u{1}", flag: true, absent: nil, parameters: document)
            #expect(try encode(record).serializedBytes() == Array(encoder.encode(record)))
        }
    }
}
