import AWSWire
import BulwarkCore
import Crypto
import Foundation
import KMS
import ObjectStore
import Store
import Testing
import Trail

@testable import CloudTrail

/// Every operation of the CloudTrail table asks `cloudtrail:<Operation>` on the trail's ARN, or on `*`
/// for the account-wide ones (LookupEvents, DescribeTrails), as the Service Authorization Reference lists.
@Suite("CloudTrail operations, authorized")
struct CloudTrailAuthorizationTests {
    static let account = "123456789012"
    static let trail = "arn:aws:cloudtrail:us-east-1:123456789012:trail/main"
    let service: CloudTrailService

    init() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cloudtrail-\(UUID().uuidString)")
        let database = try BulwarkDatabase(directory: directory, schemas: [.objectStore, .cloudTrail])
        let writer = try TrailWriter(directory: directory.appendingPathComponent("trail"))
        let masterKey = MasterKey(SymmetricKey(size: .bits256))
        let bodies = try ObjectBodyStore(directory: directory.appendingPathComponent("objects"), masterKey: masterKey)
        service = CloudTrailService(
            database: database, indexer: EventIndexer(database: database, trail: writer),
            buckets: S3DeliveryWriter(database: database, bodies: bodies), signingKeys: SigningKeys(database: database, masterKey: masterKey))
    }

    private var context: CallContext {
        CallContext(
            requestID: "test",
            principal: Principal(kind: .root, accountID: Self.account, arn: "arn:aws:iam::\(Self.account):root", principalID: Self.account),
            accessKeyID: "AKIATEST", region: "us-east-1", sourceIP: "192.0.2.1", userAgent: "tests", isSecureTransport: true,
            receivedAt: Date(), presigner: URLPresigner { path, _, _ in path })
    }

    private func checks(_ name: String, _ input: JSONValue) async throws -> [String] {
        let operation = try #require(service.operations.first { $0.name == name })
        let prepared = try operation.prepare(input, context: context)
        let resolution = try await ResourceResolver(authorities: service.authorities).resolve(prepared.references, context: context)
        return try prepared.checks(given: resolution).map { "\($0.action) \($0.resource)" }
    }

    @Test(
        arguments: [
            ("LookupEvents", [:], ["cloudtrail:LookupEvents *"]),
            ("DescribeTrails", [:], ["cloudtrail:DescribeTrails *"]),
            ("CreateTrail", ["Name": "main", "S3BucketName": "bucket"], ["cloudtrail:CreateTrail \(trail)"]),
            ("GetTrail", ["Name": "main"], ["cloudtrail:GetTrail \(trail)"]),
            ("GetTrail", ["Name": .string(trail)], ["cloudtrail:GetTrail \(trail)"]),
            ("UpdateTrail", ["Name": "main"], ["cloudtrail:UpdateTrail \(trail)"]),
            ("DeleteTrail", ["Name": "main"], ["cloudtrail:DeleteTrail \(trail)"]),
            ("StartLogging", ["Name": "main"], ["cloudtrail:StartLogging \(trail)"]),
            ("StopLogging", ["Name": "main"], ["cloudtrail:StopLogging \(trail)"]),
            ("GetTrailStatus", ["Name": "main"], ["cloudtrail:GetTrailStatus \(trail)"]),
            ("GetEventSelectors", ["TrailName": "main"], ["cloudtrail:GetEventSelectors \(trail)"]),
            ("PutEventSelectors", ["TrailName": "main", "EventSelectors": [[:]]], ["cloudtrail:PutEventSelectors \(trail)"]),
            ("ListPublicKeys", [:], ["cloudtrail:ListPublicKeys *"]),
            // Another account's trail is judged as the caller's own, absent.
            ("GetTrail", ["Name": "arn:aws:cloudtrail:us-east-1:111122223333:trail/main"], ["cloudtrail:GetTrail \(trail)"]),
        ] as [(String, JSONValue, [String])])
    func eachOperationAsksItsActionOnTheTrail(_ name: String, _ input: JSONValue, _ expected: [String]) async throws {
        #expect(try await checks(name, input) == expected)
    }

    @Test func everyOperationOfTheTableIsCovered() {
        #expect(
            Set(service.operations.map(\.name)) == [
                "LookupEvents", "CreateTrail", "GetTrail", "DescribeTrails", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging",
                "GetTrailStatus", "GetEventSelectors", "PutEventSelectors", "ListPublicKeys",
            ])
    }

    @Test func aMalformedARNIsRefusedBeforeResolution() throws {
        let operation = try #require(service.operations.first { $0.name == "GetTrail" })
        #expect {
            try operation.prepare(["Name": "arn:aws:cloudtrail:us-east-1:12:trail/x"], context: context)
        } throws: { ($0 as? AWSError)?.code == "CloudTrailARNInvalidException" }
    }
}
