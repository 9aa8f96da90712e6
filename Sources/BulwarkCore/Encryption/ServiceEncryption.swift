import Foundation

/// Encryption of a service's own data under a KMS key, done by the service on its own behalf (as
/// Lambda encrypts environment variables and Secrets Manager secret values): under a customer key
/// the caller named, or under the account's AWS managed key `alias/aws/<service>`, which is created
/// on first need. The KMS module implements it; services receive it in their initializer.
public protocol ServiceEncryption: Sendable {
    /// Encrypts `plaintext` under the key `keyARN` names (a key or alias ARN), or under the AWS
    /// managed key of `service` when `keyARN` is nil, binding `context`.
    ///
    /// - Returns: the ciphertext blob and the ARN of the key that encrypted it.
    /// - Throws: ``ServiceEncryptionFailure`` when the key cannot encrypt.
    func encrypt(
        _ plaintext: Data, keyARN: String?, service: String, accountID: String, region: String, context: [String: String]
    ) async throws -> (blob: Data, keyARN: String)

    /// Decrypts a blob that ``encrypt(_:keyARN:service:accountID:region:context:)`` answered, under
    /// exactly `context`. - Throws: ``ServiceEncryptionFailure`` when the key cannot decrypt it.
    func decrypt(_ blob: Data, accountID: String, region: String, context: [String: String]) async throws -> Data
}

/// Why a key could not be used for a service's encryption, with KMS's own error code and message,
/// so that the service can answer in its own words and name KMS's.
public struct ServiceEncryptionFailure: Error, Sendable, Equatable {
    public enum Reason: Sendable, Equatable {
        /// No such key (or alias) in the account and region, or a blob naming none.
        case notFound
        /// The key is disabled.
        case disabled
        /// The key's state does not allow the operation (pending deletion), or it is not a
        /// symmetric encryption key.
        case invalidState
        /// The key's material cannot be unwrapped, or the blob does not decrypt.
        case unavailable
    }

    public var reason: Reason
    /// KMS's error code (`NotFoundException`, `DisabledException`, ...).
    public var kmsCode: String
    /// KMS's message.
    public var kmsMessage: String

    public init(_ reason: Reason, kmsCode: String, kmsMessage: String) {
        self.reason = reason
        self.kmsCode = kmsCode
        self.kmsMessage = kmsMessage
    }
}
