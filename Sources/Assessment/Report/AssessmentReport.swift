import Foundation

/// The findings as `bulwark audit` prints them: a table for people, JSON for programs.
public struct AssessmentReport: Sendable {
    public var findings: [Finding]

    public init(findings: [Finding]) {
        self.findings = findings
    }

    /// How many findings of each severity.
    public var counts: [Severity: Int] {
        Dictionary(grouping: findings, by: \.severity).mapValues(\.count)
    }

    /// Whether any finding is at or above `threshold`.
    public func fails(at threshold: Severity) -> Bool {
        findings.contains { $0.severity >= threshold }
    }

    /// `{"findings":[…],"summary":{"critical":n,…}}`, keys sorted.
    public func json() throws -> String {
        struct Document: Encodable {
            var findings: [Finding]
            var summary: [String: Int]
        }
        let summary = Dictionary(uniqueKeysWithValues: Severity.allCases.map { ($0.rawValue, counts[$0] ?? 0) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(Document(findings: findings, summary: summary)), as: UTF8.self)
    }

    /// A table (severity, check, resource) with each finding's explanation, fix and command under
    /// its row, most severe first, then the count by severity.
    public var text: String {
        guard !findings.isEmpty else { return "No findings." }
        let severityWidth = max(8, findings.map(\.severity.rawValue.count).max() ?? 0)
        let checkWidth = max(5, findings.map(\.check.count).max() ?? 0)
        func row(_ severity: String, _ check: String, _ resource: String) -> String {
            severity.padding(toLength: severityWidth, withPad: " ", startingAt: 0) + "  "
                + check.padding(toLength: checkWidth, withPad: " ", startingAt: 0) + "  " + resource
        }
        var lines = [row("SEVERITY", "CHECK", "RESOURCE")]
        for finding in findings {
            lines.append(row(finding.severity.rawValue.uppercased(), finding.check, finding.resource))
            lines.append("    \(finding.explanation)")
            lines.append("    fix: \(finding.remediation)")
            lines.append("    $ \(finding.command)")
            lines.append("    id: \(finding.id)")
        }
        let summary = Severity.allCases.reversed().compactMap { severity in counts[severity].map { "\($0) \(severity.rawValue)" } }
        lines.append("")
        lines.append("\(findings.count) finding(s): \(summary.joined(separator: ", ")).")
        return lines.joined(separator: "\n")
    }
}
