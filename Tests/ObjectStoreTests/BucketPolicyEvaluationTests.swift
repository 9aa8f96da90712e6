import AWSWire
import BulwarkCore
import Foundation
import IAM
import Testing

@testable import ObjectStore

/// A bucket policy as the authorizer judges it (decision 0031): another account's caller needs the
/// policy's grant, which RestrictPublicBuckets takes away from a public policy — even from an account it
/// names — while its denials still hold; the owner's root is refused by an explicit Deny.
@Suite("Bucket policies through the authorizer, across accounts")
struct BucketPolicyEvaluationTests {
    static let owner = BucketControlsTests.owner
    static let other = BucketControlsTests.other
    static let objectARN = "arn:aws:s3:::b/k"

    static func policy(_ statements: String...) -> String {
        #"{"Version":"2012-10-17","Statement":[\#(statements.joined(separator: ","))]}"#
    }

    static let grantToOther =
        #"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#
    static let grantToEveryone = #"{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#
    static let denyEveryone = #"{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/secret"}"#

    /// Whether the root of `account` may read `arn` in a bucket with `policy` and `block`.
    static func allowed(
        _ policy: String, block: PublicAccessBlock?, account: String, arn: String = objectARN, isPublic: Bool? = nil
    ) async throws -> Bool {
        let document = try PolicyDocument.parse(policy, kind: .resource)
        let bucket = ResolvedBucket(
            record: BucketRecord(name: "b", accountID: owner, region: "us-east-1", createdAt: Date(), objectOwnership: "BucketOwnerEnforced"),
            controls: BucketControls(policy: policy, policyPrincipals: [:], publicAccessBlock: block, tags: nil),
            policyIsPublic: isPublic ?? PublicPolicyCheck.s3.isPublic(document))
        let context = BucketControlsTests.context(account: account, kind: .root)
        let key = String(arn.dropFirst("arn:aws:s3:::b/".count))
        let reference = ResourceReference(.s3Object, member: "Key", text: "b/\(key)")
        let resolved = ResolvedResource(
            reference: reference, arn: arn, entity: nil, accountID: owner,
            policy: S3ResourceAuthority.policy(of: bucket, for: reference, context: context))
        let outcome = try await Authorizer().authorize(
            [AuthorizationCheck(action: "s3:GetObject", resource: arn)], identity: .none(for: context.principal),
            resolution: Resolution([resolved]), context: context)
        return outcome.isAllowed
    }

    static let open = PublicAccessBlock(blockPublicAcls: false, ignorePublicAcls: false, blockPublicPolicy: false, restrictPublicBuckets: false)

    @Test("another account is let in only by a grant of the policy")
    func crossAccount() async throws {
        #expect(try await !Self.allowed(Self.policy(Self.denyEveryone), block: .allBlocked, account: Self.other))
        #expect(try await Self.allowed(Self.policy(Self.grantToOther), block: .allBlocked, account: Self.other))
        #expect(try await Self.allowed(Self.policy(Self.grantToEveryone), block: Self.open, account: Self.other))
    }

    @Test("RestrictPublicBuckets: a public policy's grants admit no other account, named or not")
    func restrictPublicBuckets() async throws {
        let publicPolicy = Self.policy(Self.grantToEveryone, Self.grantToOther, Self.denyEveryone)
        #expect(try await !Self.allowed(publicPolicy, block: .allBlocked, account: Self.other))
        #expect(try await Self.allowed(publicPolicy, block: Self.open, account: Self.other))
        // The owner's account keeps the whole policy, its denial included.
        #expect(try await Self.allowed(publicPolicy, block: .allBlocked, account: Self.owner))
        #expect(try await !Self.allowed(publicPolicy, block: .allBlocked, account: Self.owner, arn: "arn:aws:s3:::b/secret"))
        #expect(try await !Self.allowed(publicPolicy, block: Self.open, account: Self.other, arn: "arn:aws:s3:::b/secret"))
    }

    @Test("an explicit Deny refuses the owner's root")
    func rootDenied() async throws {
        let denyRoot =
            #"{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"s3:*","Resource":"arn:aws:s3:::b/*"}"#
        #expect(try await !Self.allowed(Self.policy(denyRoot), block: .allBlocked, account: Self.owner))
        #expect(try await Self.allowed(Self.policy(Self.denyEveryone), block: .allBlocked, account: Self.owner))
    }
}
