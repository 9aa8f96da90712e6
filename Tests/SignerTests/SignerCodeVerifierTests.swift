import AWSWire
import BulwarkCore
import Crypto
import Foundation
import Store
import Testing

@testable import Signer

/// Lambda's four checks over Signer's profiles and jobs (decision 0038), one row per outcome.
@Suite struct SignerCodeVerifierTests {
    let database: BulwarkDatabase
    let key = P384.Signing.PrivateKey()
    let signedAt = Date(timeIntervalSince1970: 1_800_000_000)
    let profile: SigningProfileRecord
    let job: SigningJobRecord

    init() async throws {
        database = try BulwarkDatabase(
            directory: FileManager.default.temporaryDirectory.appendingPathComponent("signer-\(UUID().uuidString)"), schemas: [.signer])
        profile = SigningProfileRecord(
            accountID: "123456789012", region: "us-east-1", name: "ci", profileVersion: "ABCDE12345", platformID: SignedPackage.platformID,
            validityValue: 1, validityType: "DAYS", signingParameters: "{}", status: "Active", publicKey: key.publicKey.derRepresentation,
            wrappedPrivateKey: Data(), createdAt: 1_799_000_000, permissions: "[]")
        job = SigningJobRecord(
            jobID: "0f1e2d3c-0000-4000-8000-000000000000", accountID: "123456789012", region: "us-east-1", profileName: "ci",
            profileVersion: "ABCDE12345", platformID: SignedPackage.platformID, signingParameters: "{}", sourceBucket: "b", sourceKey: "k",
            sourceVersion: "v", destinationBucket: "b", destinationKey: "signed/x.zip", clientRequestToken: "t", requestedBy: "root",
            status: "Succeeded", createdAt: 1_800_000_000)
        try await database.signer.insert(profile, tags: [:])
        try await database.signer.insert(job)
    }

    var verifier: SignerCodeVerifier { SignerCodeVerifier(database: database) }

    func signed(by signingKey: P384.Signing.PrivateKey? = nil, profileVersion: String? = nil) throws -> Data {
        let statement = SignedPackage.Statement(
            profileVersionArn: profileVersion ?? profile.versionARN, jobArn: job.arn, signedAt: signedAt,
            expiresAt: signedAt.addingTimeInterval(86_400), packageSHA384: "", publicKey: (signingKey ?? key).publicKey.derRepresentation)
        return try SignedPackage.sign(TestZip.make(files: ["app.py": "x = 1\n"]), statement: statement, key: signingKey ?? key)
    }

    @Test func signedByAnAllowedProfileIsTrusted() async throws {
        let verdict = try await verifier.verify(try signed(), allowedPublishers: [profile.versionARN], at: signedAt.addingTimeInterval(60))
        #expect(verdict == .trusted(profileVersionArn: profile.versionARN, jobArn: job.arn))
    }

    @Test func unsignedIsUntrusted() async throws {
        let verdict = try await verifier.verify(
            TestZip.make(files: ["app.py": "x = 1\n"]), allowedPublishers: [profile.versionARN], at: signedAt)
        #expect(verdict == .untrusted(reason: "The package is not signed."))
    }

    @Test func expiredIsUntrusted() async throws {
        let verdict = try await verifier.verify(try signed(), allowedPublishers: [profile.versionARN], at: signedAt.addingTimeInterval(86_400))
        guard case .untrusted(let reason) = verdict else {
            Issue.record("expected untrusted, got \(verdict)")
            return
        }
        #expect(reason.contains("expired"))
    }

    @Test func unlistedPublisherIsUntrusted() async throws {
        let other = "arn:aws:signer:us-east-1:123456789012:/signing-profiles/other/ZZZZZ99999"
        let verdict = try await verifier.verify(try signed(), allowedPublishers: [other], at: signedAt)
        guard case .untrusted(let reason) = verdict else {
            Issue.record("expected untrusted, got \(verdict)")
            return
        }
        #expect(reason.contains("not an allowed publisher"))
    }

    @Test func tamperedFailsIntegrity() async throws {
        var package = try signed()
        package[40] ^= 0xFF
        let verdict = try await verifier.verify(package, allowedPublishers: [profile.versionARN], at: signedAt)
        guard case .integrityFailed = verdict else {
            Issue.record("expected integrity failure, got \(verdict)")
            return
        }
    }

    /// A statement naming the profile version but signed with a key of one's own is not Signer's.
    @Test func anotherKeyFailsIntegrity() async throws {
        let verdict = try await verifier.verify(
            try signed(by: P384.Signing.PrivateKey()), allowedPublishers: [profile.versionARN], at: signedAt)
        guard case .integrityFailed = verdict else {
            Issue.record("expected integrity failure, got \(verdict)")
            return
        }
    }

    @Test(arguments: [(-60.0, true), (60.0, false)])
    func revokedProfileVersionIsUntrustedFromItsEffectiveTime(_ offset: TimeInterval, revoked: Bool) async throws {
        let from = Int64(signedAt.addingTimeInterval(offset).timeIntervalSince1970)
        _ = try await database.signer.update(profile) {
            $0.status = "Revoked"
            $0.revokedAt = from
            $0.revocationEffectiveFrom = from
        }
        let verdict = try await verifier.verify(try signed(), allowedPublishers: [profile.versionARN], at: signedAt.addingTimeInterval(120))
        if revoked {
            #expect(verdict == .untrusted(reason: "The signing profile version \(profile.versionARN) is revoked."))
        } else {
            #expect(verdict == .trusted(profileVersionArn: profile.versionARN, jobArn: job.arn))
        }
    }

    @Test func revokedSignatureIsUntrusted() async throws {
        var revoked = job
        revoked.revokedAt = 1_800_000_100
        try await database.signer.save(revoked)
        let verdict = try await verifier.verify(try signed(), allowedPublishers: [profile.versionARN], at: signedAt)
        #expect(verdict == .untrusted(reason: "The signature of job \(job.arn) is revoked."))
    }

    @Test("A signature of a job Signer has no record of is not trusted: it could never be revoked")
    func unknownJobIsUntrusted() async throws {
        let statement = SignedPackage.Statement(
            profileVersionArn: profile.versionARN, jobArn: "arn:aws:signer:us-east-1:123456789012:/signing-jobs/unknown", signedAt: signedAt,
            expiresAt: signedAt.addingTimeInterval(86_400), packageSHA384: "", publicKey: key.publicKey.derRepresentation)
        let package = try SignedPackage.sign(TestZip.make(files: ["app.py": "x = 1\n"]), statement: statement, key: key)
        let verdict = try await verifier.verify(package, allowedPublishers: [profile.versionARN], at: signedAt)
        #expect(verdict == .untrusted(reason: "The signing job arn:aws:signer:us-east-1:123456789012:/signing-jobs/unknown is not known to Signer."))
    }

    @Test func unknownProfileVersionFailsIntegrity() async throws {
        let unknown = "arn:aws:signer:us-east-1:123456789012:/signing-profiles/ci/QQQQQ11111"
        let verdict = try await verifier.verify(
            try signed(profileVersion: unknown), allowedPublishers: [unknown], at: signedAt)
        guard case .integrityFailed = verdict else {
            Issue.record("expected integrity failure, got \(verdict)")
            return
        }
    }
}
