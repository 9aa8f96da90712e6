import Foundation

/// Judging a deployment package's signature for a service that enforces code signing (Lambda's
/// code signing configurations): the Signer module implements it over its profiles and jobs, so
/// that Lambda does not import Signer.
public protocol CodeSignatureVerifier: Sendable {
    /// The verdict on `package` at `date`, trusted only when signed by one of `allowedPublishers`
    /// (signing profile version ARNs).
    func verify(_ package: Data, allowedPublishers: [String], at date: Date) async throws -> CodeSignatureVerdict
}

/// What Lambda's four checks (integrity, expiry, mismatch, revocation) found.
public enum CodeSignatureVerdict: Sendable, Equatable {
    /// Signed by an allowed, unrevoked profile version, not expired, intact.
    case trusted(profileVersionArn: String, jobArn: String)
    /// The package changed since it was signed, or its signature cannot be read: refused whatever
    /// the policy says.
    case integrityFailed(reason: String)
    /// Unsigned, expired, signed by a publisher not allowed, or revoked: refused under `Enforce`,
    /// deployed with a warning under `Warn`.
    case untrusted(reason: String)
}
