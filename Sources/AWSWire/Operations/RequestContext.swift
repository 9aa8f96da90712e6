import BulwarkCore
import Foundation

/// What the pipeline established about a request before a handler sees it.
public struct RequestContext: Sendable {
    /// The request id (`x-amzn-RequestId`, CloudTrail `requestID`).
    public let requestID: String
    /// The authenticated caller.
    public let principal: Principal
    /// The access key that signed the request.
    public let accessKeyID: String
    /// The region of the credential scope (`aws:RequestedRegion`).
    public let region: String
    public let sourceIP: String
    public let userAgent: String
    public let isSecureTransport: Bool
    public let receivedAt: Date
    /// `scheme://host[:port]` as the client addressed this server, for URLs handed back to it.
    public let endpoint: String

    public init(
        requestID: String,
        principal: Principal,
        accessKeyID: String,
        region: String,
        sourceIP: String,
        userAgent: String,
        isSecureTransport: Bool,
        receivedAt: Date,
        endpoint: String
    ) {
        self.requestID = requestID
        self.principal = principal
        self.accessKeyID = accessKeyID
        self.region = region
        self.sourceIP = sourceIP
        self.userAgent = userAgent
        self.isSecureTransport = isSecureTransport
        self.receivedAt = receivedAt
        self.endpoint = endpoint
    }

    /// The account the request acts in.
    public var accountID: String { principal.accountID }
}
