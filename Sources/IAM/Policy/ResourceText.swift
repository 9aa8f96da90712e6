/// A resource ARN (or `*`) as the evaluator matches it: its fields located once per request, as
/// UTF-8 offsets, so that each `Resource` entry compares them in place instead of splitting the ARN
/// again.
///
/// Text that is not ASCII is matched by splitting it as before (``ResourcePattern`` falls back):
/// the offsets are only taken where bytes and characters cannot disagree.
struct ResourceText {
    let text: String
    /// Where each of the six fields starts, when the text is ASCII and an ARN of six fields; field
    /// `i` ends one byte before field `i + 1` starts, the last at the end of the text.
    let fieldStarts: [Int]?
    let isASCII: Bool

    init(_ text: String) {
        self.text = text
        self.isASCII = text.utf8.allSatisfy { $0 < 0x80 }
        self.fieldStarts = isASCII ? Self.fieldStarts(text) : nil
    }

    private static func fieldStarts(_ text: String) -> [Int]? {
        guard text.utf8.starts(with: "arn:".utf8) else { return nil }
        var starts = [0]
        starts.reserveCapacity(6)
        var offset = 0
        for byte in text.utf8 {
            offset += 1
            if byte == UInt8(ascii: ":") {
                starts.append(offset)
                if starts.count == 6 { return starts }
            }
        }
        return nil
    }

    /// The account field when it is not empty, as ``PolicyEvaluator`` reads a resource's owner.
    var account: Substring? {
        guard isASCII else { return PolicyEvaluator.splitAccount(in: text).map { $0[...] } }
        guard let starts = fieldStarts, starts[5] - 1 > starts[4] else { return nil }
        let utf8 = text.utf8
        return text[utf8.index(utf8.startIndex, offsetBy: starts[4])..<utf8.index(utf8.startIndex, offsetBy: starts[5] - 1)]
    }

    /// Calls `body` with the text's bytes, without copying them when the string is native.
    func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = text
        return copy.withUTF8(body)
    }
}
