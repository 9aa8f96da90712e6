import ArgumentParser
import BulwarkServer
import Foundation
import IAM
import Logging

/// `bulwark serve`: runs the server.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run Bulwark: the AWS-compatible API on one listener.",
        discussion: """
            On first start Bulwark creates an account and an administrator key and writes the key to \
            <data-dir>/credentials (mode 0600). To supply them instead (CI, migrations, suites that expect \
            fixed credentials), set --account-id / BULWARK_ACCOUNT_ID, --admin-access-key-id / \
            BULWARK_ADMIN_ACCESS_KEY_ID, and the secret in BULWARK_ADMIN_SECRET_ACCESS_KEY or in a file named by \
            --admin-secret-access-key-file / BULWARK_ADMIN_SECRET_ACCESS_KEY_FILE. There is no unauthenticated mode.
            """
    )

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on (0 picks a free one).")
    var port = 4566

    @OptionGroup var dataDirectory: DataDirectoryOption

    @Option(name: .customLong("tls"), help: "'self-signed' to serve HTTPS with a certificate Bulwark makes.")
    var tlsMode: String?

    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain for HTTPS.")
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key for HTTPS.")
    var tlsKey: String?

    @Option(name: .customLong("account-id"), help: "The 12-digit account id to create on first start.")
    var accountID: String?

    @Option(name: .customLong("admin-access-key-id"), help: "The access key id of the first administrator key.")
    var adminAccessKeyID: String?

    @Option(name: .customLong("admin-secret-access-key-file"), help: "A file holding that key's secret.")
    var adminSecretFile: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    @OptionGroup var execution: ExecutionOptions

    @Option(name: .customLong("s3-base-domain"), help: "The domain of virtual-hosted S3 addressing: <bucket>.<domain>.")
    var s3BaseDomain = "s3.localhost"

    @Option(
        name: .customLong("metrics-token-file"),
        help: "A file holding the token that lets Prometheus read GET /metrics unsigned (Authorization: Bearer <token>).")
    var metricsTokenFile: String?

    @Option(
        name: .customLong("metrics-unauthenticated"),
        help: "Who may read GET /metrics with no signature and no token: nobody (default), loopback or anyone.")
    var metricsUnauthenticated: MetricsScrapeAccess.OpenTo = .nobody

    @Option(name: .customLong("trail-delivery-interval"), help: "Seconds between deliveries of logging trails' files to S3 (1...3600).")
    var trailDeliveryInterval = 300

    @Option(name: .customLong("trail-digest-interval"), help: "Seconds between digest files of trails with log file validation (1...3600).")
    var trailDigestInterval = 3600

    func validate() throws {
        if tlsMode != nil, tlsMode != "self-signed" {
            throw ValidationError("--tls takes 'self-signed'; give a certificate with --tls-cert and --tls-key.")
        }
        if tlsMode != nil, tlsCertificate != nil || tlsKey != nil {
            throw ValidationError("Use either --tls self-signed or --tls-cert/--tls-key.")
        }
        if (tlsCertificate == nil) != (tlsKey == nil) {
            throw ValidationError("--tls-cert and --tls-key go together.")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535.") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("Unknown --log-level \(logLevel).") }
        _ = try execution.settings()
        _ = try metricsScrape()
        guard (1...3600).contains(trailDeliveryInterval) else { throw ValidationError("--trail-delivery-interval must be 1...3600 seconds.") }
        guard (1...3600).contains(trailDigestInterval) else { throw ValidationError("--trail-digest-interval must be 1...3600 seconds.") }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let configuration = ServerConfiguration(
            host: host,
            port: port,
            dataDirectory: dataDirectory.url,
            tls: tls,
            bootstrap: AccountBootstrap.Supplied(
                accountID: accountID ?? environment["BULWARK_ACCOUNT_ID"],
                accessKeyID: adminAccessKeyID ?? environment["BULWARK_ADMIN_ACCESS_KEY_ID"],
                secretAccessKey: try adminSecret(environment)
            ),
            logLevel: Logger.Level(rawValue: logLevel) ?? .info,
            execution: try execution.settings(),
            s3BaseDomain: s3BaseDomain,
            metricsScrape: try metricsScrape(),
            trailDeliveryInterval: trailDeliveryInterval,
            trailDigestInterval: trailDigestInterval
        )
        var logger = Logger(label: "bulwark")
        logger.logLevel = configuration.logLevel
        let banner = Banner(dataDirectory: configuration.dataDirectory)
        do {
            try await BulwarkServer.run(configuration, logger: logger) { event in banner.show(event) }
        } catch let error as BulwarkServer.StartupError {
            // A fault of the host or the data directory, not of the command line: no usage text.
            FileHandle.standardError.write(Data("Error: \(error.description)\n".utf8))
            throw ExitCode.failure
        }
    }

    private var tls: EdgeTLS {
        if tlsMode == "self-signed" { return .selfSigned }
        if let tlsCertificate, let tlsKey {
            return .files(certificate: URL(fileURLWithPath: tlsCertificate), privateKey: URL(fileURLWithPath: tlsKey))
        }
        return .disabled
    }

    /// Who may scrape `GET /metrics` unsigned: the token's holder, and whom the operator opens it to.
    private func metricsScrape() throws -> MetricsScrapeAccess {
        guard let metricsTokenFile else { return MetricsScrapeAccess(openTo: metricsUnauthenticated) }
        guard let text = try? String(contentsOfFile: metricsTokenFile, encoding: .utf8) else {
            throw ValidationError("Cannot read the metrics token file \(metricsTokenFile).")
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard token.count >= MetricsScrapeAccess.minimumTokenLength, token.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw ValidationError(
                "The metrics token must be at least \(MetricsScrapeAccess.minimumTokenLength) printable ASCII characters without spaces.")
        }
        return MetricsScrapeAccess(token: token, openTo: metricsUnauthenticated)
    }

    /// The secret of a supplied administrator key: from a file or the environment, never an argument.
    private func adminSecret(_ environment: [String: String]) throws -> String? {
        if let path = adminSecretFile ?? environment["BULWARK_ADMIN_SECRET_ACCESS_KEY_FILE"] {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ValidationError("Cannot read the secret access key file \(path).")
            }
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return environment["BULWARK_ADMIN_SECRET_ACCESS_KEY"]
    }
}

extension MetricsScrapeAccess.OpenTo: ExpressibleByArgument {}
