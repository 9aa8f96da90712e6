import AWSWire
import BulwarkCore
import Foundation
import HTTPTypes
import Testing

@testable import ObjectStore

/// How a bucket's controls reach the authorizer (decision 0031): the policy for every check on the
/// bucket and its objects, the owner's root always able to manage it, RestrictPublicBuckets keeping
/// other accounts out of a public policy while its denials hold; and tags as S3 checks them.
@Suite("Bucket controls in the resolve stage, and tags")
struct BucketControlsTests {
    static let owner = "123456789012"
    static let other = "111122223333"
    static let publicPolicy = #"""
        {"Version":"2012-10-17","Statement":[
         {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
         {"Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::b/*"}]}
        """#

    static func bucket(policy: String? = publicPolicy, block: PublicAccessBlock? = .allBlocked, isPublic: Bool = true) -> ResolvedBucket {
        ResolvedBucket(
            record: BucketRecord(name: "b", accountID: owner, region: "us-east-1", createdAt: Date(), objectOwnership: "BucketOwnerEnforced"),
            controls: BucketControls(policy: policy, policyPrincipals: [:], publicAccessBlock: block, tags: nil), policyIsPublic: isPublic)
    }

    static func context(account: String, kind: Principal.Kind = .iamUser) -> CallContext {
        let arn = kind == .root ? "arn:aws:iam::\(account):root" : "arn:aws:iam::\(account):user/u"
        return CallContext(
            requestID: "r", principal: Principal(kind: kind, accountID: account, arn: arn, principalID: "AIDAEXAMPLE"), accessKeyID: "AKIA",
            region: "us-east-1", sourceIP: "192.0.2.1", userAgent: "t", isSecureTransport: true, receivedAt: Date(),
            presigner: URLPresigner { path, _, _ in path })
    }

    static let bucketReference = ResourceReference(.s3Bucket, member: "Bucket", text: "b")

    @Test("the owner's account is judged under the whole policy")
    func ownerAccount() {
        let policy = S3ResourceAuthority.policy(of: Self.bucket(), for: Self.bucketReference, context: Self.context(account: Self.owner))
        #expect(policy?.document == Self.publicPolicy)
        #expect(policy?.governedService == "s3")
    }

    @Test("RestrictPublicBuckets: another account sees the denials only")
    func restricted() throws {
        let policy = try #require(
            S3ResourceAuthority.policy(of: Self.bucket(), for: Self.bucketReference, context: Self.context(account: Self.other)))
        #expect(!policy.document.contains("Allow"))
        #expect(policy.document.contains("s3:DeleteObject"))
    }

    @Test("without RestrictPublicBuckets, or with a policy that is not public, another account sees the whole policy")
    func unrestricted() {
        let open = PublicAccessBlock(blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: false)
        for bucket in [Self.bucket(block: open), Self.bucket(block: nil), Self.bucket(isPublic: false)] {
            let policy = S3ResourceAuthority.policy(of: bucket, for: Self.bucketReference, context: Self.context(account: Self.other))
            #expect(policy?.document == Self.publicPolicy)
        }
    }

    @Test("a public policy without denials admits no other account at all")
    func noDenials() {
        let allowOnly = #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}}"#
        let bucket = Self.bucket(policy: allowOnly)
        #expect(S3ResourceAuthority.policy(of: bucket, for: Self.bucketReference, context: Self.context(account: Self.other)) == nil)
        #expect(S3ResourceAuthority.denialsOnly(allowOnly) == nil)
    }

    @Test("the owner's root manages the policy whatever it says; others and other operations are judged by it")
    func policyManagement() {
        let managing = ResourceReference(.s3Bucket, member: "Bucket", text: "b", qualifier: S3ResourceAuthority.policyManagement)
        let bucket = Self.bucket()
        #expect(S3ResourceAuthority.policy(of: bucket, for: managing, context: Self.context(account: Self.owner, kind: .root)) == nil)
        #expect(S3ResourceAuthority.policy(of: bucket, for: managing, context: Self.context(account: Self.owner)) != nil)
        #expect(S3ResourceAuthority.policy(of: bucket, for: Self.bucketReference, context: Self.context(account: Self.owner, kind: .root)) != nil)
        #expect(S3ResourceAuthority.policy(of: bucket, for: managing, context: Self.context(account: Self.other, kind: .root)) != nil)
    }

    @Test("too many tags is BadRequest, with the object's and the bucket's messages")
    func tooManyTags() {
        let eleven = (0...10).map { S3API.Tag(key: "k\($0)", value: "v") }
        #expect(throws: S3Error.badRequest("Object tags cannot be greater than 10")) { try TagSet.validated(eleven, for: .object) }
        #expect((try? TagSet.validated(eleven, for: .bucket))?.count == 11)
        let fiftyOne = (0...50).map { S3API.Tag(key: "k\($0)", value: "v") }
        #expect(throws: S3Error.badRequest("Bucket tag count cannot be greater than 50")) { try TagSet.validated(fiftyOne, for: .bucket) }
        #expect(throws: S3Error.invalidTag("System tags cannot be added/updated by requester")) {
            try TagSet.validated([S3API.Tag(key: "aws:cloudformation:stack-name", value: "s")], for: .bucket)
        }
    }

    @Test(
        "InvalidTag messages",
        arguments: [
            ([(String(repeating: "k", count: 129), "v")], "The TagKey you have provided is too long, max 128"),
            ([("k", String(repeating: "v", count: 257))], "The TagValue you have provided is too long, max 256"),
            ([("k", "1"), ("k", "2")], "Cannot provide multiple Tags with the same key"),
            // Stricter than S3: one key to a policy, whose condition keys ignore case.
            ([("classification", "secret"), ("Classification", "public")], "Cannot provide multiple Tags with the same key"),
            ([("", "1")], "The TagKey you have provided is invalid"),
            ([("a<b", "1")], "The TagKey you have provided is invalid"),
            ([("k", "a;b")], "The TagValue you have provided is invalid"),
            ([("aws:k", "1")], "Your TagKey cannot be prefixed with aws:"),
            ([("k", "tab\there")], "The TagValue you have provided is invalid"),
        ] as [([(String, String)], String)]
    )
    func invalidTags(tags: [(String, String)], message: String) {
        #expect(throws: S3Error.invalidTag(message)) {
            try TagSet.validated(tags.map { S3API.Tag(key: $0.0, value: $0.1) }, for: .object)
        }
    }

    @Test("tags S3 accepts: Unicode letters, digits, spaces and + - = . _ : / @; 128 and 256 characters")
    func validTags() throws {
        let tags = [
            S3API.Tag(key: "Ünïcode 名前", value: "a+b-c=d.e_f:g/h@i"), S3API.Tag(key: String(repeating: "k", count: 128), value: ""),
            S3API.Tag(key: "v", value: String(repeating: "é", count: 256)),
        ]
        #expect(try TagSet.validated(tags, for: .object).count == 3)
        #expect(try TagSet.parseHeader("a=1&b=x%20y&c=") == ["a": "1", "b": "x y", "c": ""])
        #expect(throws: AWSError.self) { try TagSet.parseHeader("a=1&a=2") }
        #expect(throws: AWSError.self) { try TagSet.parseHeader("a=%zz") }
    }

    @Test("the condition keys of existing and requested object tags")
    func conditionKeys() {
        #expect(TagSet.existingObjectTagKeys(["class": "secret"]) == ["s3:ExistingObjectTag/class": .single("secret")])
        #expect(
            TagSet.requestObjectTagKeys(["b": "2", "a": "1"]) == [
                "s3:RequestObjectTag/a": .single("1"), "s3:RequestObjectTag/b": .single("2"), "s3:RequestObjectTagKeys": .multiple(["a", "b"]),
            ])
        #expect(TagSet.requestObjectTagKeys([:]).isEmpty)
    }

    @Test("an ACL answers with the grantee's xsi:type attribute, and an owner-only ACL document is read back")
    func aclAttributes() async throws {
        let s3 = try S3Harness()
        _ = await s3.send(.put, "/bkt")
        let acl = await s3.send(.get, "/bkt?acl")
        #expect(acl.status == 200)
        #expect(acl.text.contains(#"<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser">"#), "\(acl.text)")
        #expect(acl.text.hasPrefix(#"<?xml version="1.0" encoding="UTF-8"?>"# + "\n<AccessControlPolicy"))
        #expect(await s3.send(.put, "/bkt?acl", body: acl.body).status == 200)
        let widened = acl.text.replacingOccurrences(
            of: "</AccessControlList>",
            with:
                #"<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission></Grant></AccessControlList>"#
        )
        let refused = await s3.send(.put, "/bkt?acl", body: Data(widened.utf8))
        #expect(refused.errorCode == "AccessControlListNotSupported")
    }
}
