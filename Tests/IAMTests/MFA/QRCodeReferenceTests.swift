import Crypto
import Foundation
import Testing

@testable import IAM

/// Symbols from independent encoders (Fixtures/qrcode, written by generate.py from the PyPI packages `qrcode` and
/// `segno`): the same bytes, version, level and mask must give the same modules, module for module.
@Suite("QR code against reference symbols")
struct QRCodeReferenceTests {
    struct Symbol: Decodable, Sendable, CustomTestStringConvertible {
        let text: String
        let level: String
        let version: Int
        let mask: Int
        let rows: [String]
        /// segno's penalty scores N1, N2, N3, N4 of the finished symbol.
        let scores: [Int]

        var testDescription: String { "\(text.prefix(24)) \(version)-\(level) mask \(mask)" }
    }

    struct Digest: Decodable, Sendable, CustomTestStringConvertible {
        let version: Int
        let level: String
        let mask: Int
        /// The most bytes that fit the version at the level.
        let length: Int
        /// The smallest version that holds `length` bytes at the level.
        let bestVersion: Int
        /// SHA-256 of the rows as "0"/"1" text joined by newlines.
        let sha256: String

        var testDescription: String { "\(version)-\(level)" }
    }

    struct Fixture: Decodable, Sendable {
        let symbols: [Symbol]
        let digests: [Digest]
    }

    static let fixture: Fixture = {
        let url = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/qrcode/reference-symbols.json")
        // A missing or broken fixture must fail loudly rather than leave the tests with nothing to check.
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }()

    static func level(_ letter: String) -> QRCode.ErrorCorrection {
        QRCode.ErrorCorrection(rawValue: letter)!
    }

    static func rows(_ code: QRCode) -> [String] {
        (0..<code.size).map { row in String((0..<code.size).map { code[row, $0] ? "1" : "0" }) }
    }

    /// The bytes generate.py fills a version with: printable ASCII that changes with the version.
    static func filler(count: Int, version: Int) -> [UInt8] {
        (0..<count).map { UInt8((($0 * 7 + version) % 95) + 32) }
    }

    @Test("the fixture covers every version and level")
    func coverage() {
        #expect(Self.fixture.symbols.count >= 18)
        #expect(Set(Self.fixture.digests.map { "\($0.version)-\($0.level)" }).count == 160)
    }

    @Test("modules equal the reference symbol", arguments: fixture.symbols)
    func modules(symbol: Symbol) throws {
        let code = try #require(
            QRCode(encoding: symbol.text, errorCorrection: Self.level(symbol.level), version: symbol.version, mask: symbol.mask)
        )
        #expect(code.size == 4 * symbol.version + 17)
        #expect(Self.rows(code) == symbol.rows)
    }

    @Test("penalty scores equal segno's", arguments: fixture.symbols)
    func penalty(symbol: Symbol) throws {
        let code = try #require(
            QRCode(encoding: symbol.text, errorCorrection: Self.level(symbol.level), version: symbol.version, mask: symbol.mask)
        )
        var matrix = QRMatrix(version: QRVersion(symbol.version))
        matrix.place(QRCodewords.encode(Array(symbol.text.utf8), version: QRVersion(symbol.version), level: Self.level(symbol.level)))
        matrix.applyMask(symbol.mask)
        matrix.drawFormat(level: Self.level(symbol.level), mask: symbol.mask)
        #expect((0..<code.size).allSatisfy { row in (0..<code.size).allSatisfy { matrix[row, $0] == code[row, $0] } })
        let penalty = QRPenalty(matrix)
        #expect([penalty.runs, penalty.blocks, penalty.finderLike, penalty.balance] == symbol.scores)
    }

    @Test("the encoder picks the smallest version and the mask of lowest penalty, the first of equals")
    func automaticChoice() throws {
        let candidates = Self.fixture.symbols.filter { $0.text.hasPrefix("otpauth://") }
        try #require(candidates.map(\.mask) == Array(0...7))
        let totals = candidates.map { $0.scores.reduce(0, +) }
        let best = candidates[totals.firstIndex(of: totals.min()!)!]
        let code = try #require(QRCode(encoding: best.text, errorCorrection: .medium))
        #expect(code.version == best.version)
        #expect(code.mask == best.mask)
        #expect(Self.rows(code) == best.rows)
    }

    @Test("full symbols of every version and level equal the reference", arguments: fixture.digests)
    func fullSymbols(digest: Digest) throws {
        let level = Self.level(digest.level)
        let bytes = Self.filler(count: digest.length, version: digest.version)
        #expect(QRCode.byteCapacity(version: digest.version, errorCorrection: level) == digest.length)
        let code = try #require(QRCode(bytes: bytes, errorCorrection: level, version: digest.version, mask: digest.mask))
        let text = Self.rows(code).joined(separator: "\n")
        let hash = SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
        #expect(hash == digest.sha256)
        // The mask is given only to spare the search over all eight: the version is what this checks.
        #expect(QRCode(bytes: bytes, errorCorrection: level, mask: digest.mask)?.version == digest.bestVersion)
        #expect(QRCode(bytes: bytes + [0x20], errorCorrection: level, version: digest.version) == nil)
    }
}
