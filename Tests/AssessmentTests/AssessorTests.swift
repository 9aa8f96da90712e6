import Assessment
import Foundation
import IAM
import Lambda
import Testing

@Suite("Assessor and report")
struct AssessorTests {
    let inventory = AssessmentInventory(
        functions: [
            Fixtures.function("old", runtime: "python3.9", hasEnvironment: true, reservedConcurrency: nil),
            Fixtures.function("fine"),
        ],
        roles: [
            "arn:aws:iam::123456789012:role/hello-role": EntityPolicyTexts(
                identity: [
                    StoredPolicyText(
                        name: "logs", arn: nil,
                        document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:*","Resource":"*"}]}"#)
                ],
                boundary: nil)
        ], accountID: "123456789012")

    @Test func findingsMostSevereFirstThenById() {
        let findings = Assessor.findings(in: inventory, now: Fixtures.now)
        #expect(
            findings.map(\.check) == [
                "lambda-runtime-deprecated", "iam-role-service-wildcard", "lambda-environment-aws-managed-key", "lambda-no-concurrency-limit",
            ])
        // One finding per role, however many functions use it.
        #expect(findings.filter { $0.check == "iam-role-service-wildcard" }.first?.explanation.contains("used by fine, old") == true)
    }

    @Test(arguments: [(Severity.critical, false), (.high, true), (.informational, true)])
    func threshold(severity: Severity, fails: Bool) {
        #expect(AssessmentReport(findings: Assessor.findings(in: inventory, now: Fixtures.now)).fails(at: severity) == fails)
    }

    @Test func severityNames() {
        #expect(Severity(named: "HIGH") == .high)
        #expect(Severity(named: "info") == .informational)
        #expect(Severity(named: "severe") == nil)
        #expect(Severity.critical > .high && Severity.low > .informational)
    }

    @Test func jsonAndTable() throws {
        let report = AssessmentReport(findings: Assessor.findings(in: inventory, now: Fixtures.now))
        let decoded = try #require(try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        #expect(decoded["summary"] as? [String: Int] == ["critical": 0, "high": 1, "medium": 1, "low": 1, "informational": 1])
        let first = try #require((decoded["findings"] as? [[String: Any]])?.first)
        #expect(Set(first.keys) == ["id", "check", "severity", "resource", "explanation", "remediation", "command"])
        #expect(first["severity"] as? String == "high")
        let lines = report.text.split(separator: "\n")
        #expect(lines.first?.split(separator: " ") == ["SEVERITY", "CHECK", "RESOURCE"])
        #expect(lines.last == "4 finding(s): 1 high, 1 medium, 1 low, 1 informational.")
        #expect(AssessmentReport(findings: []).text == "No findings.")
    }
}
