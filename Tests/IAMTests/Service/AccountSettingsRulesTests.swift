import Foundation
import Testing

@testable import IAM

@Suite("Password policies and the credential report's format")
struct AccountSettingsRulesTests {
    @Test(arguments: [
        ("Str0ng-Passw0rd!", true), ("Abcdefg1", true), ("abcdefg1!", true), ("abcdefgh1", false), ("Ab1!", false),
        ("ABCDEFGHIJ", false),
    ])
    func iamsDefaultPolicyWantsEightCharactersOfThreeKinds(_ password: String, _ allowed: Bool) {
        #expect(PasswordPolicy.allows(password, under: nil) == allowed)
    }

    @Test func anAccountPolicyReplacesTheDefault() {
        var policy = PasswordPolicy()
        policy.minimumPasswordLength = 10
        policy.requireSymbols = true
        #expect(PasswordPolicy.allows("aaaaaaaaa'", under: policy))
        #expect(!PasswordPolicy.allows("aaaaaaaa'", under: policy))
        #expect(!PasswordPolicy.allows("aaaaaaaaaa", under: policy))
        #expect(PasswordPolicy(encoded: policy.encoded) == policy)
    }

    @Test func passwordsAreKeptAsSaltedHashes() throws {
        let salt = PasswordHasher.salt()
        let hash = try PasswordHasher.hash("Str0ng-Passw0rd!", salt: salt)
        #expect(hash.count == 32 && salt.count == 16)
        #expect(try PasswordHasher.hash("Str0ng-Passw0rd!", salt: salt) == hash)
        #expect(try PasswordHasher.hash("Str0ng-Passw0rd!", salt: PasswordHasher.salt()) != hash)
    }

    @Test func reportRowsAreIAMs() {
        let created = Date(timeIntervalSince1970: 1_700_000_000)
        let report = CredentialReport(rows: [
            CredentialReport.Identity(
                name: "<root_account>", arn: "arn:aws:iam::111122223333:root", createdAt: created, password: nil, mfaActive: true,
                keys: [CredentialReport.Key(active: true, createdAt: created, lastUsed: (created, "us-east-1", "iam"))]),
            CredentialReport.Identity(
                name: "alice", arn: "arn:aws:iam::111122223333:user/alice", createdAt: created,
                password: CredentialReport.Password(enabled: false, changedAt: nil, nextRotation: nil), mfaActive: false, keys: [],
                certificates: [
                    CredentialReport.Certificate(active: false, uploadedAt: created),
                    CredentialReport.Certificate(active: true, uploadedAt: created.addingTimeInterval(60)),
                ]),
        ])
        let lines = report.csv.split(separator: "\n").map(String.init)
        #expect(lines[0].split(separator: ",").count == 22)
        #expect(
            lines[1]
                == "<root_account>,arn:aws:iam::111122223333:root,2023-11-14T22:13:20+00:00,not_supported,no_information,not_supported,"
                + "not_supported,true,true,2023-11-14T22:13:20+00:00,2023-11-14T22:13:20+00:00,us-east-1,iam,false,N/A,N/A,N/A,N/A,"
                + "false,N/A,false,N/A")
        #expect(
            lines[2]
                == "alice,arn:aws:iam::111122223333:user/alice,2023-11-14T22:13:20+00:00,false,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,"
                + "false,N/A,N/A,N/A,N/A,false,2023-11-14T22:13:20+00:00,true,2023-11-14T22:14:20+00:00")
    }
}
