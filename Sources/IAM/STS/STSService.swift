import AWSWire
import BulwarkCore
import Foundation
import Store

/// AWS STS: who the caller is, role sessions (`AssumeRole`, judged by the role's trust policy in
/// the authorize stage) and MFA sessions (`GetSessionToken`).
public struct STSService: AWSService {
    public let model = ServiceModel.sts
    let database: BulwarkDatabase
    let issuer: SessionIssuer
    let clock: WallClock

    public init(database: BulwarkDatabase, clock: WallClock = .system) {
        self.database = database
        self.issuer = SessionIssuer(store: database.credentials, clock: clock)
        self.clock = clock
    }

    public var operations: [ServiceOperation] {
        [
            ServiceOperation(
                "GetCallerIdentity", action: "sts:GetCallerIdentity", readOnly: true, access: .anyAuthenticatedCaller,
                input: STSAPI.GetCallerIdentityRequest.self,
                handler: getCallerIdentity
            ),
            ServiceOperation(
                "AssumeRole", action: "sts:AssumeRole", readOnly: true, auditsResponse: true,
                input: STSAPI.AssumeRoleRequest.self,
                references: { input, _ in
                    // A role is assumed by its ARN only, never by a name.
                    guard input.roleArn.hasPrefix("arn:") else {
                        throw AWSError(code: "ValidationError", message: "\(input.roleArn) is invalid", status: 400)
                    }
                    return [ResourceReference(.iamRole, member: "RoleArn", text: input.roleArn)]
                },
                conditionKeys: { input, _, _ in
                    var keys: [String: AuthorizationCheck.Value] = [:]
                    if let externalID = input.externalId { keys["sts:ExternalId"] = .single(externalID) }
                    if let sourceIdentity = input.sourceIdentity { keys["sts:SourceIdentity"] = .single(sourceIdentity) }
                    return keys.merging(AuthorizationCheck.requestTagKeys((input.tags ?? []).map { (key: $0.key, value: $0.value) })) { $1 }
                },
                handler: assumeRole
            ),
            ServiceOperation(
                "GetSessionToken", action: "sts:GetSessionToken", readOnly: true, access: .anyAuthenticatedCaller,
                input: STSAPI.GetSessionTokenRequest.self,
                handler: getSessionToken
            ),
        ]
    }

    @Sendable func getCallerIdentity(
        _ input: STSAPI.GetCallerIdentityRequest, _ context: CallContext
    ) async throws
        -> STSAPI.GetCallerIdentityResponse
    {
        STSAPI.GetCallerIdentityResponse(userId: context.principal.principalID, account: context.accountID, arn: context.principal.arn)
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
        if let policy = input.policy {
            do {
                _ = try PolicyDocument.parse(policy, kind: .session)
            } catch {
                throw AWSError(code: "MalformedPolicyDocument", message: error.message, status: 400)
            }
            guard PolicySizeLimit.size(of: policy) <= PolicySizeLimit.sessionPolicy else {
                throw AWSError(
                    code: "PackedPolicyTooLarge", message: "Packed size of the policy exceeds the maximum allowed size.", status: 400)
            }
        }
        let mfaAt =
            try await verifiedMFA(serialNumber: input.serialNumber, tokenCode: input.tokenCode, context: context)
            ?? (chained ? context.principal.session?.mfaAuthenticatedAt : nil)
        let credentials = try await issuer.issue(
            SessionIssuer.Request(
                accountID: role.accountID, kind: .roleSession, principalName: role.name, principalID: role.uniqueID,
                sessionName: input.roleSessionName,
                duration: TimeInterval(duration), mfaAuthenticatedAt: mfaAt, policy: input.policy,
                tags: (input.tags ?? []).map { IAMTag(key: $0.key, value: $0.value) }, sourceAccessKeyID: context.accessKeyID
            )
        )
        return STSAPI.AssumeRoleResponse(
            credentials: Self.wire(credentials),
            assumedRoleUser: STSAPI.AssumedRoleUser(
                assumedRoleId: "\(role.uniqueID):\(input.roleSessionName)",
                arn: "arn:aws:sts::\(role.accountID):assumed-role/\(role.name)/\(input.roleSessionName)"
            ),
            packedPolicySize: input.policy.map { min(100, PolicySizeLimit.size(of: $0) * 100 / PolicySizeLimit.sessionPolicy) }
        )
    }

    @Sendable func getSessionToken(
        _ input: STSAPI.GetSessionTokenRequest, _ context: CallContext
    ) async throws
        -> STSAPI.GetSessionTokenResponse
    {
        let principal = context.principal
        guard principal.session == nil, principal.kind == .root || principal.kind == .iamUser else {
            throw AWSError(code: "AccessDenied", message: "Cannot call GetSessionToken with session credentials", status: 403)
        }
        // Root sessions last at most one hour; users' from 15 minutes to 36 hours (12 by default).
        let maximum = principal.kind == .root ? 3600 : 129_600
        let duration = min(input.durationSeconds ?? 43_200, maximum)
        let mfaAt = try await verifiedMFA(serialNumber: input.serialNumber, tokenCode: input.tokenCode, context: context)
        let credentials = try await issuer.issue(
            SessionIssuer.Request(
                accountID: principal.accountID, kind: .userSession, principalName: principal.kind == .root ? "" : (principal.userName ?? ""),
                principalID: principal.kind == .root ? principal.accountID : principal.principalID, sessionName: nil,
                duration: TimeInterval(duration), mfaAuthenticatedAt: mfaAt, sourceAccessKeyID: context.accessKeyID
            )
        )
        return STSAPI.GetSessionTokenResponse(credentials: Self.wire(credentials))
    }

    /// Checks an MFA code against the caller's enabled device; a code is accepted once.
    /// - Returns: when MFA was proven, or nil when no device was named.
    private func verifiedMFA(serialNumber: String?, tokenCode: String?, context: CallContext) async throws -> Date? {
        guard let serialNumber else {
            if tokenCode != nil {
                throw AWSError(code: "ValidationError", message: "SerialNumber is required when TokenCode is provided.", status: 400)
            }
            return nil
        }
        guard let tokenCode else {
            throw AWSError(code: "ValidationError", message: "TokenCode is required when SerialNumber is provided.", status: 400)
        }
        let refused = AWSError(code: "AccessDenied", message: "MultiFactorAuthentication failed with invalid MFA one time pass code. ", status: 403)
        guard let device = try await database.credentials.mfaDevice(serialNumber), device.enabledAt != nil,
            device.accountID == context.accountID, device.userName == (context.principal.kind == .root ? nil : context.principal.userName)
        else { throw refused }
        let now = clock.now()
        guard let step = TOTP(secret: device.seed).match(tokenCode, at: now, after: device.lastUsedStep) else { throw refused }
        try await database.credentials.updateMFADevice(serialNumber) { $0.lastUsedStep = max($0.lastUsedStep, step) }
        return now
    }

    static func wire(_ credentials: SessionIssuer.Credentials) -> STSAPI.Credentials {
        STSAPI.Credentials(
            accessKeyId: credentials.accessKeyID, secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken,
            expiration: credentials.expiration
        )
    }
}
