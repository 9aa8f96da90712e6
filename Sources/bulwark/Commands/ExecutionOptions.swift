import ArgumentParser
import BulwarkServer
import Foundation

/// The options of function execution, shared by `serve` and `doctor`.
struct ExecutionOptions: ParsableArguments {
    @Option(name: .customLong("runtimes-dir"), help: "Where `make runtimes` installed the runtime clients (default: ./.runtimes).")
    var runtimesDirectory: String = ".runtimes"

    @Option(name: .customLong("sandbox-dir"), help: "Where sandboxes are staged (default: a directory of the server's own under /tmp).")
    var sandboxDirectory: String?

    @Option(
        name: .customLong("runtime-interpreter"),
        help: "An interpreter for a runtime, e.g. python3.12=/opt/python3.12/bin/python3.12 (repeatable)."
    )
    var interpreters: [String] = []

    @Flag(
        name: .customLong("insecure-no-sandbox"),
        help: "Run functions even when the host cannot limit their memory, processes and CPU (control groups)."
    )
    var insecureNoSandbox = false

    @Option(name: .customLong("async-retry-delay"), help: "Seconds before retrying a failed Event invocation (AWS: 60).")
    var asyncRetryDelay: Double = 60

    @Option(name: .customLong("account-concurrency"), help: "The account's concurrent-executions limit (AWS's default: 1000).")
    var accountConcurrency: Int = 1000

    @Option(name: .customLong("idle-timeout"), help: "Seconds an execution environment stays warm without invocations.")
    var idleTimeout: Int = 300

    @Option(
        name: .customLong("credential-findings"),
        help:
            "refuse (default): CreateFunction and UpdateFunctionConfiguration refuse environment variables that look like credentials; warn: accept them and record the finding."
    )
    var credentialFindings: String = "refuse"

    func settings() throws -> ExecutionSettings {
        var chosen: [String: String] = [:]
        for item in interpreters {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, parts[1].hasPrefix("/") else {
                throw ValidationError("--runtime-interpreter takes RUNTIME=/absolute/path, not \(item).")
            }
            chosen[parts[0]] = parts[1]
        }
        guard asyncRetryDelay >= 0, asyncRetryDelay <= 3600 else { throw ValidationError("--async-retry-delay must be 0...3600 seconds.") }
        guard accountConcurrency >= 100 else { throw ValidationError("--account-concurrency must be at least 100, as AWS keeps 100 unreserved.") }
        guard idleTimeout >= 1 else { throw ValidationError("--idle-timeout must be at least 1 second.") }
        guard let findings = ExecutionSettings.credentialFindings(named: credentialFindings) else {
            throw ValidationError("--credential-findings takes refuse or warn, not \(credentialFindings).")
        }
        return ExecutionSettings(
            stagingDirectory: sandboxDirectory.map { URL(fileURLWithPath: $0) },
            runtimesDirectory: URL(fileURLWithPath: runtimesDirectory),
            interpreters: chosen,
            insecureNoSandbox: insecureNoSandbox,
            asyncRetryDelay: asyncRetryDelay,
            accountConcurrency: accountConcurrency,
            idleTimeout: .seconds(idleTimeout),
            credentialFindings: findings
        )
    }
}
