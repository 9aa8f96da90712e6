import BulwarkCore

/// One run of the IAM policy simulator: each action on each resource decided by ``PolicyEvaluator``
/// over the given policies, answered as SimulatePrincipalPolicy and SimulateCustomPolicy answer.
struct PolicySimulation {
    /// A policy taking part, named as the simulator reports it (`PolicyInputList.1`, a stored
    /// policy's name, `ResourcePolicy`), with where its statements are in its text.
    struct Policy {
        let attached: AttachedPolicy
        let positions: StatementPositions?

        /// A document given in the request; a malformed one is InvalidInput with IAM's reason.
        init(input text: String, id: String, kind: PolicyKind) throws {
            do throws(MalformedPolicyDocument) {
                attached = AttachedPolicy(try PolicyDocument.parse(text, kind: kind), name: id)
            } catch {
                throw IAMError.invalidInput("\(id): \(error.message)")
            }
            positions = StatementPositions(text)
        }

        init(_ stored: StoredPolicy) {
            attached = stored.policy
            positions = StatementPositions(stored.text)
        }
    }

    let principal: RequestPrincipal
    let identity: [Policy]
    let boundary: Policy?
    let resourcePolicy: Policy?
    /// The account of resources whose ARN names none; nil for the principal's account.
    let resourceOwner: String?
    let context: RequestContext
    private let evaluator = PolicyEvaluator()

    init(
        principal: RequestPrincipal, identity: [Policy], boundary: Policy?, resourcePolicy: Policy?, resourceOwner: String?,
        context: RequestContext
    ) {
        self.principal = principal
        self.identity = identity
        self.boundary = boundary
        self.resourcePolicy = resourcePolicy
        self.resourceOwner = resourceOwner
        self.context = context
    }

    /// One result per action and resource, actions first.
    func results(actions: [String], resources: [String]) -> [IAMAPI.EvaluationResult] {
        actions.flatMap { action in resources.map { result(action, $0) } }
    }

    private func result(_ action: String, _ resource: String) -> IAMAPI.EvaluationResult {
        let request = EvaluationRequest(
            principal: principal, action: action, resource: resource,
            resourceAccount: account(of: resource), context: context,
            policies: ApplicablePolicies(
                identity: identity.map(\.attached), permissionsBoundary: boundary?.attached, resource: resourcePolicy?.attached)
        )
        let evaluation = evaluator.evaluate(request)
        let decision = Self.decision(evaluation.decision)
        let matched = matchedStatements(evaluation)
        let missing = evaluator.missingContextKeys(request)
        let boundaryDetail = boundary.map { boundary in
            IAMAPI.PermissionsBoundaryDecisionDetail(allowedByPermissionsBoundary: allows(boundary, request))
        }
        let details = decisionDetails(request, evaluation)
        guard resource != "*" else {
            return IAMAPI.EvaluationResult(
                evalActionName: action, evalResourceName: resource, evalDecision: decision, matchedStatements: matched,
                missingContextValues: missing, permissionsBoundaryDecisionDetail: boundaryDetail, evalDecisionDetails: details)
        }
        let specific = IAMAPI.ResourceSpecificResult(
            evalResourceName: resource, evalResourceDecision: decision, matchedStatements: matched, missingContextValues: missing,
            evalDecisionDetails: evaluation.sameAccount ? nil : details, permissionsBoundaryDecisionDetail: boundaryDetail)
        return IAMAPI.EvaluationResult(
            evalActionName: action, evalResourceName: resource, evalDecision: decision, matchedStatements: matched,
            missingContextValues: [], permissionsBoundaryDecisionDetail: boundaryDetail, evalDecisionDetails: details,
            resourceSpecificResults: [specific])
    }

    /// The account that owns a resource: the one its ARN names, else `ResourceOwner`. AWS-owned
    /// resources (AWS managed policies) count as the caller's, as the authorizer treats them.
    private func account(of resource: String) -> String? {
        let named = PolicyEvaluator.account(in: resource)
        return named == "aws" ? principal.accountID : named ?? resourceOwner
    }

    /// The statements that decided: the allowing ones, or every deny; none for an implicit deny.
    private func matchedStatements(_ evaluation: EvaluationResult) -> [IAMAPI.Statement] {
        let references: [StatementReference]
        switch evaluation.decision {
        case .allow: references = evaluation.allowingStatements
        case .explicitDeny: references = evaluation.denyingStatements
        case .implicitDeny: references = []
        }
        return references.map { reference in
            let span = positions(of: reference.policy).flatMap { $0.spans.indices.contains(reference.index) ? $0.spans[reference.index] : nil }
            return IAMAPI.Statement(
                sourcePolicyId: reference.policy.name,
                sourcePolicyType: reference.policy.type == .resourceBased ? "Resource Policy" : "IAM Policy",
                startPosition: span.map { IAMAPI.Position(line: $0.start.line, column: $0.start.column) },
                endPosition: span.map { IAMAPI.Position(line: $0.end.line, column: $0.end.column) }
            )
        }
    }

    /// The positions of a policy's statements; nil when two policies share its name and type.
    private func positions(of source: PolicySource) -> StatementPositions? {
        let typed =
            identity.map { (PolicyType.identityBased, $0) } + [boundary].compactMap { $0 }.map { (PolicyType.permissionsBoundary, $0) }
            + [resourcePolicy].compactMap { $0 }.map { (PolicyType.resourceBased, $0) }
        let candidates = typed.filter { type, policy in
            type == source.type && policy.attached.name == source.name && policy.attached.arn == source.arn
        }
        return candidates.count == 1 ? candidates[0].1.positions : nil
    }

    /// Whether the boundary alone allows the request.
    private func allows(_ boundary: Policy, _ request: EvaluationRequest) -> Bool {
        var alone = request
        alone.resourceAccount = principal.accountID
        alone.policies = ApplicablePolicies(identity: [boundary.attached])
        return evaluator.evaluate(alone).isAllowed
    }

    /// How each side decided, for a call across accounts; empty for a resource of the principal's
    /// account, and none for `*` there.
    private func decisionDetails(_ request: EvaluationRequest, _ evaluation: EvaluationResult) -> [String: String]? {
        guard !evaluation.sameAccount else { return request.resource == "*" ? nil : [:] }
        var requesterSide = request
        requesterSide.resourceAccount = principal.accountID
        requesterSide.policies.resource = nil
        var details = ["IAM Policy": Self.decision(evaluator.evaluate(requesterSide).decision)]
        if resourcePolicy != nil {
            let resourceSide: EvaluationResult.Decision =
                evaluation.denyingStatements.contains { $0.policy.type == .resourceBased }
                ? .explicitDeny
                : evaluation.allowingStatements.contains { $0.policy.type == .resourceBased } ? .allow : .implicitDeny
            details["Resource Policy"] = Self.decision(resourceSide)
        }
        return details
    }

    /// The simulator's names for the three outcomes.
    static func decision(_ decision: EvaluationResult.Decision) -> String {
        switch decision {
        case .allow: "allowed"
        case .explicitDeny: "explicitDeny"
        case .implicitDeny: "implicitDeny"
        }
    }
}
