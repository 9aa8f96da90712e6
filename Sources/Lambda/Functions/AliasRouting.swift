/// How an alias shares invocations between two versions: its own version, and a second one that
/// runs `weight` (0.0–1.0) of them. Each invocation is decided on its own.
public struct AliasRouting: Sendable, Equatable {
    /// The second version (a published number).
    public var additionalVersion: String
    /// The share of invocations the second version runs.
    public var weight: Double

    public init(additionalVersion: String, weight: Double) {
        self.additionalVersion = additionalVersion
        self.weight = weight
    }

    /// The version one invocation runs, for `roll`, a number drawn uniformly from `0..<1`: the
    /// second version below `weight`, the alias's own version otherwise.
    func version(primary: String, roll: Double) -> String {
        roll < weight ? additionalVersion : primary
    }

    /// The routing an alias request asks for, checked as Lambda checks it: at most one additional
    /// version, not the alias's own, and none beside `$LATEST`. An empty map clears the routing
    /// (nil); the model has already checked that each version is a number and each weight in 0–1.
    static func requested(_ weights: [String: Double], primary: String) throws -> AliasRouting? {
        guard let (version, weight) = weights.first else { return nil }
        guard weights.count == 1 else {
            throw LambdaError.invalidParameter(
                "1 validation error detected: Value '\(weights.keys.sorted())' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map must have at most 1 entry"
            )
        }
        if primary == LambdaService.latest {
            throw LambdaError.invalidParameter("$LATEST is not supported for an alias pointing to more than 1 version")
        }
        if version == primary {
            throw LambdaError.invalidParameter(
                "Invalid function version \(version). Function version \(version) is already included in routing configuration.")
        }
        return AliasRouting(additionalVersion: version, weight: weight)
    }
}
