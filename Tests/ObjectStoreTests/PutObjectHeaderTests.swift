import AWSWire
import Foundation
import HTTPTypes
import Testing

@testable import ObjectStore

/// PutObject refuses what this slice would not store (decision 0024) instead of dropping it, and
/// honours `x-amz-expected-bucket-owner` on every bucket and object operation.
@Suite("PutObject's refused headers and the expected bucket owner")
struct PutObjectHeaderTests {
    static let otherAccount = "111122223333"

    @Test(
        "each unbuilt header is NotImplemented (501) naming it, and nothing is stored",
        arguments: [
            ("x-amz-object-lock-legal-hold", "ON"),
            ("x-amz-object-lock-retain-until-date", "2030-01-01T00:00:00Z"),
            ("x-amz-server-side-encryption-customer-key", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="),
            ("x-amz-server-side-encryption-customer-key-MD5", "ZGVhZGJlZWZkZWFkYmVlZg=="),
            ("x-amz-server-side-encryption-context", "eyJhIjoiYiJ9"),
            ("x-amz-server-side-encryption-bucket-key-enabled", "true"),
            ("x-amz-checksum-sha512", "AAAA"),
            ("x-amz-checksum-md5", "AAAA"),
            ("x-amz-checksum-xxhash64", "AAAA"),
            ("x-amz-checksum-xxhash3", "AAAA"),
            ("x-amz-checksum-xxhash128", "AAAA"),
        ]
    )
    func refused(header: String, value: String) async throws {
        let s3 = try S3Harness()
        _ = await s3.send(.put, "/bkt")
        let answer = await s3.send(.put, "/bkt/k", headers: [header: value], body: Data("x".utf8))
        #expect(answer.status == 501)
        #expect(answer.errorCode == "NotImplemented")
        #expect(answer.text.contains("<Header>\(header)</Header>"), "\(answer.text)")
        #expect(answer.text.contains("A header you provided implies functionality that is not implemented"))
        #expect(try s3.files().isEmpty)
        #expect(try await s3.rows().isEmpty)
    }

    @Test("the bucket's own account as expected owner is served; another account is AccessDenied (403) and changes nothing")
    func expectedBucketOwner() async throws {
        let s3 = try S3Harness()
        _ = await s3.send(.put, "/bkt")
        let own = ["x-amz-expected-bucket-owner": S3Harness.accountID]
        let other = ["x-amz-expected-bucket-owner": Self.otherAccount]
        #expect(await s3.send(.put, "/bkt/k", headers: own, body: Data("x".utf8)).status == 200)
        let calls: [(HTTPRequest.Method, String, Data)] = [
            (.put, "/bkt/k", Data("y".utf8)), (.get, "/bkt/k", Data()), (.head, "/bkt/k", Data()), (.delete, "/bkt/k", Data()),
            (.get, "/bkt?list-type=2", Data()), (.head, "/bkt", Data()), (.get, "/bkt?location", Data()), (.delete, "/bkt", Data()),
            (.post, "/bkt?delete", Data("<Delete><Object><Key>k</Key></Object></Delete>".utf8)),
        ]
        for (method, target, body) in calls {
            let answer = await s3.send(method, target, headers: other, body: body)
            #expect(answer.status == 403, "\(method) \(target)")
            if method != .head { #expect(answer.errorCode == "AccessDenied", "\(method) \(target)") }
        }
        #expect(await s3.send(.get, "/bkt/k", headers: own).body == Data("x".utf8))
        #expect(await s3.send(.get, "/bkt?list-type=2", headers: own).status == 200)
    }
}
