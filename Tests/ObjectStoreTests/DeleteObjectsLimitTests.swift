import AWSWire
import BulwarkCore
import Foundation
import HTTPTypes
import Testing

@testable import ObjectStore

/// DeleteObjects takes 1 to 1000 keys, refused before anything is resolved or authorized: each key
/// costs a policy evaluation, and a 2 MiB body holds some 70,000 of them.
@Suite("DeleteObjects entry limits")
struct DeleteObjectsLimitTests {
    static func body(keys count: Int) -> Data {
        Data(("<Delete>" + (0..<count).map { "<Object><Key>k\($0)</Key></Object>" }.joined() + "</Delete>").utf8)
    }

    @Test("0 or more than 1000 keys: MalformedXML, even for a bucket that does not exist", arguments: [0, 1001, 70_000])
    func refusedBeforeResolution(count: Int) async throws {
        let s3 = try S3Harness()
        let answer = await s3.send(.post, "/nobucket?delete", body: Self.body(keys: count))
        #expect(answer.status == 400)
        #expect(answer.errorCode == "MalformedXML")
        #expect(answer.text.contains("The XML you provided was not well-formed or did not validate against our published schema"))
    }

    @Test("the limit is judged while the references are built, before any check exists")
    func refusedInPrepare() throws {
        let s3 = try S3Harness()
        let operation = try #require(s3.service.operations.first { $0.name == "DeleteObjects" })
        let input = JSONValue.object([
            "Bucket": .string("bkt"), "Delete": .object(["Objects": .array((0..<1001).map { .object(["Key": .string("k\($0)")]) })]),
        ])
        #expect(throws: S3Error.malformedXML) { try operation.prepare(input, context: s3.context) }
    }

    @Test("1 and 1000 keys are taken", arguments: [1, 1000])
    func accepted(count: Int) async throws {
        let s3 = try S3Harness()
        _ = await s3.send(.put, "/bkt")
        _ = await s3.send(.put, "/bkt/k0", body: Data("x".utf8))
        let answer = await s3.send(.post, "/bkt?delete", body: Self.body(keys: count))
        #expect(answer.status == 200, "\(answer.text)")
        #expect(try await s3.rows().isEmpty)
    }

    @Test("each key's check names the bucket's owner, not the caller's account")
    func perKeyChecksCarryTheBucketOwner() async throws {
        let s3 = try S3Harness()
        _ = await s3.send(.put, "/bkt")
        let operation = try #require(s3.service.operations.first { $0.name == "DeleteObjects" })
        let input = JSONValue.object([
            "Bucket": .string("bkt"), "Delete": .object(["Objects": .array([.object(["Key": .string("a")]), .object(["Key": .string("b")])])]),
        ])
        let caller = CallContext(
            requestID: "r",
            principal: Principal(kind: .root, accountID: "111122223333", arn: "arn:aws:iam::111122223333:root", principalID: "111122223333"),
            accessKeyID: "AKIA", region: "us-east-1", sourceIP: "192.0.2.1", userAgent: "t", isSecureTransport: false, receivedAt: Date(),
            presigner: URLPresigner { path, _, _ in path })
        let prepared = try operation.prepare(input, context: caller)
        let resolution = try await ResourceResolver(authorities: s3.service.authorities).resolve(prepared.references, context: caller)
        let checks = try prepared.contingentChecks(given: resolution)
        #expect(checks.map(\.resource) == ["arn:aws:s3:::bkt/a", "arn:aws:s3:::bkt/b"])
        #expect(checks.map(\.resourceAccount) == [S3Harness.accountID, S3Harness.accountID])
    }
}
