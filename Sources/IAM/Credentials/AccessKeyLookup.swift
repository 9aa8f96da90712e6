import AWSWire
import BulwarkCore
import Store

/// What authentication learns about the key that signed a request.
public struct KeyOwner: Sendable {
    public let principal: Principal
    /// The key's secret, kept to presign URLs on the caller's behalf.
    public let secretAccessKey: String
    public let sessionToken: String?
}

/// Finds access keys for the SigV4 verifier: long-term keys of the account root (and, with #4,
/// of IAM users and temporary credentials).
public struct AccessKeyLookup: SigV4CredentialLookup {
    private let accounts: AccountRepository

    public init(accounts: AccountRepository) {
        self.accounts = accounts
    }

    public func secret(forAccessKeyID accessKeyID: String, sessionToken: String?) async throws -> SigV4SecretLookup<KeyOwner> {
        guard let key = try await accounts.accessKey(accessKeyID) else {
            // No temporary credentials exist yet, so any session token is one Bulwark never issued.
            return sessionToken == nil ? .unknownAccessKey : .invalidSessionToken
        }
        // A long-term key presented with a session token is refused, as AWS does.
        if sessionToken != nil { return .invalidSessionToken }
        guard key.status == .active else { return .inactiveAccessKey }
        guard key.userName == nil else {
            // IAM users arrive with issue #4; until then a user key cannot exist.
            return .unknownAccessKey
        }
        return .found(
            secretAccessKey: key.secretAccessKey,
            identity: KeyOwner(principal: .root(accountID: key.accountID), secretAccessKey: key.secretAccessKey, sessionToken: nil)
        )
    }
}
