import AWSWire
import BulwarkCore
import Foundation
import Store

/// The IAM policy simulator: how the policies of an entity, or given documents, decide actions on
/// resources, without performing them.
extension IAMService {
    var simulationOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "SimulatePrincipalPolicy", action: "iam:SimulatePrincipalPolicy", readOnly: true,
                input: IAMAPI.SimulatePrincipalPolicyRequest.self,
                references: { input, _ in
                    [Self.principalReference(member: "PolicySourceArn", arn: input.policySourceArn)] + Self.callerReference(input.callerArn)
                },
                handler: simulatePrincipalPolicy
            ),
            ServiceOperation(
                "SimulateCustomPolicy", action: "iam:SimulateCustomPolicy", readOnly: true, input: IAMAPI.SimulateCustomPolicyRequest.self,
                references: { input, _ in Self.callerReference(input.callerArn) },
                resources: { _, _, _ in ["*"] },
                handler: simulateCustomPolicy
            ),
        ]
    }

    /// The user's, group's or role's policies as stored (a user's groups' included), plus
    /// `PolicyInputList`; `PermissionsBoundaryPolicyInputList` replaces the entity's boundary.
    @Sendable func simulatePrincipalPolicy(
        _ input: IAMAPI.SimulatePrincipalPolicyRequest, _ context: CallContext
    ) async throws -> IAMAPI.SimulatePolicyResponse {
        let source = try simulationSource(input.policySourceArn, context)
        let stored = try PolicyDocuments.stored(try await database.iam.policyTexts(of: source))
        let request = IAMAPI.SimulateCustomPolicyRequest(
            policyInputList: input.policyInputList ?? [], permissionsBoundaryPolicyInputList: input.permissionsBoundaryPolicyInputList,
            actionNames: input.actionNames, resourceArns: input.resourceArns, resourcePolicy: input.resourcePolicy,
            resourceOwner: input.resourceOwner, callerArn: input.callerArn, contextEntries: input.contextEntries,
            resourceHandlingOption: input.resourceHandlingOption, maxItems: input.maxItems, marker: input.marker
        )
        return try await simulate(
            request, stored: stored.identity.map(PolicySimulation.Policy.init), storedBoundary: stored.boundary.map(PolicySimulation.Policy.init),
            source: source, context)
    }

    /// Only the documents given.
    @Sendable func simulateCustomPolicy(
        _ input: IAMAPI.SimulateCustomPolicyRequest, _ context: CallContext
    ) async throws -> IAMAPI.SimulatePolicyResponse {
        try await simulate(input, stored: [], storedBoundary: nil, source: nil, context)
    }

    private func simulate(
        _ input: IAMAPI.SimulateCustomPolicyRequest, stored: [PolicySimulation.Policy], storedBoundary: PolicySimulation.Policy?,
        source: IAMPrincipalRecord?, _ context: CallContext
    ) async throws -> IAMAPI.SimulatePolicyResponse {
        if input.resourceHandlingOption != nil {
            throw IAMError.invalidInput("ResourceHandlingOption is not supported: Bulwark simulates no EC2 scenarios.")
        }
        let inputs = try input.policyInputList.enumerated().map { index, text in
            try PolicySimulation.Policy(input: text, id: "PolicyInputList.\(index + 1)", kind: .identity)
        }
        let boundaries = input.permissionsBoundaryPolicyInputList ?? []
        guard boundaries.count <= 1 else {
            throw IAMError.invalidInput("The list of Permissions Boundary policies cannot exceed 1 items.")
        }
        let boundary = try boundaries.first.map {
            try PolicySimulation.Policy(input: $0, id: "PermissionsBoundaryPolicyInputList.1", kind: .permissionsBoundary)
        }
        let resourcePolicy = try input.resourcePolicy.map { try PolicySimulation.Policy(input: $0, id: "ResourcePolicy", kind: .resource) }
        let resources = input.resourceArns ?? ["*"]
        for resource in resources where resource != "*" && ARN(resource) == nil {
            throw IAMError.invalidInput("Invalid ARN: \(resource) is not an ARN.")
        }
        let simulation = PolicySimulation(
            principal: try await simulatedCaller(input.callerArn, source: source, hasResourcePolicy: resourcePolicy != nil, context),
            identity: stored + inputs,
            boundary: boundary ?? storedBoundary,
            resourcePolicy: resourcePolicy,
            resourceOwner: try input.resourceOwner.map(Self.account(ofOwner:)),
            context: try SimulationContext.requestContext(input.contextEntries)
        )
        let results = simulation.results(actions: input.actionNames, resources: resources)
        // Keys that sort as the results' order, so that a page is a run of consecutive results.
        let numbered = results.enumerated().map { (key: String(format: "%08d", $0.offset), result: $0.element) }
        let page = try IAMPage(numbered, key: \.key, marker: input.marker, maxItems: input.maxItems)
        return IAMAPI.SimulatePolicyResponse(evaluationResults: page.items.map(\.result), isTruncated: page.isTruncated, marker: page.marker)
    }

    /// The user, group or role named by `PolicySourceArn`.
    private func simulationSource(_ arn: String, _ context: CallContext) throws -> IAMPrincipalRecord {
        guard let parsed = ARN(arn), parsed.service == "iam", let kindName = parsed.resource.split(separator: "/").first,
            let kind = IAMPrincipalKind(rawValue: String(kindName)), parsed.resource.contains("/")
        else { throw IAMError.invalidInput("Invalid ARN: \(arn) is not the ARN of a user, group or role.") }
        let name = String(parsed.resource.split(separator: "/").last ?? "")
        guard let record = context.resolution["PolicySourceArn"]?.entity(as: IAMPrincipalRecord.self), record.accountID == context.accountID
        else { throw Self.noSuch(kind, name) }
        return record
    }

    /// The user a simulation's `CallerArn` names, for its tags.
    static func callerReference(_ callerArn: String?) -> [ResourceReference] {
        guard let callerArn, ARN(callerArn)?.resource.hasPrefix("user/") == true else { return [] }
        return [ResourceReference(.iamUser, member: "CallerArn", text: callerArn, use: .implied)]
    }

    /// Who the simulated calls are made by: `CallerArn` (an IAM user), else the source entity.
    /// A resource policy needs a user to name. Without one, a member of the account nobody named: no
    /// ARN, name or id, so that only context entries give `aws:username` or `aws:PrincipalArn` a value.
    private func simulatedCaller(
        _ callerArn: String?, source: IAMPrincipalRecord?, hasResourcePolicy: Bool, _ context: CallContext
    ) async throws -> RequestPrincipal {
        let invalidCaller = IAMError.invalidInput("Invalid caller - Caller must be an IAM user in this context.")
        if let callerArn {
            guard let parsed = ARN(callerArn), parsed.service == "iam", parsed.resource.hasPrefix("user/") else { throw invalidCaller }
            let name = String(parsed.resource.split(separator: "/").last ?? "")
            let user = context.resolution["CallerArn"]?.entity(as: IAMPrincipalRecord.self)
            return RequestPrincipal(
                kind: .user(name: name), arn: callerArn, accountID: parsed.accountID, userID: user?.uniqueID, tags: Self.tags(user))
        }
        guard let source, source.kind != .group else {
            guard !hasResourcePolicy else { throw invalidCaller }
            return RequestPrincipal(kind: .user(name: ""), arn: "", accountID: context.accountID, userID: nil)
        }
        if source.kind == .user {
            return RequestPrincipal(
                kind: .user(name: source.name), arn: source.arn, accountID: source.accountID, userID: source.uniqueID, tags: Self.tags(source))
        }
        // AWS simulates resource policies for users only.
        guard !hasResourcePolicy else { throw invalidCaller }
        return RequestPrincipal(
            kind: .assumedRole(roleARN: source.arn, sessionName: source.name), arn: source.arn, accountID: source.accountID,
            userID: source.uniqueID, tags: Self.tags(source))
    }

    /// `ResourceOwner`: an account id, or an ARN naming one.
    private static func account(ofOwner owner: String) throws -> String {
        if owner.count == 12, owner.allSatisfy({ $0.isASCII && $0.isNumber }) { return owner }
        guard let account = ARN(owner)?.accountID, !account.isEmpty else {
            throw IAMError.invalidInput("Invalid ResourceOwner: \(owner) is neither an account id nor an ARN naming one.")
        }
        return account
    }

    private static func tags(_ entity: IAMPrincipalRecord?) -> [String: String] {
        Dictionary((entity?.tags ?? []).map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }
}
