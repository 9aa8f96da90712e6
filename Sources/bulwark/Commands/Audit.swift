import ArgumentParser
import Assessment
import Foundation
import Store

/// `bulwark audit`: every deviation from the AWS Lambda security best practices that the data
/// directory shows, like a linter: exit 0 when none reaches `--fail-on`, 1 when one does, 2 when
/// it cannot run.
struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Report deviations from the AWS Lambda security best practices, with the aws CLI command that fixes each.",
        discussion: """
            Reads the data directory read-only, beside a running server if there is one: credentials found in \
            code and variables, deprecated runtimes, variables under the AWS managed key, functions without \
            concurrency limits, public or unscoped function policies, over-broad execution roles, root access \
            keys, old access keys and passwords, privileged users without MFA, and keys and secrets that do not \
            rotate. Exit status: 0 when no \
            finding is at or above --fail-on, 1 when one is, 2 on a usage error.
            """
    )

    /// A usage error: `bulwark audit` exits 2 for it, as linters do, since 1 means findings.
    static let usageExitCode = ExitCode(2)

    @OptionGroup var dataDirectory: DataDirectoryOption
    @Option(help: "table or json.") var format = "table"
    @Option(name: .customLong("fail-on"), help: "The lowest severity that fails: critical, high, medium, low or informational.")
    var failOn = "high"

    func run() async throws {
        guard ["table", "json"].contains(format) else { throw Self.usage("--format takes table or json, not \(format).") }
        guard let threshold = Severity(named: failOn) else {
            throw Self.usage("--fail-on takes critical, high, medium, low or informational, not \(failOn).")
        }
        let directory = dataDirectory.url
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw Self.usage("No data directory at \(directory.path): give --data-dir or set BULWARK_DATA_DIR.")
        }
        let now = Date()
        let inventory: AssessmentInventory
        do {
            let database = try BulwarkDatabase(readingDirectory: directory, schemas: AssessmentInventory.schemas)
            inventory = try await AssessmentInventory.read(from: database, now: now)
        } catch StoreError.unavailable(let reason) {
            throw Self.usage("Cannot read the data directory \(directory.path): \(reason).")
        } catch {
            throw Self.usage("Cannot read the data directory \(directory.path): \(error).")
        }
        let report = AssessmentReport(findings: Assessor.findings(in: inventory, now: now))
        print(format == "json" ? try report.json() : report.text)
        if report.fails(at: threshold) { throw ExitCode(1) }
    }

    private static func usage(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
        return usageExitCode
    }
}
