/// Finds the secret of an access key, for ``SigV4Verifier``.
///
/// Implemented by the identity store; `Identity` is whatever the caller needs back about the key's
/// owner (the pipeline attaches a `Principal`). Throw only for failures of the store itself: the
/// verifier passes such errors through unchanged, whereas every answer about the key is a
/// ``SigV4SecretLookup`` value.
public protocol SigV4CredentialLookup: Sendable {
    associatedtype Identity: Sendable

    /// Looks up `accessKeyID` presented with `sessionToken`.
    ///
    /// AWS judges the session token before the key: answer ``SigV4SecretLookup/invalidSessionToken``
    /// when the token is not one that was issued with this key (also when a key of temporary
    /// credentials arrives without its token or a long-term key with one), then
    /// ``SigV4SecretLookup/expiredSessionToken``, and only then about the key itself.
    func secret(forAccessKeyID accessKeyID: String, sessionToken: String?) async throws -> SigV4SecretLookup<Identity>
}

/// The answer of a ``SigV4CredentialLookup``.
public enum SigV4SecretLookup<Identity: Sendable>: Sendable {
    /// The key is known and usable; the verifier hands `identity` back on success.
    case found(secretAccessKey: String, identity: Identity)
    case unknownAccessKey
    case inactiveAccessKey
    case invalidSessionToken
    case expiredSessionToken
}
