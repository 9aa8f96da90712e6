import AWSWire
import BulwarkCore
import Foundation
import IAM
import Testing

@testable import KMS

/// Grant tokens, and the statements a grant adds to its key's policy (decision 0015).
@Suite("Grants")
struct GrantPolicyTests {
    static let grantID = String(repeating: "ab", count: 32)
    static let otherID = String(repeating: "cd", count: 32)

    static func grant(
        operations: [String], subset: [String: String]? = nil, equals: [String: String]? = nil, retiring: String? = nil,
        id: String = grantID
    ) -> KMSGrantRecord {
        KMSGrantRecord(
            id: id, keyID: "1234abcd-12ab-34cd-56ef-1234567890ab", name: nil, granteePrincipal: "arn:aws:iam::123456789012:user/alice",
            retiringPrincipal: retiring, principalIDs: [:], operations: operations, encryptionContextSubset: subset, encryptionContextEquals: equals,
            issuingAccount: "arn:aws:iam::123456789012:root", createdAt: Date(timeIntervalSince1970: 0))
    }

    static let key = KMSKeyRecord(
        id: "1234abcd-12ab-34cd-56ef-1234567890ab", accountID: "123456789012", region: "us-east-1", description: "", keyUsage: "ENCRYPT_DECRYPT",
        keySpec: "SYMMETRIC_DEFAULT", origin: "AWS_KMS", keyManager: "CUSTOMER", state: .enabled, createdAt: Date(timeIntervalSince1970: 0),
        policy: KMSService.defaultKeyPolicy(accountID: "123456789012"))

    @Test func tokensNameTheirGrantAndDifferEachTime() throws {
        let first = GrantToken(grantID: Self.grantID)
        let second = GrantToken(grantID: Self.grantID)
        #expect(first.text != second.text)
        #expect(try GrantToken(first.text).grantID == Self.grantID)
        #expect(try GrantToken(second.text).grantID == Self.grantID)
    }

    @Test(arguments: ["", "bogus", "AQ", String(repeating: "A", count: 88), "!!!!"])
    func malformedTokensAreRefused(_ text: String) {
        #expect(throws: AWSError.self) { try GrantToken(text) }
    }

    @Test(arguments: [
        (String(repeating: "0", count: 64), true), (String(repeating: "f", count: 64), true), (String(repeating: "F", count: 64), false),
        ("abc", false), (String(repeating: "g", count: 64), false),
    ])
    func grantIDs(_ text: String, _ valid: Bool) {
        #expect(GrantToken.isGrantID(text) == valid)
    }

    @Test func aKeyWithoutGrantsKeepsItsPolicyText() {
        let policy = KMSGrantPolicy.keyPolicy(Self.key, grants: [])
        #expect(policy.document == Self.key.policy)
        #expect(policy.kind == .keyPolicy)
    }

    @Test func grantsAreAppendedAsStatementsThatParse() throws {
        let grants = [
            Self.grant(operations: ["Decrypt", "DescribeKey", "Encrypt"], subset: ["app": "billing"]),
            Self.grant(operations: ["CreateGrant", "GenerateDataKey"], equals: ["tenant": "a"], id: Self.otherID),
        ]
        let policy = KMSGrantPolicy.keyPolicy(Self.key, grants: grants)
        let document = try PolicyDocument.parse(policy.document, kind: .resource)
        // The key policy's statement, then: constrained use, other operations, constrained use, CreateGrant.
        #expect(
            document.statements.map(\.sid) == [
                "Enable IAM User Permissions", "Grant\(Self.grantID)Use", "Grant\(Self.grantID)Other", "Grant\(Self.otherID)Use",
                "Grant\(Self.otherID)CreateGrant",
            ])
    }

    @Test func constraintsBecomeConditions() {
        let subset = KMSGrantPolicy.contextCondition(Self.grant(operations: ["Encrypt"], subset: ["a": "1"]))
        #expect(subset == ["StringEquals": ["kms:EncryptionContext:a": .string("1")]])
        let equals = KMSGrantPolicy.contextCondition(Self.grant(operations: ["Encrypt"], equals: ["b": "2", "a": "1"]))
        #expect(
            equals == [
                "StringEquals": ["kms:EncryptionContext:a": .string("1"), "kms:EncryptionContext:b": .string("2")],
                "ForAllValues:StringEquals": ["kms:EncryptionContextKeys": .array([.string("a"), .string("b")])],
            ])
        let empty = KMSGrantPolicy.contextCondition(Self.grant(operations: ["Encrypt"], equals: [:]))
        #expect(empty == ["Null": ["kms:EncryptionContextKeys": .string("true")]])
    }

    @Test func retiringIsForTheRetiringPrincipalAndAGranteeAllowedToRetire() throws {
        #expect(KMSGrantPolicy.retirePolicy(Self.grant(operations: ["Encrypt"])) == nil)
        let retiring = try #require(KMSGrantPolicy.retirePolicy(Self.grant(operations: ["Encrypt"], retiring: "arn:aws:iam::123456789012:role/r")))
        #expect(retiring.kind == .resource)
        #expect(retiring.document.contains("role/r") && !retiring.document.contains("user/alice"))
        let both = try #require(
            KMSGrantPolicy.retirePolicy(Self.grant(operations: ["RetireGrant"], retiring: "arn:aws:iam::123456789012:role/r")))
        #expect(both.document.contains("role/r") && both.document.contains("user/alice"))
        _ = try PolicyDocument.parse(both.document, kind: .resource)
    }

    @Test(arguments: [
        ("arn:aws:iam::123456789012:user/alice", true), ("arn:aws:iam::123456789012:root", true),
        ("arn:aws:sts::123456789012:assumed-role/r/s", true), ("logs.amazonaws.com", true), ("alice", false),
        ("arn:aws:s3:::bucket", false),
    ])
    func principals(_ text: String, _ valid: Bool) {
        #expect(KMSService.isPrincipal(text) == valid)
    }

    @Test func operationsAreCheckedAgainstTheKeyType() throws {
        #expect(try KMSService.grantOperations(["Encrypt", "Decrypt", "Encrypt"], Self.key) == ["Decrypt", "Encrypt"])
        #expect(throws: AWSError.self) { try KMSService.grantOperations(["Sign"], Self.key) }
        #expect(throws: AWSError.self) { try KMSService.grantOperations([], Self.key) }
    }
}
