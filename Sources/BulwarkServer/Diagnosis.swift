import Execution
import Foundation
import Logging

extension BulwarkServer {
    /// What `bulwark doctor` reports.
    public struct Diagnosis: Sendable {
        public let text: String
        public let canRunFunctions: Bool
    }

    /// Probes the host as `bulwark serve` would: sandbox tools, control groups, seccomp, runtimes.
    public static func diagnose(dataDirectory: URL, execution: ExecutionSettings, logger: Logger) throws -> Diagnosis {
        let host = ExecutionHost(
            .init(
                stagingDirectory: try stagingDirectory(execution, dataDirectory: dataDirectory.standardizedFileURL),
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
        var lines = host.report()
        lines.append("")
        if let blocker = host.blocker {
            lines.append("Functions cannot run: \(blocker).")
        } else {
            lines.append("Functions can run\(host.warnings.isEmpty ? " in full sandboxes." : ", with these controls missing:")")
            lines += host.warnings.map { "  - \($0)" }
        }
        return Diagnosis(text: lines.joined(separator: "\n"), canRunFunctions: host.blocker == nil)
    }
}
