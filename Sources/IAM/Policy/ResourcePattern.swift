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
    /// The fields, split at the first five colons outside `${...}`.
    let fields: [PolicyString]
    /// The whole entry as one pattern, for resources that are not ARNs.
    let whole: PolicyString

    init(_ text: String, variables: Bool) {
        self.text = text
        self.fields = Self.split(text, variables: variables).map { PolicyString($0, wildcards: true, variables: variables) }
        self.whole = PolicyString(text, wildcards: true, variables: variables)
    }

    /// The keys of the variables it needs a value for, lowercased.
    var requiredKeys: [String] { whole.requiredKeys }

    /// Whether `resource` is covered, or nil when a policy variable has no value (then the entry
    /// covers nothing, and a `NotResource` holding it voids its statement).
    func matches(_ resource: String, lookup: (String) -> String?) -> Bool? {
        let parts = resource.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard fields.count > 1, parts.count == 6, parts[0] == "arn" else {
            return whole.pattern(lookup).map { $0.matches(resource) }
        }
        let last = fields.count - 1
        if fields.count < 6, !text.hasSuffix("*") { return false }
        for index in 0..<last {
            guard let pattern = fields[index].pattern(lookup) else { return nil }
            if !pattern.matches(String(parts[index])) { return false }
        }
        guard let pattern = fields[last].pattern(lookup) else { return nil }
        return pattern.matches(parts[last...].joined(separator: ":"))
    }

    /// Splits at the first five colons that are not inside a policy variable (`${aws:username}`).
    static func split(_ text: String, variables: Bool) -> [String] {
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

    public var description: String { text }
}
