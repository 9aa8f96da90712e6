import Foundation

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
