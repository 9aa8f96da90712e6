import Execution
import Foundation
import Glibc
import Logging

extension BulwarkServer {
    /// What `bulwark doctor` reports.
    public struct Diagnosis: Sendable {
        public let text: String
        public let canRunFunctions: Bool
    }

    /// Probes the host as `bulwark serve` would: sandbox tools, control groups, seccomp, runtimes.
    ///
    /// It stages in a directory of its own beside the one `serve` uses — never in that one, which a
    /// running server may be using — and removes it afterwards.
    public static func diagnose(dataDirectory: URL, execution: ExecutionSettings, logger: Logger) async throws -> Diagnosis {
        let serverStaging = execution.stagingDirectory ?? ExecutionSettings.defaultStagingDirectory(for: dataDirectory.standardizedFileURL)
        let staging = serverStaging.deletingLastPathComponent()
            // Short: the environments' sockets live below it (its owner record names the process).
            .appendingPathComponent("\(ExecutionSettings.defaultStagingPrefix)doctor-\(String(UInt32.random(in: 0...UInt32.max), radix: 36))")
        let claim = try claimStaging(staging, dataDirectory: nil)
        defer { withExtendedLifetime(claim) {} }
        let host = ExecutionHost(
            .init(
                stagingDirectory: staging,
                initExecutable: siblingExecutable("bulwark-init"),
                runtimes: .init(
                    interpreters: execution.interpreters,
                    pythonClients: execution.runtimesDirectory.standardizedFileURL,
                    nodeClient: RuntimeCatalog.bundledNodeClient
                ),
                insecureNoSandbox: execution.insecureNoSandbox
            ),
            logger: logger
        )
        defer { host.releaseStaging(removingDirectory: true, logger: logger) }
        let preparation = await host.prepared()
        var lines = host.report(preparation)
        lines.append("")
        if let blocker = preparation.blocker {
            lines.append("Functions cannot run: \(blocker).")
        } else {
            lines.append("Functions can run\(host.warnings.isEmpty ? " in full sandboxes." : ", with these controls missing:")")
            lines += host.warnings.map { "  - \($0)" }
        }
        return Diagnosis(text: lines.joined(separator: "\n"), canRunFunctions: preparation.blocker == nil)
    }
}
