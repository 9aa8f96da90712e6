/// Where each statement of a policy document's text begins and ends, as the IAM policy simulator
/// reports them: lines and columns count from 1; a statement begins just after the `[` or `,`
/// before it (the `:` when `Statement` is a single object) and ends just after its closing `}`.
public struct StatementPositions: Sendable, Hashable {
    /// A line and column in the text; columns count characters.
    public struct Position: Sendable, Hashable {
        public let line: Int
        public let column: Int
    }

    /// The first and the past-the-end positions of one statement.
    public struct Span: Sendable, Hashable {
        public let start: Position
        public let end: Position
    }

    /// One span per statement, in document order (a statement's ``PolicyStatement/index``).
    public let spans: [Span]

    /// Nil when `text` is not a JSON object with a `Statement` member.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard let offsets = Self.statementOffsets(bytes) else { return nil }
        let lines = LineIndex(bytes)
        spans = offsets.map { Span(start: lines.position(at: $0.start), end: lines.position(at: $0.end)) }
    }

    /// Byte offsets of each statement: from just after its delimiter to just after its value.
    private static func statementOffsets(_ bytes: [UInt8]) -> [(start: Int, end: Int)]? {
        var reader = PolicyJSON.Reader(bytes: bytes)
        reader.skipWhitespace()
        guard reader.next(is: "{") else { return nil }
        reader.position += 1
        while true {
            reader.skipWhitespace()
            guard reader.next(is: "\""), let name = try? reader.string() else { return nil }
            reader.skipWhitespace()
            guard reader.next(is: ":") else { return nil }
            reader.position += 1
            if name == "Statement" { return statements(&reader) }
            reader.skipWhitespace()
            guard (try? reader.value(depth: 1)) != nil else { return nil }
            reader.skipWhitespace()
            guard reader.next(is: ",") else { return nil }
            reader.position += 1
        }
    }

    /// The statements of the `Statement` member, the reader just after its colon.
    private static func statements(_ reader: inout PolicyJSON.Reader) -> [(start: Int, end: Int)]? {
        var delimiterEnd = reader.position
        reader.skipWhitespace()
        guard reader.next(is: "[") else {
            guard (try? reader.value(depth: 1)) != nil else { return nil }
            return [(delimiterEnd, reader.position)]
        }
        reader.position += 1
        delimiterEnd = reader.position
        var found: [(start: Int, end: Int)] = []
        while true {
            reader.skipWhitespace()
            if reader.next(is: "]") { return found }
            guard (try? reader.value(depth: 1)) != nil else { return nil }
            found.append((delimiterEnd, reader.position))
            reader.skipWhitespace()
            guard reader.next(is: ",") else { continue }
            reader.position += 1
            delimiterEnd = reader.position
        }
    }

    /// Turns byte offsets into lines and columns.
    private struct LineIndex {
        let bytes: [UInt8]
        /// The offset at which each line starts.
        let starts: [Int]

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
            starts = [0] + bytes.indices.filter { bytes[$0] == UInt8(ascii: "\n") }.map { $0 + 1 }
        }

        func position(at offset: Int) -> Position {
            let line = (starts.lastIndex { $0 <= offset } ?? 0)
            // UTF-8 continuation bytes do not start a character.
            let characters = bytes[starts[line]..<offset].filter { $0 & 0xC0 != 0x80 }.count
            return Position(line: line + 1, column: characters + 1)
        }
    }
}

extension PolicyJSON.Reader {
    fileprivate func next(is character: Unicode.Scalar) -> Bool {
        position < bytes.count && bytes[position] == UInt8(ascii: character)
    }
}
