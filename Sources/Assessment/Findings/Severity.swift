/// How much a finding matters, in Amazon Inspector's order (informational lowest).
public enum Severity: String, Sendable, Codable, CaseIterable, Comparable {
    case informational
    case low
    case medium
    case high
    case critical

    private var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }

    /// The severity named `name` (case-insensitive; `info` for informational).
    public init?(named name: String) {
        let lowered = name.lowercased()
        guard let found = Self.allCases.first(where: { $0.rawValue == lowered || (lowered == "info" && $0 == .informational) }) else {
            return nil
        }
        self = found
    }
}
