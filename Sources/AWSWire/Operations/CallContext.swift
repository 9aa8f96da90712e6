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
    /// The resolve and authorize stages, for the contingent checks on entities that only the
    /// handler's answer finds (the keys of the functions a listing shows). Set by the pipeline for
    /// calls judged by policy; read through ``judgeListed(_:checks:)``.
    public var listedEntityJudge: ListedEntityJudge? = nil
    /// Service condition keys that the authentication established (S3's `s3:authType`,
    /// `s3:signatureAge`, ...): every check of the call is judged under them. Set by the pipeline.
    public var authenticationConditionKeys: [String: AuthorizationCheck.Value] = [:]
    /// Warnings the handler records on a call that succeeds; the audit stage writes them.
    public let warnings = AuditWarnings()

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

/// The resolve and authorize stages applied to entities an answer lists rather than the input
/// names: a listing learns which functions it shows — and so which keys their variables are under —
/// only when it reads the page, yet what it may show of each is the authorize stage's decision, as
/// for a single function (decision 0017). The pipeline builds it over its own resolver and
/// authorizer, so the handler never decides: it only asks, once per distinct entity.
public struct ListedEntityJudge: Sendable {
    /// Resolves the references, then evaluates each check the resolution yields on its own; the
    /// answer is the resolution and the refused checks with their denial messages.
    public typealias Judge =
        @Sendable (_ references: [ResourceReference], _ checks: @Sendable (Resolution) throws -> [AuthorizationCheck])
        async throws -> ListedEntityJudgement
    private let judge: Judge

    public init(_ judge: @escaping Judge) {
        self.judge = judge
    }

    func callAsFunction(
        _ references: [ResourceReference], checks: @escaping @Sendable (Resolution) throws -> [AuthorizationCheck]
    )
        async throws -> ListedEntityJudgement
    {
        try await judge(references, checks)
    }
}

/// What the resolve and authorize stages found for listed entities.
public struct ListedEntityJudgement: Sendable {
    public let resolution: Resolution
    public let refusedChecks: [RefusedCheck]

    public init(resolution: Resolution, refusedChecks: [RefusedCheck]) {
        self.resolution = resolution
        self.refusedChecks = refusedChecks
    }

    /// The denial message of the check of `action` on `resource`, when it was refused.
    public func refusal(of action: String, on resource: String) -> String? {
        refusedChecks.message(refusing: action, on: resource)
    }
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
    /// Resolves the entities a listing shows and judges the contingent checks on them, by the
    /// pipeline's resolve and authorize stages. - Throws: InternalFailure when the pipeline set no
    /// judge (a call not judged by policy cannot ask one), so that nothing is shown unjudged.
    public func judgeListed(
        _ references: [ResourceReference], checks: @escaping @Sendable (Resolution) throws -> [AuthorizationCheck]
    )
        async throws -> ListedEntityJudgement
    {
        guard !references.isEmpty else { return ListedEntityJudgement(resolution: .none, refusedChecks: []) }
        guard let listedEntityJudge else { throw AWSError.internalFailure(requestID: requestID) }
        return try await listedEntityJudge(references, checks: checks)
    }

    /// The denial message of the contingent check of `action` on `resource`, when it was refused.
    public func refusal(of action: String, on resource: String) -> String? {
        refusedContingentChecks.message(refusing: action, on: resource)
    }
}

extension [RefusedCheck] {
    /// The denial message of the check of `action` on `resource`, when it is among these.
    func message(refusing action: String, on resource: String) -> String? {
        first { $0.check.action == action && $0.check.resource == resource }?.message
    }
}
