import AWSWire
import BulwarkCore
import Foundation
import Store

extension STSService {
    /// `sts:AssumeRole`, judged by the role's trust policy; passing session tags also asks
    /// `sts:TagSession` of it, as AWS does.
    var assumeRoleOperation: ServiceOperation {
        ServiceOperation(
            "AssumeRole", action: "sts:AssumeRole", readOnly: true, auditsResponse: true,
            input: STSAPI.AssumeRoleRequest.self,
            references: { input, context in
                // Checked before anything is authorized, as STS does: the ARN's form, the tags, the packed size.
                try Self.checkRoleARN(input.roleArn)
                let tags = try Self.sessionTags(of: input, caller: context.principal.session)
                try PackedSessionSize(policy: input.policy, policyARNs: (input.policyArns ?? []).compactMap(\.arn), tags: tags.tags).check()
                return [ResourceReference(.iamRole, member: "RoleArn", text: input.roleArn)]
            },
            conditionKeys: { input, _, context in
                var keys: [String: AuthorizationCheck.Value] = ["sts:RoleSessionName": .single(input.roleSessionName)]
                if let externalID = input.externalId { keys["sts:ExternalId"] = .single(externalID) }
                if let sourceIdentity = input.sourceIdentity { keys["sts:SourceIdentity"] = .single(sourceIdentity) }
                let tags = try Self.sessionTags(of: input, caller: context.principal.session)
                return keys.merging(Self.tagKeys(tags)) { $1 }
            },
            furtherChecks: { input, resolution, context in
                guard input.tags?.isEmpty == false || input.transitiveTagKeys?.isEmpty == false else { return [] }
                let tags = try Self.sessionTags(of: input, caller: context.principal.session)
                return [
                    AuthorizationCheck(
                        action: "sts:TagSession", resource: resolution["RoleArn"]?.arn ?? input.roleArn, conditionKeys: Self.tagKeys(tags))
                ]
            },
            handler: assumeRole
        )
    }

    @Sendable func assumeRole(_ input: STSAPI.AssumeRoleRequest, _ context: CallContext) async throws -> STSAPI.AssumeRoleResponse {
        guard context.principal.kind != .root else {
            throw AWSError(code: "AccessDenied", message: "Roles may not be assumed by root accounts.", status: 403)
        }
        // The authorize stage judged the trust policy of the role at exactly this ARN; where no role
        // is, there is no trust policy to allow it.
        guard let role = context.resolution["RoleArn"]?.entity(as: IAMPrincipalRecord.self) else {
            throw AWSError(
                code: "AccessDenied",
                message: "User: \(context.principal.arn) is not authorized to perform: sts:AssumeRole on resource: \(input.roleArn)",
                status: 403
            )
        }
        // A role session assuming a role (role chaining) is limited to one hour, as AWS does.
        let chained = context.principal.kind == .assumedRole
        let maximum = chained ? 3600 : (role.maxSessionDuration ?? 3600)
        let duration = input.durationSeconds ?? 3600
        guard duration <= maximum else {
            let message =
                chained
                ? "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
                : "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
            throw AWSError(code: "ValidationError", message: message, status: 400)
        }
        try Self.checkSessionPolicy(input.policy)
        let tags = try Self.sessionTags(of: input, caller: context.principal.session)
        let policyARNs = (input.policyArns ?? []).compactMap(\.arn)
        let packed = PackedSessionSize(policy: input.policy, policyARNs: policyARNs, tags: tags.tags)
        let mfaAt =
            try await verifiedMFA(serialNumber: input.serialNumber, tokenCode: input.tokenCode, context: context)
            ?? (chained ? context.principal.session?.mfaAuthenticatedAt : nil)
        let credentials = try await issuer.issue(
            SessionIssuer.Request(
                accountID: role.accountID, kind: .roleSession, principalName: role.name, principalID: role.uniqueID,
                sessionName: input.roleSessionName,
                duration: TimeInterval(duration), mfaAuthenticatedAt: mfaAt, policy: input.policy,
                tags: tags.tags, sourceAccessKeyID: context.accessKeyID, transitiveTagKeys: tags.transitiveKeys, policyARNs: policyARNs
            )
        )
        return STSAPI.AssumeRoleResponse(
            credentials: Self.wire(credentials),
            assumedRoleUser: STSAPI.AssumedRoleUser(
                assumedRoleId: "\(role.uniqueID):\(input.roleSessionName)",
                arn: "arn:aws:sts::\(role.accountID):assumed-role/\(role.name)/\(input.roleSessionName)"
            ),
            packedPolicySize: packed.reported
        )
    }

    /// A role ARN has six colon-separated parts, of which the partition, the service and the
    /// resource are not empty; anything else is refused as STS refuses it, before authorization.
    static func checkRoleARN(_ text: String) throws {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", !parts[1].isEmpty, !parts[2].isEmpty, !parts[5].isEmpty else {
            throw AWSError(code: "ValidationError", message: "\(text) is invalid", status: 400)
        }
    }

    /// An inline session policy must parse as a session policy.
    static func checkSessionPolicy(_ policy: String?) throws {
        guard let policy else { return }
        do {
            _ = try PolicyDocument.parse(policy, kind: .session)
        } catch {
            throw AWSError(code: "MalformedPolicyDocument", message: error.message, status: 400)
        }
    }

    static func sessionTags(of input: STSAPI.AssumeRoleRequest, caller: Principal.Session?) throws -> SessionTags {
        try SessionTags(
            tags: (input.tags ?? []).map { IAMTag(key: $0.key, value: $0.value) }, transitiveKeys: input.transitiveTagKeys ?? [], caller: caller)
    }

    /// `aws:RequestTag/${TagKey}`, `aws:TagKeys` and `sts:TransitiveTagKeys` of a new session's tags.
    static func tagKeys(_ tags: SessionTags) -> [String: AuthorizationCheck.Value] {
        var keys = AuthorizationCheck.requestTagKeys(tags.tags.map { (key: $0.key, value: $0.value) })
        if !tags.transitiveKeys.isEmpty { keys["sts:TransitiveTagKeys"] = .multiple(tags.transitiveKeys) }
        return keys
    }
}
