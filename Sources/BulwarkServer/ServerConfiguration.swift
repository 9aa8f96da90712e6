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

    public init(
        host: String = "127.0.0.1",
        port: Int = 4566,
        dataDirectory: URL,
        tls: EdgeTLS = .disabled,
        bootstrap: AccountBootstrap.Supplied = .init(),
        defaultRegion: String = "us-east-1",
        logLevel: Logger.Level = .info,
        execution: ExecutionSettings = ExecutionSettings()
    ) {
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
