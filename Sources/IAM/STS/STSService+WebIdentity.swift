import AWSWire
import BulwarkCore
import Foundation
import Store

extension STSService {
    /// `sts:AssumeRoleWithWebIdentity`: the caller presents no AWS credentials but an OpenID Connect
    /// token; the token is verified against the role account's providers and the configured keys,
    /// then the role's trust policy decides for the provider, with the token's `<issuer>:sub` and
    /// `<issuer>:aud` as condition keys.
    var assumeRoleWithWebIdentityOperation: ServiceOperation {
        ServiceOperation(
            "AssumeRoleWithWebIdentity", action: "sts:AssumeRoleWithWebIdentity", readOnly: true, auditsResponse: true,
            access: .unsigned,
            input: STSAPI.AssumeRoleWithWebIdentityRequest.self,
            references: { input, _ in
                try Self.checkRoleARN(input.roleArn)
                return [ResourceReference(.iamRole, member: "RoleArn", text: input.roleArn)]
            },
            handler: assumeRoleWithWebIdentity
        )
    }

    @Sendable func assumeRoleWithWebIdentity(
        _ input: STSAPI.AssumeRoleWithWebIdentityRequest, _ context: CallContext
    ) async throws
        -> STSAPI.AssumeRoleWithWebIdentityResponse
    {
        let roleAccount = ARN(input.roleArn)?.accountID ?? ""
        let verified = try await WebIdentityVerifier(providers: database.oidcProviders).verify(
            input.webIdentityToken, accountID: roleAccount, now: clock.now())
        guard let role = context.resolution["RoleArn"]?.entity(as: IAMPrincipalRecord.self), try trusts(role, verified, context) else {
            throw AWSError(code: "AccessDenied", message: "Not authorized to perform sts:AssumeRoleWithWebIdentity", status: 403)
        }
        let duration = input.durationSeconds ?? 3600
        guard duration <= role.maxSessionDuration ?? 3600 else {
            throw AWSError(
                code: "ValidationError", message: "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", status: 400)
        }
        try Self.checkSessionPolicy(input.policy)
        let policyARNs = (input.policyArns ?? []).compactMap(\.arn)
        let packed = PackedSessionSize(policy: input.policy, policyARNs: policyARNs, tags: [])
        try packed.check()
        let credentials = try await issuer.issue(
            SessionIssuer.Request(
                accountID: role.accountID, kind: .roleSession, principalName: role.name, principalID: role.uniqueID,
                sessionName: input.roleSessionName, duration: TimeInterval(duration), policy: input.policy, policyARNs: policyARNs
            )
        )
        return STSAPI.AssumeRoleWithWebIdentityResponse(
            credentials: Self.wire(credentials),
            subjectFromWebIdentityToken: verified.token.subject,
            assumedRoleUser: STSAPI.AssumedRoleUser(
                assumedRoleId: "\(role.uniqueID):\(input.roleSessionName)",
                arn: "arn:aws:sts::\(role.accountID):assumed-role/\(role.name)/\(input.roleSessionName)"
            ),
            packedPolicySize: packed.reported,
            provider: verified.provider.arn,
            audience: verified.audience
        )
    }

    /// Whether the role's trust policy lets the token's provider assume it, judged by AWS's
    /// evaluation logic with the token's claims as the provider's condition keys.
    private func trusts(_ role: IAMPrincipalRecord, _ verified: WebIdentityVerifier.Verified, _ context: CallContext) throws -> Bool {
        var request = Authorizer.requestContext(of: context)
        let prefix = verified.provider.issuerKey
        if let subject = verified.token.subject { request["\(prefix):sub"] = .single(subject) }
        request["\(prefix):aud"] = .single(verified.audience)
        request["aws:FederatedProvider"] = .single(verified.provider.arn)
        var policies = ApplicablePolicies()
        policies.resource = try PolicyDocuments.trustPolicy(of: role)
        let result = PolicyEvaluator().evaluate(
            EvaluationRequest(
                principal: .webIdentity(provider: verified.provider.arn), action: "sts:AssumeRoleWithWebIdentity", resource: role.arn,
                resourceAccount: role.accountID, context: request, policies: policies
            )
        )
        return result.isAllowed
    }
}
