import Testing

@testable import ObjectStore

@Suite("ListObjectsV2's walk: prefix, delimiter, pages")
struct ObjectListingTests {
    static let keys = ["a/1", "a/2", "a/b/3", "b/1", "c", "d", "e/f/g"]

    /// Lists one page of `keys` (in order) after `marker`, as the handler walks the store.
    static func page(
        _ keys: [String] = keys, prefix: String = "", delimiter: String? = nil, maxKeys: Int, after marker: String? = nil
    ) -> ObjectListing<Int> {
        var listing = ObjectListing<Int>(prefix: prefix, delimiter: delimiter, maxKeys: maxKeys)
        for (index, key) in keys.enumerated() where !key.utf8.lexicographicallyPrecedes(prefix.utf8) {
            if let marker {
                guard marker.utf8.lexicographicallyPrecedes(key.utf8) else { continue }
                if ObjectListing<Int>.isCovered(key, byMarker: marker, delimiter: delimiter) { continue }
            }
            listing.offer(key, index)
            if listing.isComplete { break }
        }
        listing.finish()
        return listing
    }

    @Test("without a delimiter every key under the prefix is listed")
    func plain() {
        let listing = Self.page(prefix: "a/", maxKeys: 1000)
        #expect(listing.contents.map(\.key) == ["a/1", "a/2", "a/b/3"])
        #expect(listing.commonPrefixes.isEmpty && !listing.isTruncated)
    }

    @Test("a delimiter rolls keys up to the first delimiter after the prefix")
    func delimiter() {
        let top = Self.page(delimiter: "/", maxKeys: 1000)
        #expect(top.contents.map(\.key) == ["c", "d"])
        #expect(top.commonPrefixes == ["a/", "b/", "e/"])
        let nested = Self.page(prefix: "a/", delimiter: "/", maxKeys: 1000)
        #expect(nested.contents.map(\.key) == ["a/1", "a/2"])
        #expect(nested.commonPrefixes == ["a/b/"])
        // A delimiter of several characters, and an empty one (no delimiter).
        #expect(Self.page(["x--1", "x--2", "y"], delimiter: "--", maxKeys: 10).commonPrefixes == ["x--"])
        #expect(Self.page(["x/1"], delimiter: "", maxKeys: 10).contents.map(\.key) == ["x/1"])
    }

    @Test("keys and common prefixes fill a page alike; the next page starts after the last entry")
    func paging() {
        var pages: [[String]] = []
        var marker: String?
        repeat {
            let listing = Self.page(delimiter: "/", maxKeys: 2, after: marker)
            pages.append(listing.contents.map(\.key) + listing.commonPrefixes)
            marker = listing.isTruncated ? listing.lastListed : nil
        } while marker != nil
        #expect(pages == [["a/", "b/"], ["c", "d"], ["e/"]])
    }

    @Test("the last entry listed is the greater of the last key and the last common prefix")
    func lastListed() {
        let listing = Self.page(["a/1", "b"], delimiter: "/", maxKeys: 10)
        #expect(listing.lastListed == "b")
        let rolled = Self.page(["a", "b/1"], delimiter: "/", maxKeys: 10)
        #expect(rolled.lastListed == "b/")
        #expect(Self.page([], maxKeys: 10).lastListed == nil)
    }

    @Test("a common prefix from an earlier page swallows its keys")
    func covered() {
        #expect(ObjectListing<Int>.isCovered("a/b/3", byMarker: "a/", delimiter: "/"))
        #expect(!ObjectListing<Int>.isCovered("a/b/3", byMarker: "a/2", delimiter: "/"))
        #expect(!ObjectListing<Int>.isCovered("a/b/3", byMarker: "a/", delimiter: nil))
    }

    @Test("MaxKeys 0 lists nothing and is not truncated; a full page with more keys is")
    func limits() {
        let none = Self.page(maxKeys: 0)
        #expect(none.contents.isEmpty && none.commonPrefixes.isEmpty && !none.isTruncated)
        let full = Self.page(maxKeys: 7)
        #expect(full.contents.count == 7 && !full.isTruncated)
        let short = Self.page(maxKeys: 6)
        #expect(short.contents.count == 6 && short.isTruncated)
    }

    /// `logs/\u{301}x`: to `String.hasPrefix`, `logs/` is no prefix of it (the slash and the accent
    /// are one character); in byte order it sits between `logs/a` and `logs/\u{4E00}`.
    static let unicodeKeys = ["logs/a", "logs/\u{301}x", "logs/\u{4E00}", "logs/\u{4E00}/1", "logt"]

