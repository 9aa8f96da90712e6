import AWSWire
import BulwarkCore
import Foundation

/// The authorize stage of the pipeline (DESIGN §1, §4): every check of every call is decided by
/// AWS's policy evaluation logic over the caller's policies and what the resolve stage found. Nothing
/// is allowed without a policy that allows it, except what an account's root may do in its own account.
///
/// It reads nothing itself: the caller's policies come with its key (``CallerPolicies``), and each
/// checked resource's policy and tags with its ``ResolvedResource`` — the same entity the handler
/// then acts on.
public struct Authorizer: Sendable {
    private let evaluator = PolicyEvaluator()

    public init() {}

    /// Decides the checks of one call, in order; the first denial decides the call.
    ///
    /// Each check is judged under the request's global keys, the tags of the resolved resource it
    /// names (`aws:ResourceTag/${TagKey}`), that resource's policy when it governs the check's action,
    /// and the service keys the operation declared for it. A check naming anything the resolution did
    /// not find (`*`, an entity to create, an absent one) is judged on that ARN with no tags, and
    /// with no resource policy unless the check proposes one.
    public func authorize(
        _ checks: [AuthorizationCheck], identity: CallerPolicies, resolution: Resolution, context: CallContext
    ) async throws -> AuthorizationOutcome {
        // A call that asks no question is refused (the outcome allows nothing), never waved through.
        guard !checks.isEmpty else { return AuthorizationOutcome(results: []) }
        let base = Self.requestContext(of: context)
        var results: [EvaluationResult] = []
        for check in checks {
            var applicable = identity.policies
            var requestContext = base
            let resource = resolution.resource(arn: check.resource)
            // A policy the call proposes replaces the stored one: the check asks what it would allow.
            if let policy = check.proposedPolicy ?? resource?.policy ?? check.resourcePolicy, policy.governs(check.action) {
                applicable.resource = try PolicyDocuments.resourcePolicy(policy, of: resource?.arn ?? check.resource)
                // KMS's rule: IAM policies count only when the key policy allows the account.
                if policy.kind == .keyPolicy { applicable.resourcePolicyMode = .mustGrant }
            }
            if let resource {
                for (key, value) in resource.tagConditionKeys { requestContext[key] = .single(value) }
            }
            for (key, value) in check.conditionKeys {
                switch value {
                case .single(let text): requestContext[key] = .single(text)
                case .multiple(let texts): requestContext[key] = .multiple(texts)
                }
            }
            // AWS-owned resources (AWS managed policies) belong to no account: identity-based
            // policies alone decide, as within the caller's own account.
            let owner =
                (resource.map { $0.accountID[...] } ?? Self.accountField(of: check.resource)) == "aws"
                ? context.accountID : resource?.accountID ?? check.resourceAccount
            let result = evaluator.evaluate(
                EvaluationRequest(
                    principal: identity.principal, action: check.action, resource: check.resource, resourceAccount: owner,
                    context: requestContext, policies: applicable
                )
            )
            results.append(result)
            if !result.isAllowed {
                let refusal = AuthorizationOutcome.Refusal(
                    result: result, principal: identity.principal, context: requestContext, policies: applicable)
                return AuthorizationOutcome(results: results, refusal: refusal)
            }
        }
        return AuthorizationOutcome(results: results)
    }

