import AWSWire
import BulwarkCore
import Foundation
import Store

/// Lambda's four checks of a signed package (decision 0038), over Signer's profiles and jobs:
/// integrity (the statement is signed by the key it names, which must be the named profile
/// version's, and names this package's SHA-384), expiry, mismatch (the profile version is one of
/// the allowed publishers) and revocation (the profile version revoked from before the signing
/// time, or the job's signature revoked).
public struct SignerCodeVerifier: CodeSignatureVerifier {
    let database: BulwarkDatabase

    public init(database: BulwarkDatabase) {
        self.database = database
    }

    public func verify(_ package: Data, allowedPublishers: [String], at date: Date) async throws -> CodeSignatureVerdict {
        let signature: SignedPackage.Signature
        switch SignedPackage.inspect(package) {
        case .unsigned: return .untrusted(reason: "The package is not signed.")
        case .malformed: return .integrityFailed(reason: "The package's signature cannot be read.")
        case .signed(let found): signature = found
        }
        guard signature.integrityHolds else {
            return .integrityFailed(reason: "The package was modified after it was signed by job \(signature.jobArn).")
        }
        let profile = try await database.signer.profile(versionARN: signature.profileVersionArn)
        // A signature under a key that is not the profile version's was not made by Signer.
        guard let profile, profile.publicKey == signature.publicKey else {
            return .integrityFailed(reason: "The package's signature was not made with the key of \(signature.profileVersionArn).")
        }
        guard date < signature.expiresAt else {
            return .untrusted(reason: "The signature of job \(signature.jobArn) expired at \(AWSTimestamp.iso8601(signature.expiresAt)).")
        }
        guard allowedPublishers.contains(signature.profileVersionArn) else {
            return .untrusted(reason: "The package is signed by \(signature.profileVersionArn), which is not an allowed publisher.")
        }
        if let from = profile.revocationEffectiveDate, signature.signedAt >= from {
            return .untrusted(reason: "The signing profile version \(signature.profileVersionArn) is revoked.")
        }
        // A signature whose job Signer has no record of could never be revoked: it is not trusted.
        guard let job = try await database.signer.job(arn: signature.jobArn) else {
            return .untrusted(reason: "The signing job \(signature.jobArn) is not known to Signer.")
        }
        if job.revokedAt != nil {
            return .untrusted(reason: "The signature of job \(signature.jobArn) is revoked.")
        }
        return .trusted(profileVersionArn: signature.profileVersionArn, jobArn: signature.jobArn)
    }
}
