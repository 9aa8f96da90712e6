import Foundation

/// ListObjectsV2's walk over keys in order: `prefix`, `delimiter` rolling keys up into common
/// prefixes, a page of `maxKeys` entries (keys and common prefixes count alike), and where the next
/// page starts (the last entry listed, which the continuation token carries).
///
/// Keys are UTF-8 byte strings to S3, walked in byte order (SQLite's `BINARY` collation); the
/// prefix and the delimiter match bytes too. `String.hasPrefix` compares characters: `logs/`
/// is no prefix of `logs/\u{301}x` (the slash and the accent are one character), which would end
/// the walk there and hide the keys after it.
struct ObjectListing<Entry: Sendable>: Sendable {
    let prefix: String
    let delimiter: String?
    let maxKeys: Int

    private(set) var contents: [(key: String, entry: Entry)] = []
    private(set) var commonPrefixes: [String] = []
    /// Whether entries remain after the page.
    private(set) var isTruncated = false
    /// Set once the page is full and one more entry was seen, or the keys ran out.
    private(set) var isComplete = false

    init(prefix: String, delimiter: String?, maxKeys: Int) {
        self.prefix = prefix
        self.delimiter = delimiter.flatMap { $0.isEmpty ? nil : $0 }
        self.maxKeys = maxKeys
        if maxKeys <= 0 { isComplete = true }
    }

    /// The last entry listed: a key or a common prefix.
    var lastListed: String? {
        let lastKey = contents.last?.key
        let lastPrefix = commonPrefixes.last
        switch (lastKey, lastPrefix) {
        case (let key?, let rolled?): return key.utf8.lexicographicallyPrecedes(rolled.utf8) ? rolled : key
        case (let key?, nil): return key
        case (nil, let rolled?): return rolled
        case (nil, nil): return nil
        }
    }

    /// Whether `key` belongs to an entry listed on an earlier page that ended at `marker` (a common
    /// prefix swallows every key under it).
    static func isCovered(_ key: String, byMarker marker: String, delimiter: String?) -> Bool {
        guard let delimiter, !delimiter.isEmpty, marker.utf8.reversed().starts(with: delimiter.utf8.reversed()) else { return false }
        return key.utf8.starts(with: marker.utf8)
    }

    /// Where a walk of the store resumes once `key` was offered: past every key under the common
    /// prefix it was rolled up into (``keyAfter(everyKeyUnder:)``), whose other keys the listing
    /// would only skip; `.some(nil)` when no key sorts after them. `nil` when `key` was not rolled up.
    func resumption(after key: String) -> String?? {
        guard let rolled = commonPrefixes.last, key.utf8.starts(with: rolled.utf8) else { return nil }
        return .some(Self.keyAfter(everyKeyUnder: rolled))
    }

    /// Where a walk of the store starts for a page after `marker`: keys at least `from`, and only
    /// those after `after`. A marker that is a common prefix listed before swallows every key under
    /// it, so the walk starts past them; nil when no key sorts after them.
    func start(after marker: String?) -> (from: String, after: String?)? {
        guard let marker else { return (prefix, nil) }
        guard Self.isCovered(marker, byMarker: marker, delimiter: delimiter) else { return (prefix, marker) }
        guard let past = Self.keyAfter(everyKeyUnder: marker) else { return nil }
        return (prefix.utf8.lexicographicallyPrecedes(past.utf8) ? past : prefix, nil)
    }

    /// The least key sorting (in UTF-8 byte order) after every key that starts with `prefix`, or
    /// nil when there is none (`prefix` is empty or all U+10FFFF). Its last scalar that has a
    /// successor is raised to it and the scalars after it dropped: UTF-8 orders scalars by value,
    /// so a key in between would start with `prefix`.
    static func keyAfter(everyKeyUnder prefix: String) -> String? {
        var scalars = Array(prefix.unicodeScalars)
        while let last = scalars.popLast() {
            // Surrogates are no scalars: U+D7FF is followed by U+E000.
            let value = last.value == 0xD7FF ? 0xE000 : last.value + 1
            guard let next = Unicode.Scalar(value) else { continue }
            scalars.append(next)
            var key = String.UnicodeScalarView()
            key.append(contentsOf: scalars)
            return String(key)
        }
        return nil
    }

    /// Offers the next key in order; keys not under the prefix end the walk.
    mutating func offer(_ key: String, _ entry: Entry) {
        guard !isComplete else { return }
        guard key.utf8.starts(with: prefix.utf8) else {
            isComplete = true
            return
        }
        let rolled = delimiter.flatMap { Self.rolledUp(key, after: prefix.utf8.count, through: $0) }
        // Byte equality: `==` on strings equates canonically equivalent ones, two distinct prefixes.
        if let rolled, let last = commonPrefixes.last, last.utf8.elementsEqual(rolled.utf8) { return }
        guard contents.count + commonPrefixes.count < maxKeys else {
            isTruncated = true
            isComplete = true
            return
        }
        if let rolled {
            commonPrefixes.append(rolled)
        } else {
            contents.append((key, entry))
        }
    }

    /// `key` up to and including the first `delimiter` after its first `offset` bytes, or `nil`.
    /// A match of one well-formed UTF-8 string in another starts and ends on scalar boundaries,
    /// so the bytes up to it decode as they were.
    static func rolledUp(_ key: String, after offset: Int, through delimiter: String) -> String? {
        let bytes = Array(key.utf8)
        let needle = Array(delimiter.utf8)
        guard !needle.isEmpty, offset + needle.count <= bytes.count else { return nil }
        for start in offset...(bytes.count - needle.count) where bytes[start..<start + needle.count].elementsEqual(needle) {
            return String(decoding: bytes[..<(start + needle.count)], as: UTF8.self)
        }
        return nil
    }

    /// The keys ran out.
    mutating func finish() {
        isComplete = true
    }
}
