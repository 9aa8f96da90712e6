import BulwarkCore

/// The session tags of a new session, checked as STS checks them: the tags passed with the
/// request, and the transitive tags inherited from the calling session (role chaining).
struct SessionTags: Equatable {
    /// The tags of the new session: those passed, then those inherited.
    var tags: [IAMTag]
    /// The keys (lowercased) that pass on to sessions this one assumes: those marked transitive
    /// now, and those inherited.
    var transitiveKeys: [String]

    /// The session tags of a session requested with `tags` and `transitiveKeys` by a caller whose
    /// own session is `caller`.
    /// - Throws: `InvalidParameterValue` with AWS's messages — duplicate keys (tag keys are
    ///   case-insensitive), a transitive key that names no tag passed, or a tag passed under a key
    ///   the calling session holds as transitive.
    init(tags passed: [IAMTag], transitiveKeys: [String], caller: Principal.Session?) throws {
        let passedKeys = passed.map { $0.key.lowercased() }
        guard Set(passedKeys).count == passedKeys.count else {
            throw Self.invalid("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
        }
        let inheritedKeys = caller?.transitiveTagKeys ?? []
        guard inheritedKeys.isDisjoint(with: passedKeys) else {
            throw Self.invalid(
                "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.")
        }
        let transitive = transitiveKeys.map { $0.lowercased() }
        guard Set(transitive).isSubset(of: passedKeys) else {
            throw Self.invalid("The specified transitive tag key must be included in the requested tags.")
        }
        let inherited = (caller?.tags ?? [:]).filter { inheritedKeys.contains($0.key.lowercased()) }
            .sorted { $0.key < $1.key }.map { IAMTag(key: $0.key, value: $0.value) }
        var seen = Set<String>()
        self.tags = passed + inherited
        self.transitiveKeys = (transitive + inheritedKeys.sorted()).filter { seen.insert($0).inserted }
    }

    private static func invalid(_ message: String) -> AWSError {
        AWSError(code: "InvalidParameterValue", message: message, status: 400)
    }
}
