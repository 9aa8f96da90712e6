import Foundation

/// ListObjectsV2's walk over keys in order: `prefix`, `delimiter` rolling keys up into common
/// prefixes, a page of `maxKeys` entries (keys and common prefixes count alike), and where the next
/// page starts (the last entry listed, which the continuation token carries).
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
        guard let delimiter, !delimiter.isEmpty, marker.hasSuffix(delimiter) else { return false }
        return key.hasPrefix(marker)
    }

    /// Offers the next key in order; keys not under the prefix end the walk.
    mutating func offer(_ key: String, _ entry: Entry) {
        guard !isComplete else { return }
        guard key.hasPrefix(prefix) else {
            isComplete = true
            return
        }
        var rolled: String?
        if let delimiter, let range = key.dropFirst(prefix.count).range(of: delimiter) {
            rolled = String(key[..<range.upperBound])
        }
        if let rolled, commonPrefixes.last == rolled { return }
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

    /// The keys ran out.
    mutating func finish() {
        isComplete = true
    }
}