    /// The account field of an ARN, as ``ARN`` reads it, or nil when `text` is not an ARN; read in
    /// place for ASCII text, since every check asks it.
    static func accountField(of text: String) -> Substring? {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return ARN(text).map { $0.accountID[...] } }
        let utf8 = text.utf8
        guard utf8.starts(with: "arn:".utf8) else { return nil }
        // Where the account field starts and ends, and the lengths of the partition and service.
        var field = 1
        var fieldStart = utf8.index(utf8.startIndex, offsetBy: 4)
        var accountStart = fieldStart
        var index = fieldStart
        while index < utf8.endIndex {
            if utf8[index] == UInt8(ascii: ":") {
                // `ARN` needs a partition and a service.
                if field <= 2, index == fieldStart { return nil }
                if field == 4 { return text[accountStart..<index] }
                field += 1
                fieldStart = utf8.index(after: index)
                if field == 4 { accountStart = fieldStart }
            }
            index = utf8.index(after: index)
        }
        return nil
    }

    /// The global condition keys of a request (`aws:SourceIp`, `aws:SecureTransport`,
    /// `aws:MultiFactorAuthPresent`, …), as AWS sets them for the credentials used.
    static func requestContext(of call: CallContext) -> RequestContext {
        var context = RequestContext.request(
            time: call.receivedAt,
            sourceIP: call.sourceIP.isEmpty ? nil : call.sourceIP,
            secureTransport: call.isSecureTransport,
            requestedRegion: call.region,
            userAgent: call.userAgent.isEmpty ? nil : call.userAgent
        )
        // Long-term keys carry no MFA keys at all; temporary credentials say whether MFA was used.
        if let session = call.principal.session {
            context.set(lowercasedKey: "aws:tokenissuetime", name: "aws:TokenIssueTime", .date(session.issuedAt))
            if let authenticated = session.mfaAuthenticatedAt {
                context.set(lowercasedKey: "aws:multifactorauthpresent", name: "aws:MultiFactorAuthPresent", .value(.bool(true)))
                context.set(
                    lowercasedKey: "aws:multifactorauthage", name: "aws:MultiFactorAuthAge",
                    .value(.number(max(0, Int(call.receivedAt.timeIntervalSince(authenticated))))))
            } else {
                context.set(lowercasedKey: "aws:multifactorauthpresent", name: "aws:MultiFactorAuthPresent", .value(.bool(false)))
            }
        }
        // What the signature established for the service (S3's s3:authType, s3:signatureAge, ...).
        for (key, value) in call.authenticationConditionKeys {
            switch value {
            case .single(let text): context[key] = .single(text)
            case .multiple(let texts): context[key] = .multiple(texts)
            }
        }
        // Set for calls through a function's private endpoint and for its role's credentials.
        if let function = call.sourceFunctionARN ?? call.principal.session?.sourceFunctionARN {
            context.set(lowercasedKey: "lambda:sourcefunctionarn", name: "lambda:SourceFunctionArn", .value(.single(function)))
        }
        return context
    }
}

/// What the authorizer decided for one call: the evaluation of each check up to the first denial.
public struct AuthorizationOutcome: Sendable {
    /// What a denial's ``denialMessage`` is made of: the refused check as it was judged.
    struct Refusal: Sendable {
        let result: EvaluationResult
        let principal: RequestPrincipal
        let context: RequestContext
        let policies: ApplicablePolicies
    }

    public let results: [EvaluationResult]
    /// The refused check, kept so that its message is written only when a caller reads it.
    private let refusal: Refusal?

    init(results: [EvaluationResult], refusal: Refusal? = nil) {
        self.results = results
        self.refusal = refusal
    }

    /// For a denial, its account for `sts:DecodeAuthorizationMessage`: the request context the
    /// refused check was judged under and the statements that denied it. Made when read (the
    /// pipeline seals it once for the trail; a contingent check's refusal never reads it).
    public var denialMessage: AuthorizationMessage? {
        refusal.map { AuthorizationMessage(result: $0.result, principal: $0.principal, context: $0.context, policies: $0.policies) }
    }

    /// Whether every check was asked and allowed.
    public var isAllowed: Bool { !results.isEmpty && results.allSatisfy(\.isAllowed) }

    /// The evaluation that refused the call, if one did.
    public var denial: EvaluationResult? { results.first { !$0.isAllowed } }

    /// One line per check for the audit trail: which policies were considered and what decided.
    public var explanation: String { results.map(\.explanation).joined(separator: "\n") }
}
