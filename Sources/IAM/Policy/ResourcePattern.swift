/// One entry of `Resource`/`NotResource`, or the value of an `Arn*` condition: an ARN whose fields
/// may hold `*`/`?` wildcards and policy variables.
///
/// The first five fields (`arn`, partition, service, region, account) are matched each on its own,
/// so a wildcard never reaches across their colons; the resource part after the fifth colon is one
/// field in which `*` matches anything, colons included (`function:*` covers `function:f:1`).
/// A pattern with fewer fields whose last character is `*` (`arn:aws:s3:*`) lets that `*` cover
/// the rest of the ARN, as AWS documents for a `*` that ends a field. A resource that is not an ARN
/// (`*` for actions without one) is matched against the whole pattern.
public struct ResourcePattern: Sendable, Hashable, CustomStringConvertible {
    /// The entry as written in the policy.
    public let text: String
    /// The whole entry as one pattern, for resources that are not ARNs.
    let whole: PolicyString
    /// The fields, split at the first five colons outside `${...}`.
    let fields: Fields
    /// Whether the entry ends with `*`, which then covers the fields it does not name.
    let endsWithWildcard: Bool

    /// How the fields are kept.
    enum Fields: Sendable, Hashable {
        /// As parts of ``whole``'s pattern: for ASCII entries without `${`, where each unit of the
        /// pattern is one byte of the text, so a field is the units between two colons — read once
        /// when the policy is parsed, with no pattern of its own.
        case inPlace([FieldRange])
        /// Each field its own string: entries with policy variables (or their `${*}` escapes), or
        /// with text that is not ASCII.
        case separate([PolicyString])
    }

    /// One field of an entry kept in place: a range of ``whole``'s units and the shape of that part.
    struct FieldRange: Sendable, Hashable {
        let start: Int
        let end: Int
        let shape: GlobPattern.Shape
    }

    init(_ text: String, variables: Bool) {
        self.text = text
        self.endsWithWildcard = text.hasSuffix("*")
        let whole = PolicyString(text, wildcards: true, variables: variables)
        self.whole = whole
        let inPlace = text.utf8.allSatisfy { $0 < 0x80 } && !(variables && Self.containsVariableOpening(text))
        if inPlace, let pattern = whole.constantPattern {
            self.fields = .inPlace(Self.fieldRanges(pattern.units))
        } else {
            self.fields = .separate(Self.split(text, variables: variables).map { PolicyString($0, wildcards: true, variables: variables) })
        }
    }

    /// The number of fields, from one (no colon) to six.
    var fieldCount: Int {
        switch fields {
        case .inPlace(let ranges): ranges.count
        case .separate(let fields): fields.count
        }
    }

