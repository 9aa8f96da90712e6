import Crypto
import Foundation
import Lambda

/// How `bulwark serve` runs functions.
public struct ExecutionSettings: Sendable {
    /// Where sandboxes are staged (default: a directory of the server's own under /tmp).
    public var stagingDirectory: URL?
    /// Where `make runtimes` installed the Python runtime interface client.
    public var runtimesDirectory: URL
    /// Operator-chosen interpreters: runtime identifier → path.
    public var interpreters: [String: String]
    /// Run functions without control groups when the host cannot provide them.
    public var insecureNoSandbox: Bool
    /// Seconds before the first retry of a failed `Event` invocation (AWS: 60).
    public var asyncRetryDelay: TimeInterval
    /// The account's concurrent-executions limit (AWS's default: 1000).
    public var accountConcurrency: Int
    /// How long an environment stays warm without invocations.
    public var idleTimeout: Duration
    /// Whether CreateFunction / UpdateFunctionConfiguration refuse environment variables that look
    /// like credentials, or accept them and record the finding (decision 0016). Not an AWS setting.
    public var credentialFindings: CredentialFindingsMode
    public typealias CredentialFindingsMode = LambdaService.CredentialFindingsMode

    /// The mode `--credential-findings` names (`refuse` or `warn`).
    public static func credentialFindings(named name: String) -> CredentialFindingsMode? {
        CredentialFindingsMode(rawValue: name)
    }

    public init(
        stagingDirectory: URL? = nil,
        runtimesDirectory: URL = URL(fileURLWithPath: ".runtimes"),
        interpreters: [String: String] = [:],
        insecureNoSandbox: Bool = false,
        asyncRetryDelay: TimeInterval = 60,
        accountConcurrency: Int = 1000,
        idleTimeout: Duration = .seconds(300),
        credentialFindings: CredentialFindingsMode = .refuse
    ) {
        self.stagingDirectory = stagingDirectory
        self.runtimesDirectory = runtimesDirectory
        self.interpreters = interpreters
        self.insecureNoSandbox = insecureNoSandbox
        self.asyncRetryDelay = asyncRetryDelay
        self.accountConcurrency = accountConcurrency
        self.idleTimeout = idleTimeout
        self.credentialFindings = credentialFindings
    }

    /// `/tmp/bulwark-sandbox-<uid>-<hash of the data directory>`, so that servers with different data
    /// directories never share sandboxes.
    static func defaultStagingDirectory(for dataDirectory: URL) -> URL {
        let digest = SHA256.hash(data: Data(dataDirectory.path.utf8)).prefix(6).map { String(format: "%02x", $0) }.joined()
        return temporaryDirectory.appendingPathComponent(defaultStagingPrefix + digest)
    }

    /// The start of the names of this user's default staging directories.
    static var defaultStagingPrefix: String { "bulwark-sandbox-\(geteuid())-" }

    static var temporaryDirectory: URL { URL(fileURLWithPath: ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp") }
}
