import AWSWire
import BulwarkCore
import Foundation
import Hummingbird
import IAM
import Lambda
import Logging
import ServiceLifecycle
import Store
import Trail

/// `bulwark serve`: opens the data directory, bootstraps the account on first start, wires the
/// services into the pipeline and runs the edge until SIGTERM or SIGINT.
public enum BulwarkServer {
    /// What the server tells its operator while starting.
    public enum Event: Sendable {
        /// First start: the account and administrator key were created; the secret is in the file.
        case accountCreated(accountID: String, accessKeyID: String, credentialsFile: URL)
        case accountLoaded(accountID: String, credentialsFile: URL)
        /// The edge accepts connections at `endpoint`; `caBundle` is set for self-signed TLS.
        case listening(endpoint: String, caBundle: URL?)
    }

    /// Failures that stop the server before it serves.
    public struct StartupError: Error, CustomStringConvertible {
        public let description: String
    }

    public static func run(
        _ configuration: ServerConfiguration,
        logger: Logger,
        onEvent: @escaping @Sendable (Event) -> Void
    ) async throws {
        let dataDirectory = configuration.dataDirectory.standardizedFileURL
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let clock = WallClock.system
        let database = try BulwarkDatabase(directory: dataDirectory)
        let code = try CodeStore(directory: dataDirectory.appendingPathComponent("code"))
        let trail = try TrailWriter(directory: dataDirectory.appendingPathComponent("trail"))

        try await bootstrap(configuration, database: database, dataDirectory: dataDirectory, clock: clock, onEvent: onEvent)

        let pipeline = makePipeline(database: database, code: code, trail: trail, clock: clock, logger: logger)

        let tls = try configuration.tls.serverConfiguration(dataDirectory: dataDirectory)
        let scheme = tls == nil ? "http" : "https"
        let edge = EdgeServer(
            host: configuration.host,
            port: configuration.port,
            tls: tls?.0,
            pipeline: pipeline,
            logger: logger,
            onListening: { host, port in
                let shownHost = host.contains(":") ? "[\(host)]" : host
                onEvent(.listening(endpoint: "\(scheme)://\(shownHost):\(port)", caBundle: tls?.caBundle))
            }
        )
        let serviceGroup = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: try edge.makeApplication()),
                    .init(service: TrailFlushService(trail: trail)),
                    .init(service: CodeCollectorService(collector: CodeCollector(database: database, code: code), logger: logger)),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await serviceGroup.run()
    }

    /// The pipeline with every service Bulwark serves.
    static func makePipeline(database: BulwarkDatabase, code: CodeStore, trail: TrailWriter, clock: WallClock, logger: Logger) -> Pipeline {
        let services: [any AWSService] = [
            LambdaService(database: database, code: code, clock: clock)
        ]
        return Pipeline(
            registry: ServiceRegistry(services: services),
            authenticator: SigV4CallerAuthenticator(
                verifier: SigV4Verifier(clock: clock),
                lookup: AccessKeyLookup(accounts: database.accounts),
                clock: clock
            ),
            authorizer: Authorizer(),
            audit: AuditRecorder(trail: trail, logger: logger),
            clock: clock,
            logger: logger,
            defaultBodyLimit: 1 << 20
        )
    }

    private static func bootstrap(
        _ configuration: ServerConfiguration,
        database: BulwarkDatabase,
        dataDirectory: URL,
        clock: WallClock,
        onEvent: @Sendable (Event) -> Void
    ) async throws {
        let credentialsFile = CredentialsFile.url(in: dataDirectory)
        do {
            switch try await AccountBootstrap(accounts: database.accounts, clock: clock).run(configuration.bootstrap) {
            case .created(let accountID, let accessKeyID, let secret):
                try CredentialsFile.write(accessKeyID: accessKeyID, secretAccessKey: secret, in: dataDirectory)
                onEvent(.accountCreated(accountID: accountID, accessKeyID: accessKeyID, credentialsFile: credentialsFile))
            case .existing(let accountID):
                onEvent(.accountLoaded(accountID: accountID, credentialsFile: credentialsFile))
            }
        } catch let failure as AccountBootstrap.Failure {
            throw StartupError(description: failure.description)
        }
    }
}
