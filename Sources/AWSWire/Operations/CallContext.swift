import BulwarkCore
import Foundation

/// What the pipeline established about a request before a handler sees it.
public struct CallContext: Sendable {
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
    /// Presigns URLs to this server with the caller's credentials.
    public let presigner: URLPresigner
    /// The function whose sandbox sent the request through its private endpoint (`lambda:SourceFunctionArn`).
    public let sourceFunctionARN: String?
    /// What the resolve stage found for the entities the input names: the only entities a handler
    /// acts on (DESIGN §1). Set by the pipeline before the authorize stage.
    public var resolution: Resolution = .none
    /// The contingent checks of the call (``ServiceOperation``'s `contingentChecks`) that the
    /// authorize stage refused, each with its denial message; they shape the answer instead of
    /// refusing the call. Set by the pipeline before the handler runs.
    public var refusedContingentChecks: [RefusedCheck] = []

    public init(
        requestID: String,
        principal: Principal,
        accessKeyID: String,
        region: String,
        sourceIP: String,
        userAgent: String,
        isSecureTransport: Bool,
        receivedAt: Date,
        presigner: URLPresigner,
        sourceFunctionARN: String? = nil
    ) {
        self.requestID = requestID
        self.principal = principal
        self.accessKeyID = accessKeyID
        self.region = region
        self.sourceIP = sourceIP
        self.userAgent = userAgent
        self.isSecureTransport = isSecureTransport
        self.receivedAt = receivedAt
        self.presigner = presigner
        self.sourceFunctionARN = sourceFunctionARN
    }

    /// The account the request acts in.
    public var accountID: String { principal.accountID }
}

/// A contingent check the authorize stage refused, with the message AWS gives such a denial.
public struct RefusedCheck: Sendable, Equatable {
    public let check: AuthorizationCheck
    /// `User: … is not authorized to perform: … on resource: … because …`.
    public let message: String

    public init(check: AuthorizationCheck, message: String) {
        self.check = check
        self.message = message
    }
}

extension CallContext {
    /// The denial message of the contingent check of `action` on `resource`, when it was refused.
    public func refusal(of action: String, on resource: String) -> String? {
        refusedContingentChecks.first { $0.check.action == action && $0.check.resource == resource }?.message
    }
}
