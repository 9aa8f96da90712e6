import Foundation
import IAM
import Logging

/// How `bulwark serve` runs.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var dataDirectory: URL
    public var tls: EdgeTLS
    /// The account and first administrator key the operator supplies for the first start.
    public var bootstrap: AccountBootstrap.Supplied
    /// The region used in answers when a request names none.
    public var defaultRegion: String
    public var logLevel: Logger.Level
    public var execution: ExecutionSettings
    /// The domain under which S3 buckets are addressed virtual-hosted style (`<bucket>.s3.localhost`).
    public var s3BaseDomain: String
    /// Who may read `GET /metrics` without an AWS signature.
    public var metricsScrape: MetricsScrapeAccess
    /// How often logging trails' events are delivered to their buckets, in seconds (AWS: about every 5 minutes).
    public var trailDeliveryInterval: Int
    /// How often digest files of trails with log file validation are written, in seconds (AWS: hourly).
    public var trailDigestInterval: Int

    public init(
        host: String = "127.0.0.1",
        port: Int = 4566,
        dataDirectory: URL,
        tls: EdgeTLS = .disabled,
        bootstrap: AccountBootstrap.Supplied = .init(),
        defaultRegion: String = "us-east-1",
        logLevel: Logger.Level = .info,
        execution: ExecutionSettings = ExecutionSettings(),
        s3BaseDomain: String = "s3.localhost",
        metricsScrape: MetricsScrapeAccess = MetricsScrapeAccess(),
        trailDeliveryInterval: Int = 300,
        trailDigestInterval: Int = 3600
    ) {
        self.metricsScrape = metricsScrape
        self.trailDigestInterval = trailDigestInterval
        self.trailDeliveryInterval = trailDeliveryInterval
        self.s3BaseDomain = s3BaseDomain
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.tls = tls
        self.bootstrap = bootstrap
        self.defaultRegion = defaultRegion
        self.logLevel = logLevel
        self.execution = execution
    }
}
