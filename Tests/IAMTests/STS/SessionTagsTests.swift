import BulwarkCore
import Foundation
import Testing

@testable import IAM

@Suite struct SessionTagsTests {
    private static func session(tags: [String: String], transitive: Set<String>) -> Principal.Session {
        Principal.Session(
            issuerARN: "arn:aws:iam::123456789012:role/a", issuerName: "a", sessionName: "s", issuedAt: Date(), expiresAt: Date(),
            mfaAuthenticatedAt: nil, policy: nil, tags: tags, sourceFunctionARN: nil, transitiveTagKeys: transitive)
    }

    @Test func passedTagsAndTransitiveKeysAreKeptWithKeysLowercased() throws {
        let tags = try SessionTags(tags: [IAMTag(key: "Team", value: "blue")], transitiveKeys: ["TEAM"], caller: nil)
        #expect(tags.tags == [IAMTag(key: "Team", value: "blue")])
        #expect(tags.transitiveKeys == ["team"])
    }

    @Test(arguments: [
        (
            [IAMTag(key: "a", value: "1"), IAMTag(key: "A", value: "2")], [String](),
            "Duplicate tag keys found. Please note that Tag keys are case insensitive."
        ),
        ([IAMTag(key: "a", value: "1")], ["b"], "The specified transitive tag key must be included in the requested tags."),
        ([], ["b"], "The specified transitive tag key must be included in the requested tags."),
    ])
    func refusals(tags: [IAMTag], transitive: [String], message: String) {
        #expect(throws: AWSError(code: "InvalidParameterValue", message: message, status: 400)) {
            try SessionTags(tags: tags, transitiveKeys: transitive, caller: nil)
        }
    }

    @Test func aChainedSessionInheritsOnlyTransitiveTagsAndCannotOverrideThem() throws {
        let caller = Self.session(tags: ["Team": "blue", "Local": "x"], transitive: ["team"])
        let inherited = try SessionTags(tags: [IAMTag(key: "Other", value: "o")], transitiveKeys: [], caller: caller)
        #expect(inherited.tags == [IAMTag(key: "Other", value: "o"), IAMTag(key: "Team", value: "blue")])
        #expect(inherited.transitiveKeys == ["team"])
        #expect(
            throws: AWSError(
                code: "InvalidParameterValue",
                message:
                    "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.",
                status: 400)
        ) {
            try SessionTags(tags: [IAMTag(key: "TEAM", value: "red")], transitiveKeys: [], caller: caller)
        }
    }

    @Test func packedSizesAndTheirRefusals() throws {
        let small = PackedSessionSize(policy: nil, policyARNs: [], tags: [IAMTag(key: "Project", value: "bulwark")])
        #expect(small.tags == 1 && small.policies == 0 && small.reported == 1)
        #expect(PackedSessionSize(policy: nil, policyARNs: [], tags: []).reported == nil)
        let large = PackedSessionSize(policy: String(repeating: "x", count: 2049), policyARNs: [], tags: [])
        #expect(large.policies == 101)
        #expect(
            throws: AWSError(
                code: "PackedPolicyTooLarge", message: "Packed policy consumes 101% of allotted space, please use smaller policy.", status: 400)
        ) { try large.check() }
    }

    @Test(arguments: [
        ("ASIAQNZGKIQY56JQ7WML", "029608264753"), ("AKIAIOSFODNN7EXAMPLE", "581039954779"), ("AKIA6ODU5DHT7EXAMPLE", "992382622183"),
    ])
    func accountsEncodedInKeyIDs(key: String, account: String) {
        #expect(AccessKeyAccount.decode(key) == account)
    }

    @Test(arguments: ["AKIA0000000000000000", "AKIAABC", "AKIAabcdefghijklmnop"])
    func keyIDsThatEncodeNoAccount(key: String) {
        #expect(AccessKeyAccount.decode(key) == nil)
    }
}
