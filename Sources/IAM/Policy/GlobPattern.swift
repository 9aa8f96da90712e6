/// A pattern of literal text, `*` (any run of characters, including none) and `?` (exactly one
/// character), matched against a whole string, case-sensitively, as IAM matches actions (after
/// lowercasing both sides), resources and `StringLike` values.
///
/// The pattern is kept as UTF-8 bytes with two markers so that a decision costs no allocation.
public struct GlobPattern: Sendable, Hashable {
    /// Bytes 0...255 are literal; ``anyRun`` and ``anyOne`` are the wildcards.
    let units: [UInt16]
    /// What the pattern is, found once so that the common shapes match without backtracking.
    let shape: Shape

    static let anyRun: UInt16 = 0x100
    static let anyOne: UInt16 = 0x101

    /// The shapes that most policies' entries have.
    enum Shape: Sendable, Hashable {
        /// `*`: every text.
        case everything
        /// No wildcard: the text itself.
        case exact
        /// Literal text then one `*` (`lambda:Get*`, `arn:aws:lambda:*:123:function:app-*` field by field).
        case prefix
        /// Anything else: matched with backtracking.
        case general
    }

    init(units: [UInt16]) {
        self.units = units
        self.shape = Self.shape(of: units)
    }

    /// A pattern where `*` and `?` are wildcards and every other character is literal.
    public init(wildcards text: String) {
        self.init(wildcards: text, lowercasingASCII: false)
    }

    /// A pattern where `*` and `?` are wildcards; with `lowercasingASCII`, ASCII capitals are read
    /// as their small letters (as ``ActionPattern/lowercasedASCII(_:)`` writes them), without a
    /// lowercased copy of the text.
    init(wildcards text: String, lowercasingASCII: Bool) {
        var units: [UInt16] = []
        units.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "*"): units.append(Self.anyRun)
            case UInt8(ascii: "?"): units.append(Self.anyOne)
            case UInt8(ascii: "A")...UInt8(ascii: "Z") where lowercasingASCII: units.append(UInt16(byte + 32))
            default: units.append(UInt16(byte))
            }
        }
        self.init(units: units)
    }

    /// A pattern that matches exactly `text`.
    public init(literal text: String) {
        self.init(units: text.utf8.map(UInt16.init))
    }

    private static func shape(of units: [UInt16]) -> Shape {
        units.withUnsafeBufferPointer { shape(of: $0) }
    }

    /// The shape of a pattern's units, or of a part of them (a field of a resource entry).
    static func shape(of units: UnsafeBufferPointer<UInt16>) -> Shape {
        guard let wildcard = units.firstIndex(where: { $0 >= anyRun }) else { return .exact }
        if wildcard == units.count - 1, units[wildcard] == anyRun { return wildcard == 0 ? .everything : .prefix }
        return .general
    }

    /// Whether the pattern is the single wildcard `*`, which matches everything.
    var matchesEverything: Bool { shape == .everything }

    /// Whether the whole of `text` matches the pattern.
    public func matches(_ text: String) -> Bool {
        if shape == .everything { return true }
        if let matched = text.utf8.withContiguousStorageIfAvailable({ matches(bytes: $0) }) { return matched }
        var text = text
        return text.withUTF8 { matches(bytes: $0) }
    }

    func matches(bytes text: UnsafeBufferPointer<UInt8>) -> Bool {
        if shape == .everything { return true }
        return units.withUnsafeBufferPointer { Self.matches($0, shape: shape, bytes: text) }
    }

    /// Whether the whole of `text` matches `pattern`, units of a pattern (or a part of them) whose
    /// shape is `shape`.
    static func matches(_ pattern: UnsafeBufferPointer<UInt16>, shape: Shape, bytes text: UnsafeBufferPointer<UInt8>) -> Bool {
        switch shape {
        case .everything:
            return true
        case .exact:
            guard text.count == pattern.count else { return false }
            for index in 0..<text.count where pattern[index] != UInt16(text[index]) { return false }
            return true
        case .prefix:
            let literal = pattern.count - 1
            guard text.count >= literal else { return false }
            for index in 0..<literal where pattern[index] != UInt16(text[index]) { return false }
            return true
        case .general:
            return backtrackingMatch(pattern, text)
        }
    }

    /// The general match: `*` absorbs as little as it can, and backtracks to absorb more.
    private static func backtrackingMatch(_ pattern: UnsafeBufferPointer<UInt16>, _ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var patternIndex = 0
        var textIndex = 0
        // Where the last `*` was seen and where the text stood then, to backtrack to.
        var starPattern = -1
        var starText = 0
        while textIndex < text.count {
            if patternIndex < pattern.count {
                let unit = pattern[patternIndex]
                if unit == anyRun {
                    starPattern = patternIndex
                    starText = textIndex
                    patternIndex += 1
                    continue
                }
                if unit == anyOne {
                    textIndex += scalarLength(text, at: textIndex)
                    patternIndex += 1
                    continue
                }
                if unit == UInt16(text[textIndex]) {
                    patternIndex += 1
                    textIndex += 1
                    continue
                }
            }
            guard starPattern >= 0 else { return false }
            // Let the last `*` absorb one more character and try again from there.
            starText += scalarLength(text, at: starText)
            textIndex = starText
            patternIndex = starPattern + 1
        }
        while patternIndex < pattern.count, pattern[patternIndex] == anyRun { patternIndex += 1 }
        return patternIndex == pattern.count
    }

    /// The length of the UTF-8 sequence starting at `index`, so that `?` consumes one character.
    private static func scalarLength(_ text: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        let lead = text[index]
        let length: Int
        switch lead {
        case 0..<0x80: length = 1
        case 0xC0..<0xE0: length = 2
        case 0xE0..<0xF0: length = 3
        case 0xF0...: length = 4
        default: length = 1
        }
        return min(length, text.count - index)
    }
}
