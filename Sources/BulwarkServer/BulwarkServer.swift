import AWSWire
import BulwarkCore
import CloudTrail
import CloudWatch
import Execution
import Foundation
import Hummingbird
import IAM
import KMS
import Lambda
import Logging
import Logs
import NIOPosix
import ObjectStore
import Secrets
import ServiceLifecycle
import Signer
import Store
import Trail
import UnixSignals

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

    /// Raises the soft limit of open descriptors to the hard limit: each environment holds a few
    /// (its sandbox's pipes, its listeners, its connections, bounded per environment), beyond the
    /// 1,024 a shell usually gives. Sandboxes keep Lambda's own limit (`bulwark-init --rlimit`).
    static func raiseDescriptorLimit() {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = min(limit.rlim_max, 1 << 20)
        _ = setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
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
        try await ListenAddressProbe.check(host: configuration.host, port: configuration.port)
        // Everything Bulwark writes — the database with its keys, code, the trail — is for its own user only.
        umask(0o077)
        Self.raiseDescriptorLimit()
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: dataDirectory.path)
        let lock = try DataDirectoryLock(dataDirectory)
        defer { withExtendedLifetime(lock) {} }
        let clock = WallClock.system
        let database = try BulwarkDatabase(
            directory: dataDirectory, schemas: [.iam, .lambda, .kms, .secrets, .objectStore, .logs, .cloudTrail, .cloudWatch, .signer])
        let masterKey = try Self.masterKey(dataDirectory)
        let code = try CodeStore(directory: dataDirectory.appendingPathComponent("code"), key: masterKey.codeStoreKey)
        let trail = try TrailWriter(directory: dataDirectory.appendingPathComponent("trail"))

        try await bootstrap(configuration, database: database, dataDirectory: dataDirectory, clock: clock, onEvent: onEvent)

        let execution = configuration.execution
        let ownStaging = execution.stagingDirectory == nil
        let (staging, stagingClaim) = try stagingDirectory(execution, dataDirectory: dataDirectory)
        defer { withExtendedLifetime(stagingClaim) {} }
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
        // Every environment has shut down by the time `run` returns (ExecutionService); what was
        // staged for them goes too, so that no server leaves its copies of the runtimes behind.
        defer { host.releaseStaging(removingDirectory: ownStaging, logger: logger) }
        let logIngester = LogIngester(database: database, clock: clock)
        let lambdaMetrics = LambdaMetricsRecorder(database: database, clock: clock)
        let executionRoles = ExecutionRoleCredentials(sessions: ServiceRoleSessions(database: database, clock: clock))
        let metrics = ServerMetrics()
        let invoker = Invoker(
            host: host, code: code, logsDirectory: dataDirectory.appendingPathComponent("logs"),
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            credentials: executionRoles,
            logSink: EmbeddedMetricExtractor(forwardingTo: logIngester, aggregator: lambdaMetrics.aggregator, clock: clock),
            logPermissions: executionRoles, metrics: lambdaMetrics, counters: metrics.execution,
            logger: logger
        )
        let objectBodies = try ObjectBodyStore(directory: dataDirectory.appendingPathComponent("objects"), masterKey: masterKey)
        let lambda = LambdaService(
            database: database, code: code, invoker: invoker,
            encryption: KMSKeyUse(database: database, masterKey: masterKey, clock: clock, trail: trail),
            objects: S3ObjectReader(bodies: objectBodies), codeSignatures: SignerCodeVerifier(database: database), clock: clock,
            settings: .init(accountConcurrency: execution.accountConcurrency, credentialFindings: execution.credentialFindings),
            metrics: lambdaMetrics
        )
        let iam = IAMService(database: database, clock: clock)
        let authorizationMessages = AuthorizationMessageSealer(key: try AuthorizationMessageKey.load(in: dataDirectory))
        let sts = STSService(database: database, authorizationMessages: authorizationMessages, clock: clock)
        let kms = KMSService(database: database, masterKey: masterKey, clock: clock)
        let secrets = SecretsService(
            database: database, keys: KMSKeyUse(database: database, masterKey: masterKey, clock: clock), functions: lambda, clock: clock)
        let s3 = ObjectStoreService(
            database: database, bodies: objectBodies, baseDomain: configuration.s3BaseDomain, functions: lambda, clock: clock)
        let logs = LogsService(database: database, clock: clock)
        let trailIndexer = EventIndexer(database: database, trail: trail, clock: clock)
        let deliveryBuckets = S3DeliveryWriter(database: database, bodies: objectBodies)
        let signingKeys = SigningKeys(database: database, masterKey: masterKey)
        let cloudTrail = CloudTrailService(
            database: database, indexer: trailIndexer, buckets: deliveryBuckets, signingKeys: signingKeys, clock: clock)
        let cloudWatch = CloudWatchService(database: database, clock: clock)
        let signer = SignerService(
            database: database, masterKey: masterKey, reader: S3ObjectReader(bodies: objectBodies),
            writer: S3ObjectWriter(database: database, bodies: objectBodies), clock: clock)
        let rotator = SecretRotator(database: database, functions: lambda, clock: clock, logger: logger)
        let scrape = MetricsScrapeService(access: configuration.metricsScrape, metrics: metrics) {
            ServerMetrics.ScrapedState(
                idleEnvironments: invoker.idleEnvironments, runningInvocations: invoker.runningInvocations,
                queuedEvents: try await database.invocations.queuedEventCount())
        }
        let pipeline = makePipeline(
            database: database, trail: trail, services: [lambda, iam, sts, kms, secrets, s3, logs, cloudTrail, cloudWatch, signer, scrape],
            authorizationMessages: authorizationMessages,
            clock: clock,
            logger: logger,
            metrics: metrics
        )
        invoker.connectPrivateEndpoint { request in
            await pipeline.handle(request, body: InMemoryBody(data: request.body))
        }
        let asyncQueue = AsyncQueue(
            database: database, lambda: lambda, invoker: invoker, logger: logger, clock: clock, retryDelay: execution.asyncRetryDelay,
            metrics: lambdaMetrics
        )

        let sealed = try await lambda.sealStoredEnvironments()
        if sealed > 0 { logger.notice("encrypted the environment variables of \(sealed) function versions stored in plaintext") }

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
        // Once nothing can refuse to start any more: what killed servers left goes in the background.
        if ownStaging { host.reclaimAbandonedStaging(namePrefix: ExecutionSettings.defaultStagingPrefix, logger: logger) }
        let serviceGroup = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: try edge.makeApplication()),
                    .init(service: TrailFlushService(trail: trail)),
                    .init(
                        service: TrailIndexService(
                            indexer: trailIndexer,
                            delivery: TrailDelivery(database: database, buckets: deliveryBuckets, clock: clock, logger: logger),
                            digests: TrailDigests(database: database, buckets: deliveryBuckets, keys: signingKeys, clock: clock),
                            deliveryInterval: .seconds(configuration.trailDeliveryInterval),
                            digestInterval: .seconds(configuration.trailDigestInterval), logger: logger)),
                    .init(service: LogIngestionService(ingester: logIngester, logger: logger)),
                    .init(service: MetricFlushService(recorder: lambdaMetrics, logger: logger)),
                    .init(service: CodeCollectorService(collector: CodeCollector(database: database, code: code), logger: logger)),
                    .init(service: KeyRotationService(rotation: KeyRotation(database: database, masterKey: masterKey), clock: clock, logger: logger)),
                    .init(service: FunctionPreparationService(preparer: lambda.preparer, logger: logger)),
                    .init(service: SecretRotationService(rotator: rotator)),
                    .init(service: ExecutionService(invoker: invoker, queue: asyncQueue, idleTimeout: execution.idleTimeout, logger: logger)),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await serviceGroup.run()
    }

    /// The pipeline over the services Bulwark serves.
    static func makePipeline(
        database: BulwarkDatabase, trail: TrailWriter, services: [any AWSService], authorizationMessages: AuthorizationMessageSealer,
        clock: WallClock, logger: Logger, metrics: ServerMetrics? = nil
    ) -> Pipeline {
        var pipeline = Pipeline(
            registry: ServiceRegistry(services: services),
            authenticator: SigV4CallerAuthenticator(
                verifier: SigV4Verifier(clock: clock),
                lookup: AccessKeyLookup(database: database, clock: clock),
                clock: clock
            ),
            resolver: ResourceResolver(authorities: services.flatMap(\.authorities)),
            authorizer: Authorizer(),
            authorizationMessages: authorizationMessages,
            audit: AuditRecorder(trail: trail, logger: logger),
            clock: clock,
            logger: logger,
            defaultBodyLimit: 1 << 20,
            keyUses: AccessKeyUseRecorder(database: database)
        )
        pipeline.metrics = metrics
        return pipeline
    }

    /// The staging directory of sandboxes: the operator's, or the server's own under /tmp, which
    /// must be a real directory owned by this user (a planted directory or link is refused), with the
    /// claim on it that the server holds while it runs.
    static func stagingDirectory(_ execution: ExecutionSettings, dataDirectory: URL) throws -> (URL, StagingClaim) {
        let directory = execution.stagingDirectory ?? ExecutionSettings.defaultStagingDirectory(for: dataDirectory)
        return (directory, try claimStaging(directory, dataDirectory: dataDirectory))
    }

    static func claimStaging(_ directory: URL, dataDirectory: URL?) throws -> StagingClaim {
        do {
            return try ExecutionHost.claimStagingDirectory(directory, dataDirectory: dataDirectory)
        } catch {
            throw StartupError(description: "\(error)")
        }
    }

    /// The key that wraps KMS keys' material: the operator's (`BULWARK_MASTER_KEY_FILE`) or the data
    /// directory's, created on first start.
    static func masterKey(_ dataDirectory: URL) throws -> MasterKey {
        do {
            return try MasterKey.load(dataDirectory: dataDirectory, environment: ProcessInfo.processInfo.environment)
        } catch let invalid as MasterKey.InvalidKeyFile {
            throw StartupError(description: invalid.description)
        }
    }

    /// A program installed next to `bulwark` (`bulwark-init`).
    static func siblingExecutable(_ name: String) -> URL {
        let executable = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        return executable.resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent(name)
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