    /// Whether `${` occurs in `text`.
    private static func containsVariableOpening(_ text: String) -> Bool {
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if previous == UInt8(ascii: "$"), byte == UInt8(ascii: "{") { return true }
            previous = byte
        }
        return false
    }

    /// The fields of an entry's units (one unit per byte), split at the first five colons.
    private static func fieldRanges(_ units: [UInt16]) -> [FieldRange] {
        units.withUnsafeBufferPointer { units in
            var ranges: [FieldRange] = []
            ranges.reserveCapacity(6)
            var start = 0
            func append(_ end: Int) {
                ranges.append(FieldRange(start: start, end: end, shape: GlobPattern.shape(of: UnsafeBufferPointer(rebasing: units[start..<end]))))
            }
            for index in 0..<units.count where units[index] == UInt16(UInt8(ascii: ":")) && ranges.count < 5 {
                append(index)
                start = index + 1
            }
            append(units.count)
            return ranges
        }
    }

    /// The keys of the variables it needs a value for, lowercased.
    var requiredKeys: [String] { whole.requiredKeys }

    /// Whether `resource` is covered, or nil when a policy variable has no value (then the entry
    /// covers nothing, and a `NotResource` holding it voids its statement).
    func matches(_ resource: String, lookup: (String) -> String?) -> Bool? {
        matches(ResourceText(resource), lookup: lookup)
    }

    /// ``matches(_:lookup:)`` on a resource whose fields were located once for the whole request.
    func matches(_ resource: ResourceText, lookup: (String) -> String?) -> Bool? {
        guard resource.isASCII else { return splitMatches(resource.text, lookup: lookup) }
        let count = fieldCount
        guard count > 1, let starts = resource.fieldStarts else {
            return whole.pattern(lookup).map { $0.matches(resource.text) }
        }
        let last = count - 1
        if count < 6, !endsWithWildcard { return false }
        switch fields {
        case .inPlace(let ranges):
            guard let units = whole.constantPattern?.units else { return false }
            return resource.withBytes { bytes in
                units.withUnsafeBufferPointer { units in
                    for index in 0...last {
                        let range = ranges[index]
                        if range.shape == .everything { continue }
                        let end = index < last ? starts[index + 1] - 1 : bytes.count
                        let field = UnsafeBufferPointer(rebasing: bytes[starts[index]..<end])
                        let pattern = UnsafeBufferPointer(rebasing: units[range.start..<range.end])
                        if !GlobPattern.matches(pattern, shape: range.shape, bytes: field) { return false }
                    }
                    return true
                }
            }
        case .separate(let fields):
            return resource.withBytes { bytes -> Bool? in
                for index in 0..<last {
                    guard let pattern = fields[index].pattern(lookup) else { return nil }
                    let field = UnsafeBufferPointer(rebasing: bytes[starts[index]..<(starts[index + 1] - 1)])
                    if !pattern.matches(bytes: field) { return false }
                }
                guard let pattern = fields[last].pattern(lookup) else { return nil }
                return pattern.matches(bytes: UnsafeBufferPointer(rebasing: bytes[starts[last]...]))
            }
        }
    }

    /// The pattern of field `index`, its variables replaced; nil when one has no value.
    private func fieldPattern(_ index: Int, _ lookup: (String) -> String?) -> GlobPattern? {
        switch fields {
        case .inPlace(let ranges):
            guard let units = whole.constantPattern?.units else { return nil }
            return GlobPattern(units: Array(units[ranges[index].start..<ranges[index].end]))
        case .separate(let fields):
            return fields[index].pattern(lookup)
        }
    }

    /// The match of text that is not ASCII, split by characters (the reference the fast path keeps to).
    func splitMatches(_ resource: String, lookup: (String) -> String?) -> Bool? {
        let parts = resource.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        let count = fieldCount
        guard count > 1, parts.count == 6, parts[0] == "arn" else {
            return whole.pattern(lookup).map { $0.matches(resource) }
        }
        let last = count - 1
        if count < 6, !endsWithWildcard { return false }
        for index in 0..<last {
            guard let pattern = fieldPattern(index, lookup) else { return nil }
            if !pattern.matches(String(parts[index])) { return false }
        }
        guard let pattern = fieldPattern(last, lookup) else { return nil }
        return pattern.matches(parts[last...].joined(separator: ":"))
    }

    /// Splits at the first five colons that are not inside a policy variable (`${aws:username}`).
    static func split(_ text: String, variables: Bool) -> [String] {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return splitASCII(text, variables: variables) }
        return splitCharacters(text, variables: variables)
    }

    /// ``split(_:variables:)`` character by character, for any text.
    static func splitCharacters(_ text: String, variables: Bool) -> [String] {
        var fields: [String] = []
        var current = ""
        var insideVariable = false
        var previous: Character?
        for character in text {
            if variables, character == "{", previous == "$" { insideVariable = true }
            if insideVariable, character == "}" { insideVariable = false }
            if character == ":", !insideVariable, fields.count < 5 {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
            previous = character
        }
        fields.append(current)
        return fields
    }

    /// ``split(_:variables:)`` over the bytes of ASCII text, where a byte is a character.
    static func splitASCII(_ text: String, variables: Bool) -> [String] {
        var fields: [String] = []
        fields.reserveCapacity(6)
        var insideVariable = false
        var previous: UInt8 = 0
        let utf8 = text.utf8
        var start = utf8.startIndex
        var index = start
        while index < utf8.endIndex {
            let byte = utf8[index]
            if variables, byte == UInt8(ascii: "{"), previous == UInt8(ascii: "$") { insideVariable = true }
            if insideVariable, byte == UInt8(ascii: "}") { insideVariable = false }
            if byte == UInt8(ascii: ":"), !insideVariable, fields.count < 5 {
                fields.append(String(text[start..<index]))
                start = utf8.index(after: index)
            }
            previous = byte
            index = utf8.index(after: index)
        }
        fields.append(String(text[start...]))
        return fields
    }

    public var description: String { text }
}
