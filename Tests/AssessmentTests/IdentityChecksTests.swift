import Assessment
import Foundation
import IAM
import Testing

@Suite("Identity checks")
struct IdentityChecksTests {
    let role = "arn:aws:iam::123456789012:role/service/app-role"

    @Test func administratorAccessAttached() {
        let policies = EntityPolicyTexts(
            identity: [
                StoredPolicyText(
                    name: "AdministratorAccess", arn: "arn:aws:iam::aws:policy/AdministratorAccess",
                    document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#),
                StoredPolicyText(
                    name: "buckets", arn: nil,
                    document: #"{"Version":"2012-10-17","Statement":[{"Sid":"All","Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#),
            ], boundary: nil)
        let findings = IdentityChecks.executionRole(arn: role, functions: ["a", "b"], policies: policies)
        #expect(findings.map(\.id) == ["iam-role-administrator/\(role)/AdministratorAccess", "iam-role-service-wildcard/\(role)/buckets/All/s3:*"])
        #expect(findings.map(\.severity) == [.high, .medium])
        #expect(findings[0].command == "aws iam detach-role-policy --role-name app-role --policy-arn arn:aws:iam::aws:policy/AdministratorAccess")
        #expect(findings[1].explanation == "Execution role used by a, b is allowed s3:* on every resource by buckets (All).")
        #expect(findings[1].command.hasPrefix("aws iam put-role-policy --role-name app-role --policy-name buckets"))
    }

    @Test func leastPrivilegeRoleIsClean() {
        let policies = EntityPolicyTexts(
            identity: [
                StoredPolicyText(
                    name: "AWSLambdaBasicExecutionRole", arn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
                    document:
                        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#
                )
            ], boundary: nil)
        #expect(IdentityChecks.executionRole(arn: role, functions: ["a"], policies: policies).isEmpty)
    }

    @Test func rootKeys() {
        let findings = IdentityChecks.root(
            accountID: "123456789012",
            accessKeys: [
                .init(id: "AKIAROOT000000000001", active: true, createdAt: Fixtures.now),
                .init(id: "AKIAROOT000000000002", active: false, createdAt: Fixtures.now),
            ])
        #expect(findings.map(\.id) == ["iam-root-access-key/arn:aws:iam::123456789012:root/AKIAROOT000000000001"])
        #expect(findings.first?.command == "aws iam delete-access-key --access-key-id AKIAROOT000000000001")
    }

    @Test func usersOldCredentialsAndMFA() {
        let old = Fixtures.now.addingTimeInterval(-91 * 86_400)
        let admin = EntityPolicyTexts(
            identity: [
                StoredPolicyText(
                    name: "AdministratorAccess", arn: "arn:aws:iam::aws:policy/AdministratorAccess",
                    document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#)
            ], boundary: nil)
        let arn = "arn:aws:iam::123456789012:user/alice"
        let user = IdentityChecks.User(
            name: "alice", arn: arn, mfaEnabled: false, passwordChangedAt: old,
            accessKeys: [
                .init(id: "AKIAOLD0000000000001", active: true, createdAt: old),
                .init(id: "AKIAOLD0000000000002", active: false, createdAt: old),
                .init(id: "AKIANEW0000000000003", active: true, createdAt: Fixtures.now.addingTimeInterval(-89 * 86_400)),
            ], policies: admin)
        #expect(
            IdentityChecks.user(user, now: Fixtures.now).map(\.id) == [
                "iam-access-key-older-than-90-days/\(arn)/AKIAOLD0000000000001", "iam-password-older-than-90-days/\(arn)",
                "iam-privileged-user-without-mfa/\(arn)",
            ])
        var careful = user
        careful.mfaEnabled = true
        careful.passwordChangedAt = nil
        careful.accessKeys = []
        #expect(IdentityChecks.user(careful, now: Fixtures.now).isEmpty)
        var reader = user
        reader.policies = EntityPolicyTexts(identity: [], boundary: nil)
        #expect(!IdentityChecks.user(reader, now: Fixtures.now).map(\.check).contains("iam-privileged-user-without-mfa"))
    }
}
