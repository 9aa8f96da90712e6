import BulwarkCore
import Foundation
import Logging
import Store
import Synchronization
import Testing

@testable import Secrets

/// The rotator over a real store with a stand-in for Lambda that plays a rotation function: the
/// four steps in order with AWS's event, `finishSecret` moving `AWSCURRENT`; scheduled rotations
/// when `NextRotationDate` passes, and a failing step leaving `AWSPENDING`.
@Suite("Secret rotator")
struct SecretRotatorTests {
    /// Records each invocation; fails the step named `failing`; on `finishSecret` moves AWSCURRENT.
    final class FakeFunction: ServiceFunctionInvoker, Sendable {
        let database: BulwarkDatabase
        let failing: Mutex<String?>
        let events = Mutex<[[String: String]]>([])

        init(database: BulwarkDatabase, failing: String? = nil) {
            self.database = database
            self.failing = Mutex(failing)
        }

        func checkInvocation(_ invocation: ServiceInvocation) async throws {}

        func invoke(_ invocation: ServiceInvocation) async throws -> ServiceInvocationResult {
            #expect(invocation.service == "secretsmanager.amazonaws.com")
            let event = try JSONValue.parse(invocation.payload).objectValue?.compactMapValues(\.stringValue) ?? [:]
            events.withLock { $0.append(event) }
            let step = event["Step"] ?? ""
            if failing.withLock({ $0 }) == step {
                return ServiceInvocationResult(payload: Data(#"{"errorMessage":"no"}"#.utf8), functionError: "Unhandled")
            }
            if step == "finishSecret", let token = event["ClientRequestToken"] {
                try await database.secrets.relabel(invocation.sourceARN, now: Date()) { _, labels in
                    labels = StagingLabels.attach([StagingLabels.current], to: token, in: labels)
                }
            }
            return ServiceInvocationResult(payload: Data("null".utf8), functionError: nil)
        }

        func invokeAsynchronously(_ invocation: ServiceInvocation, requestID: String) async throws {
            Issue.record("Secrets Manager invokes rotation functions synchronously")
        }
    }

    let database: BulwarkDatabase
    let arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"
    let start = Date(timeIntervalSince1970: 1_767_225_600)

    init() throws {
        database = try BulwarkDatabase(
            directory: FileManager.default.temporaryDirectory.appendingPathComponent("rotator-\(UUID().uuidString)"), schemas: [.secrets])
    }

    /// A secret with one version, rotated every day by `function`, last rotated two days before `start`.
    func makeSecret() async throws {
        var record = SecretRecord(
            arn: arn, accountID: "123456789012", region: "us-east-1", name: "db", description: nil, kmsKeyARN: nil, createdAt: start,
            lastChangedAt: start)
        record.rotationEnabled = true
        record.rotationLambdaARN = "arn:aws:lambda:us-east-1:123456789012:function:rotate"
        record.rotationRules = try RotationSchedule(.init(automaticallyAfterDays: 1)).json
        record.lastRotatedAt = start.addingTimeInterval(-2 * 86_400)
        record.nextRotationAt = start.addingTimeInterval(-86_400)
        let version = SecretVersionRecord(
            secretARN: arn, versionID: "first", createdAt: start, kmsKeyARN: "alias/aws/secretsmanager", encryptedDataKey: Data([1]),
            sealedValue: Data([2]), isBinary: false, stages: [StagingLabels.current])
        try await database.secrets.create(record, version: version, tags: [:], now: start)
        // The stored record lacks the rotation columns until saved.
        let rotation = record
        try await database.secrets.relabel(arn, now: start) { stored, _ in
            stored.rotationEnabled = rotation.rotationEnabled
            stored.rotationLambdaARN = rotation.rotationLambdaARN
            stored.rotationRules = rotation.rotationRules
            stored.lastRotatedAt = rotation.lastRotatedAt
            stored.nextRotationAt = rotation.nextRotationAt
        }
    }

    func labels() async throws -> [String: [String]] {
        let versions = try #require(try await database.secrets.secret(arn)).1
        return Dictionary(uniqueKeysWithValues: versions.map { ($0.versionID, $0.stages.sorted()) })
    }

    @Test("A secret whose NextRotationDate passed is rotated with the four steps, and its next date set")
    func scheduled() async throws {
        try await makeSecret()
        let function = FakeFunction(database: database)
        let rotator = SecretRotator(database: database, functions: function, clock: .fixed(start), logger: Logger(label: "test"))
        #expect(await rotator.rotateDue() == 1)
        let events = function.events.withLock { $0 }
        #expect(events.map { $0["Step"] } == ["createSecret", "setSecret", "testSecret", "finishSecret"])
        let token = try #require(events.first?["ClientRequestToken"])
        #expect(events.allSatisfy { Set($0.keys) == ["Step", "SecretId", "ClientRequestToken", "RotationToken"] && $0["SecretId"] == arn })
        #expect(try await labels() == ["first": ["AWSPREVIOUS"], token: ["AWSCURRENT", "AWSPENDING"]])
        let record = try #require(try await database.secrets.secret(arn)).0
        #expect(record.lastRotatedAt == start && record.nextRotationAt == start.addingTimeInterval(86_400) && record.rotationToken == nil)
        // Nothing is due until the next date.
        #expect(await rotator.rotateDue() == 0)
        #expect(function.events.withLock { $0.count } == 4)
    }

    @Test("A failing step leaves AWSPENDING; the next attempt, an hour later, reattempts that version")
    func failing() async throws {
        try await makeSecret()
        let function = FakeFunction(database: database, failing: "testSecret")
        let rotator = SecretRotator(database: database, functions: function, clock: .fixed(start), logger: Logger(label: "test"))
        #expect(await rotator.rotateDue() == 0)
        let token = try #require(function.events.withLock { $0.first?["ClientRequestToken"] })
        #expect(function.events.withLock { $0.map { $0["Step"] } } == ["createSecret", "setSecret", "testSecret"])
        #expect(try await labels() == ["first": ["AWSCURRENT"], token: ["AWSPENDING"]])
        let record = try #require(try await database.secrets.secret(arn)).0
        #expect(record.nextRotationAt == start.addingTimeInterval(3_600) && record.lastRotatedAt == start.addingTimeInterval(-2 * 86_400))

        function.failing.withLock { $0 = nil }
        let later = SecretRotator(
            database: database, functions: function, clock: .fixed(start.addingTimeInterval(3_601)), logger: Logger(label: "test"))
        #expect(await later.rotateDue() == 1)
        #expect(Set(function.events.withLock { $0.map { $0["ClientRequestToken"] } }) == [token])
        #expect(try await labels() == ["first": ["AWSPREVIOUS"], token: ["AWSCURRENT", "AWSPENDING"]])
    }
}
