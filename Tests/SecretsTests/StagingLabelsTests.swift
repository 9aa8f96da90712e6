import Testing

@testable import Secrets

/// How staging labels move between versions, one row per case.
@Suite("Staging labels")
struct StagingLabelsTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let before: [String: [String]]
        let labels: [String]
        let version: String
        let after: [String: [String]]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "first version", before: [:], labels: ["AWSCURRENT"], version: "v1", after: ["v1": ["AWSCURRENT"]]),
        Case(
            name: "AWSCURRENT moves, the former current becomes AWSPREVIOUS", before: ["v1": ["AWSCURRENT"]], labels: ["AWSCURRENT"],
            version: "v2", after: ["v1": ["AWSPREVIOUS"], "v2": ["AWSCURRENT"]]),
        Case(
            name: "AWSPREVIOUS leaves the older version", before: ["v1": ["AWSPREVIOUS"], "v2": ["AWSCURRENT"]], labels: ["AWSCURRENT"],
            version: "v3", after: ["v1": [], "v2": ["AWSPREVIOUS"], "v3": ["AWSCURRENT"]]),
        Case(
            name: "a custom label moves alone", before: ["v1": ["AWSCURRENT", "blue"]], labels: ["blue"], version: "v2",
            after: ["v1": ["AWSCURRENT"], "v2": ["blue"]]),
        Case(
            name: "AWSPENDING does not touch AWSCURRENT", before: ["v1": ["AWSCURRENT"]], labels: ["AWSPENDING"], version: "v2",
            after: ["v1": ["AWSCURRENT"], "v2": ["AWSPENDING"]]),
        Case(
            name: "labelling the current version again changes nothing", before: ["v1": ["AWSPREVIOUS"], "v2": ["AWSCURRENT"]],
            labels: ["AWSCURRENT"], version: "v2", after: ["v1": ["AWSPREVIOUS"], "v2": ["AWSCURRENT"]]),
    ]

    @Test(arguments: cases)
    func attach(_ row: Case) {
        #expect(StagingLabels.attach(row.labels, to: row.version, in: row.before) == row.after)
    }
}
