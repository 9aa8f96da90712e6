import AWSWire
import BulwarkCore
import Foundation
import HTTPTypes
import Testing

@testable import ObjectStore

/// ``S3ObjectReader``: a service reads exactly the object the resolve stage found, and is answered
/// S3's code and message when it cannot (decision 0030).
@Suite("Reading an object on a service's behalf")
struct S3ObjectReaderTests {
    let s3: S3Harness
    let reader: S3ObjectReader

    init() async throws {
        s3 = try S3Harness()
        reader = S3ObjectReader(bodies: s3.bodies)
        _ = await s3.send(.put, "/code")
        _ = await s3.send(.put, "/code/app.zip", body: Data("package one".utf8))
    }

    /// The bucket and object `bucket/key` names, as the resolve stage finds them.
    func resolved(_ bucket: String, _ key: String, version: String? = nil) async throws -> (object: ResolvedResource, bucket: ResolvedResource) {
        let resolution = try await ResourceResolver(authorities: s3.service.authorities).resolve(
            [
                ResourceReference(.s3Bucket, member: "S3Bucket", text: bucket).implied,
                ResourceReference(.s3Object, member: "S3Key", text: "\(bucket)/\(key)", qualifier: version).implied,
            ], context: s3.context)
        return (try #require(resolution["S3Key"]), try #require(resolution["S3Bucket"]))
    }

    @Test func readsTheBodyOfTheResolvedObjectAndItsNullVersion() async throws {
        let (object, bucket) = try await resolved("code", "app.zip")
        #expect(try await reader.body(of: object, in: bucket, version: nil, region: "us-east-1", maxBytes: 1 << 20) == Data("package one".utf8))
        let (null, _) = try await resolved("code", "app.zip", version: "null")
        #expect(try await reader.body(of: null, in: bucket, version: "null", region: "us-east-1", maxBytes: 1 << 20) == Data("package one".utf8))
        // A version the resolve stage was not asked for is never read in its place.
        await #expect(throws: AWSError.self) {
            try await reader.body(of: object, in: bucket, version: "null", region: "us-east-1", maxBytes: 1 << 20)
        }
        await #expect(throws: ServiceObjectTooLarge(size: 11)) {
            try await reader.body(of: object, in: bucket, version: nil, region: "us-east-1", maxBytes: 10)
        }
    }

    @Test func readsTheObjectThatWasJudgedEvenAfterTheKeyIsOverwritten() async throws {
        let (object, bucket) = try await resolved("code", "app.zip")
        _ = await s3.send(.put, "/code/app.zip", body: Data("package two".utf8))
        // The body the resolve stage found is the one read, or none at all: never the newer neighbour.
        let read = try? await reader.body(of: object, in: bucket, version: nil, region: "us-east-1", maxBytes: 1 << 20)
        #expect(read != Data("package two".utf8))
    }

    @Test(
        arguments: [
            (
                "code", "app.zip", String(repeating: "a", count: 32), "us-east-1",
                ServiceObjectFailure(code: "NoSuchVersion", message: "The specified version does not exist.")
            ),
            ("code", "app.zip", "v1", "us-east-1", ServiceObjectFailure(code: "InvalidArgument", message: "Invalid version id specified")),
            ("code", "other.zip", nil, "us-east-1", ServiceObjectFailure(code: "NoSuchKey", message: "The specified key does not exist.")),
            ("gone", "app.zip", nil, "us-east-1", ServiceObjectFailure(code: "NoSuchBucket", message: "The specified bucket does not exist")),
            ("CODE", "app.zip", nil, "us-east-1", ServiceObjectFailure(code: "NoSuchBucket", message: "The specified bucket does not exist")),
            (
                "code", "app.zip", nil, "eu-west-2",
                ServiceObjectFailure(
                    code: "PermanentRedirect", message: "The bucket is in this region: us-east-1. Please use this region to retry the request")
            ),
        ] as [(String, String, String?, String, ServiceObjectFailure)])
    func answersAsS3AnswersAGetObjectThatFails(
        bucket: String, key: String, version: String?, region: String, failure: ServiceObjectFailure
    )
        async throws
    {
        let (object, resolvedBucket) = try await resolved(bucket, key, version: version)
        await #expect(throws: failure) {
            try await reader.body(of: object, in: resolvedBucket, version: version, region: region, maxBytes: 1 << 20)
        }
    }

    @Test func refusesReferencesOfOtherKinds() async throws {
        let (object, bucket) = try await resolved("code", "app.zip")
        await #expect(throws: AWSError.self) {
            try await reader.body(of: bucket, in: object, version: nil, region: "us-east-1", maxBytes: 1 << 20)
        }
    }
}
