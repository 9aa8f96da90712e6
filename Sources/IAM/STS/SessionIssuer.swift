import BulwarkCore
import Crypto
import Foundation
import Store

/// Temporary credentials as STS issues them: an `ASIA…` key, its secret, a session token and an
/// expiry. Only a hash of the token is stored; a token that does not hash to it is refused.
public struct SessionIssuer: Sendable {
    /// Credentials handed to a caller (or to a function's environment).
    public struct Credentials: Sendable, Equatable {
        public let accessKeyID: String
        public let secretAccessKey: String
        public let sessionToken: String
        public let expiration: Date
    }

    /// What a new session is for.
    public struct Request: Sendable {
        public var accountID: String
        public var kind: SessionRecord.Kind
        /// The role (role session) or user (empty for the root).
        public var principalName: String
        /// Its unique id (the account id for the root): the session is bound to it.
        public var principalID: String
        public var sessionName: String?
        public var duration: TimeInterval
        public var mfaAuthenticatedAt: Date?
        public var policy: String?
        public var tags: [IAMTag]
        public var sourceAccessKeyID: String?
        public var sourceFunctionARN: String?
        /// The keys of `tags` that pass to sessions this one assumes, lowercased.
        public var transitiveTagKeys: [String]
        /// The managed session policies.
        public var policyARNs: [String]

        public init(
            accountID: String, kind: SessionRecord.Kind, principalName: String, principalID: String, sessionName: String?,
            duration: TimeInterval,
            mfaAuthenticatedAt: Date? = nil, policy: String? = nil, tags: [IAMTag] = [], sourceAccessKeyID: String? = nil,
            sourceFunctionARN: String? = nil, transitiveTagKeys: [String] = [], policyARNs: [String] = []
        ) {
            self.accountID = accountID
            self.kind = kind
            self.principalName = principalName
            self.principalID = principalID
            self.sessionName = sessionName
            self.duration = duration
            self.mfaAuthenticatedAt = mfaAuthenticatedAt
            self.policy = policy
            self.tags = tags
            self.sourceAccessKeyID = sourceAccessKeyID
            self.sourceFunctionARN = sourceFunctionARN
            self.transitiveTagKeys = transitiveTagKeys
            self.policyARNs = policyARNs
        }
    }

    private let store: CredentialRepository
    private let clock: WallClock

    public init(store: CredentialRepository, clock: WallClock) {
        self.store = store
        self.clock = clock
    }

    public func issue(_ request: Request) async throws -> Credentials {
        let now = clock.now()
        let token = Self.makeToken()
        let credentials = Credentials(
            accessKeyID: KeyMaterial.accessKeyID(prefix: "ASIA"),
            secretAccessKey: KeyMaterial.secretAccessKey(),
            sessionToken: token,
            expiration: now.addingTimeInterval(request.duration)
        )
        try await store.createSession(
            SessionRecord(
                accessKeyID: credentials.accessKeyID, secretAccessKey: credentials.secretAccessKey,
                sessionTokenHash: Self.hash(token), accountID: request.accountID, kind: request.kind,
                principalName: request.principalName, principalID: request.principalID, sessionName: request.sessionName,
                sourceAccessKeyID: request.sourceAccessKeyID,
                issuedAt: now, expiresAt: credentials.expiration, mfaAuthenticatedAt: request.mfaAuthenticatedAt,
                sessionPolicy: request.policy, tags: request.tags, sourceFunctionARN: request.sourceFunctionARN,
                transitiveTagKeys: request.transitiveTagKeys, sessionPolicyARNs: request.policyARNs
            )
        )
        return credentials
    }

    /// SHA-256 of a session token, hex.
    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// 96 random bytes in base64, about as long as AWS's tokens.
    private static func makeToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<96).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString()
    }
}
