import AWSWire
import BulwarkCore
import Foundation
import Store

/// AWS STS: who the caller is, role sessions (`AssumeRole`, judged by the role's trust policy in
/// the authorize stage), MFA sessions (`GetSessionToken`), federated user sessions
/// (`GetFederationToken`), the account of an access key (`GetAccessKeyInfo`) and the account of a
/// denial (`DecodeAuthorizationMessage`).
public struct STSService: AWSService {
    public let model = ServiceModel.sts
    let database: BulwarkDatabase
    let issuer: SessionIssuer
    let clock: WallClock
    /// Opens the messages the pipeline sealed for denials, with the same key.
    let authorizationMessages: AuthorizationMessageSealer

    public init(database: BulwarkDatabase, authorizationMessages: AuthorizationMessageSealer, clock: WallClock = .system) {
        self.database = database
        self.issuer = SessionIssuer(store: database.credentials, clock: clock)
        self.clock = clock
        self.authorizationMessages = authorizationMessages
    }

    public var operations: [ServiceOperation] {
        [
            ServiceOperation(
                "GetCallerIdentity", action: "sts:GetCallerIdentity", readOnly: true, access: .anyAuthenticatedCaller,
                input: STSAPI.GetCallerIdentityRequest.self,
                handler: getCallerIdentity
            ),
            assumeRoleOperation,
            assumeRoleWithWebIdentityOperation,
            decodeAuthorizationMessageOperation,
            getAccessKeyInfoOperation,
            getFederationTokenOperation,
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
    func verifiedMFA(serialNumber: String?, tokenCode: String?, context: CallContext) async throws -> Date? {
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
