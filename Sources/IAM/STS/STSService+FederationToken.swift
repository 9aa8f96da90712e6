import AWSWire
import BulwarkCore
import Foundation
import Store

extension STSService {
    /// `sts:GetFederationToken`: a federated user session of an IAM user (or of the root), whose
    /// permissions are the caller's limited by the session policies passed — none without them.
    var getFederationTokenOperation: ServiceOperation {
        ServiceOperation(
            "GetFederationToken", action: "sts:GetFederationToken", readOnly: true, auditsResponse: true,
            input: STSAPI.GetFederationTokenRequest.self,
            references: { input, context in
                // Only long-term credentials federate users, whatever the caller's policies say.
                guard context.principal.session == nil, context.principal.kind == .root || context.principal.kind == .iamUser else {
                    throw AWSError(code: "AccessDenied", message: "Cannot call GetFederationToken with session credentials", status: 403)
                }
                let tags = try Self.federationTags(of: input)
                try PackedSessionSize(policy: input.policy, policyARNs: (input.policyArns ?? []).compactMap(\.arn), tags: tags.tags).check()
                return []
            },
            resources: { input, _, context in [Self.federatedUserARN(account: context.accountID, name: input.name)] },
            conditionKeys: { input, _, _ in Self.tagKeys(try Self.federationTags(of: input)) },
            furtherChecks: { input, _, context in
                guard input.tags?.isEmpty == false else { return [] }
                return [
                    AuthorizationCheck(
                        action: "sts:TagSession", resource: Self.federatedUserARN(account: context.accountID, name: input.name),
                        conditionKeys: Self.tagKeys(try Self.federationTags(of: input)))
                ]
            },
            handler: getFederationToken
        )
    }

    @Sendable func getFederationToken(
        _ input: STSAPI.GetFederationTokenRequest, _ context: CallContext
    ) async throws
        -> STSAPI.GetFederationTokenResponse
    {
        let principal = context.principal
        try Self.checkSessionPolicy(input.policy)
        let tags = try Self.federationTags(of: input)
        let policyARNs = (input.policyArns ?? []).compactMap(\.arn)
        let packed = PackedSessionSize(policy: input.policy, policyARNs: policyARNs, tags: tags.tags)
        // Users' sessions last from 15 minutes to 36 hours (12 by default); the root's at most one hour.
        let requested = input.durationSeconds ?? 43_200
        let duration = principal.kind == .root ? min(requested, 3600) : requested
        let credentials = try await issuer.issue(
            SessionIssuer.Request(
                accountID: principal.accountID, kind: .federatedUser, principalName: input.name,
                principalID: principal.kind == .root ? principal.accountID : principal.principalID, sessionName: nil,
                duration: TimeInterval(duration), policy: input.policy, tags: tags.tags, sourceAccessKeyID: context.accessKeyID,
                policyARNs: policyARNs
            )
        )
        return STSAPI.GetFederationTokenResponse(
            credentials: Self.wire(credentials),
            federatedUser: STSAPI.FederatedUser(
                federatedUserId: "\(principal.accountID):\(input.name)",
                arn: Self.federatedUserARN(account: principal.accountID, name: input.name)
            ),
            packedPolicySize: packed.reported
        )
    }

    static func federatedUserARN(account: String, name: String) -> String {
        "arn:aws:sts::\(account):federated-user/\(name)"
    }

    /// The session tags of a federated user session: checked as `AssumeRole`'s, never transitive.
    static func federationTags(of input: STSAPI.GetFederationTokenRequest) throws -> SessionTags {
        try SessionTags(tags: (input.tags ?? []).map { IAMTag(key: $0.key, value: $0.value) }, transitiveKeys: [], caller: nil)
    }
}
