import Testing

@testable import ObjectStore

@Suite("Range: bytes=… as S3 serves it (one range; unreadable headers ignored)")
struct ByteRangeTests {
    @Test(
        "ranges of a 1000-byte object",
        arguments: [
            (nil, ByteRange.whole),
            ("bytes=0-9", .partial(lower: 0, upper: 9)),
            ("bytes=990-", .partial(lower: 990, upper: 999)),
            ("bytes=-10", .partial(lower: 990, upper: 999)),
            ("bytes=-5000", .partial(lower: 0, upper: 999)),
            ("bytes=10-5000", .partial(lower: 10, upper: 999)),
            ("bytes=999-999", .partial(lower: 999, upper: 999)),
            ("bytes= 5-6 ", .partial(lower: 5, upper: 6)),
            ("bytes=1000-", .unsatisfiable),
            ("bytes=2000-3000", .unsatisfiable),
            ("bytes=-0", .unsatisfiable),
            // Not understood: the whole object, as S3 answers them.
            ("bytes=0-1,5-6", .whole),
            ("bytes=9-5", .whole),
            ("bytes=a-b", .whole),
            ("bytes=-", .whole),
            ("items=0-9", .whole),
            ("bytes=5", .whole),
        ] as [(String?, ByteRange)]
    )
    func ranges(header: String?, expected: ByteRange) {
        #expect(ByteRange(header: header, size: 1000) == expected)
    }

    @Test("an empty object has no satisfiable suffix range")
    func emptyObject() {
        #expect(ByteRange(header: "bytes=-1", size: 0) == .unsatisfiable)
        #expect(ByteRange(header: "bytes=0-", size: 0) == .unsatisfiable)
        #expect(ByteRange(header: nil, size: 0) == .whole)
    }
}