    @Test("prefixes match UTF-8 bytes: a combining mark after the prefix neither ends the walk nor hides later keys")
    func combiningMarkAfterPrefix() {
        let keys = Self.unicodeKeys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        #expect(keys == Self.unicodeKeys)
        let listing = Self.page(keys, prefix: "logs/", maxKeys: 1000)
        #expect(listing.contents.map(\.key) == ["logs/a", "logs/\u{301}x", "logs/\u{4E00}", "logs/\u{4E00}/1"])
        let rolled = Self.page(keys, prefix: "logs/", delimiter: "/", maxKeys: 1000)
        #expect(rolled.contents.map(\.key) == ["logs/a", "logs/\u{301}x", "logs/\u{4E00}"])
        #expect(rolled.commonPrefixes == ["logs/\u{4E00}/"])
        let top = Self.page(keys, delimiter: "/", maxKeys: 1000)
        #expect(top.commonPrefixes == ["logs/"] && top.contents.map(\.key) == ["logt"])
    }

    @Test("delimiters match UTF-8 bytes: a decomposed é is not the precomposed delimiter, nor the same common prefix")
    func canonicallyEquivalentDelimiters() {
        let keys = ["a\u{E9}1", "ae\u{301}1", "ae\u{301}2"].sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let listing = Self.page(keys, delimiter: "\u{E9}", maxKeys: 1000)
        #expect(listing.commonPrefixes.map { Array($0.utf8) } == [Array("a\u{E9}".utf8)])
        #expect(listing.contents.map { Array($0.key.utf8) } == [Array("ae\u{301}1".utf8), Array("ae\u{301}2".utf8)])
        // In byte order `e` (0x65) precedes `é` (0xC3 0xA9).
        let decomposed = Self.page(["ae\u{301}/1", "a\u{E9}/1"], delimiter: "/", maxKeys: 1000)
        #expect(decomposed.commonPrefixes.map { Array($0.utf8) } == [Array("ae\u{301}/".utf8), Array("a\u{E9}/".utf8)])
        #expect(ObjectListing<Int>.isCovered("ae\u{301}/1", byMarker: "a\u{E9}/", delimiter: "/") == false)
    }

    @Test("the key after every key under a prefix: its last scalar raised, U+10FFFF dropped, surrogates skipped")
    func keyAfterPrefix() throws {
        #expect(ObjectListing<Int>.keyAfter(everyKeyUnder: "a/") == "a0")
        #expect(ObjectListing<Int>.keyAfter(everyKeyUnder: "a--") == "a-.")
        #expect(ObjectListing<Int>.keyAfter(everyKeyUnder: "a\u{10FFFF}") == "b")
        #expect(ObjectListing<Int>.keyAfter(everyKeyUnder: "x\u{D7FF}").map { Array($0.utf8) } == Array("x\u{E000}".utf8))
        #expect(ObjectListing<Int>.keyAfter(everyKeyUnder: "\u{10FFFF}\u{10FFFF}") == nil)
        #expect(ObjectListing<Int>.keyAfter(everyKeyUnder: "") == nil)
        // Every key under the prefix sorts before it, every other key after the prefix at or after it.
        let keys = Self.unicodeKeys + ["logs/", "logs/\u{10FFFF}\u{10FFFF}", "logs0", "logs/\u{E9}", "logr\u{10FFFF}", "logs"]
        for prefix in ["logs/", "logs/\u{4E00}/", "l", "logs"] {
            let past = try #require(ObjectListing<Int>.keyAfter(everyKeyUnder: prefix))
            for key in keys where !key.utf8.lexicographicallyPrecedes(prefix.utf8) {
                #expect(key.utf8.starts(with: prefix.utf8) == key.utf8.lexicographicallyPrecedes(past.utf8), "\(prefix) \(key)")
            }
        }
    }

    @Test("a walk resumes past a rolled-up common prefix, and a page after a common prefix starts past it")
    func resumption() {
        var listing = ObjectListing<Int>(prefix: "", delimiter: "/", maxKeys: 10)
        listing.offer("a", 0)
        #expect(listing.resumption(after: "a") == nil)
        listing.offer("b/1", 1)
        #expect(listing.resumption(after: "b/1") == .some("b0"))
        func start(_ listing: ObjectListing<Int>, _ marker: String?) -> [String?] {
            listing.start(after: marker).map { [$0.from, $0.after] } ?? []
        }
        #expect(start(listing, nil) == ["", nil])
        #expect(start(listing, "b") == ["", "b"])
        #expect(start(listing, "b/") == ["b0", nil])
        let nested = ObjectListing<Int>(prefix: "c/", delimiter: "/", maxKeys: 10)
        #expect(start(nested, "a/") == ["c/", nil])
        #expect(start(nested, "\u{10FFFF}/") == ["\u{10FFFF}0", nil])
        #expect(start(nested, "\u{10FFFF}") == ["c/", "\u{10FFFF}"])
        let marked = ObjectListing<Int>(prefix: "", delimiter: "\u{10FFFF}", maxKeys: 10)
        #expect(start(marked, "\u{10FFFF}").isEmpty)
    }
}
