import BulwarkCore
import Foundation

/// Encryption of a service's own data under a KMS key, done by the service on its own behalf (as
/// Lambda encrypts environment variables): under a customer key that the resolve stage found for
/// the call — and that the authorize stage judged the caller may use — or under the account's AWS
/// managed key `alias/aws/<service>`, which is created on first need. The KMS module implements it;
/// services receive it in their initializer.
public protocol ServiceEncryption: Sendable {
    /// Encrypts `plaintext` under `key` (a key the resolve stage found), or under the AWS managed
    /// key of `service` when `key` is nil, binding `context`.
    ///
    /// - Returns: the ciphertext blob and the ARN of the key that encrypted it.
    /// - Throws: ``ServiceEncryptionFailure`` when the key cannot encrypt (or was not found).
    func encrypt(
        _ plaintext: Data, under key: ResolvedResource?, service: String, accountID: String, region: String, context: [String: String]
    ) async throws -> (blob: Data, keyARN: String)

    /// Decrypts a blob that ``encrypt(_:under:service:accountID:region:context:)`` answered, under
    /// exactly `context`. With `auditedFor`, the use is the service's own (`lambda.amazonaws.com`
    /// starting an environment) and is recorded in the trail as a KMS `Decrypt` made by that service.
    ///
    /// - Throws: ``ServiceEncryptionFailure`` when the key cannot decrypt it.
    func decrypt(
        _ blob: Data, accountID: String, region: String, context: [String: String], auditedFor service: String?
    ) async throws -> Data

    /// The ARN of the key a blob that ``encrypt(_:under:service:accountID:region:context:)`` answered
    /// names; nil when `blob` is no such blob.
    func keyARN(ofBlob blob: Data) -> String?
}
