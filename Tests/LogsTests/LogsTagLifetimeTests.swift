import AWSWire
import BulwarkCore
import Foundation
import Store
import Testing

@testable import Logs

/// A group's tags live and die with it (decision 0035, "Review fixes"): a tag write checks, in its
/// transaction, that the group it resolved still exists, and a new group starts with no tags.
@Suite("Logs tags, with their group")
struct LogsTagLifetimeTests {
    static let account = "123456789012"
    static let arn = "arn:aws:logs:us-east-1:123456789012:log-group:g"
    let database: BulwarkDatabase
    let service: LogsService

    init() throws {
        database = try BulwarkDatabase(
            directory: FileManager.default.temporaryDirectory.appendingPathComponent("logs-\(UUID().uuidString)"), schemas: [.logs])
        service = LogsService(database: database)
    }

    private var context: CallContext {
        CallContext(
            requestID: "test",
            principal: Principal(kind: .root, accountID: Self.account, arn: "arn:aws:iam::\(Self.account):root", principalID: Self.account),
            accessKeyID: "AKIATEST", region: "us-east-1", sourceIP: "192.0.2.1", userAgent: "tests", isSecureTransport: true,
            receivedAt: Date(), presigner: URLPresigner { path, _, _ in path })
    }

    /// Prepares and resolves `name`; the returned closure runs it (later, as a racing call would).
    private func resolved(_ name: String, _ input: JSONValue) async throws -> @Sendable () async throws -> JSONValue {
        var context = context
        let operation = try #require(service.operations.first { $0.name == name })
        let prepared = try operation.prepare(input, context: context)
        context.resolution = try await ResourceResolver(authorities: service.authorities).resolve(prepared.references, context: context)
        let ready = context
        return { try await prepared.execute(ready) }
    }

    private func call(_ name: String, _ input: JSONValue) async throws -> JSONValue { try await resolved(name, input)() }

    @Test(arguments: [
        ("TagResource", ["resourceArn": .string(arn), "tags": ["k": "v"]] as JSONValue),
        ("TagLogGroup", ["logGroupName": "g", "tags": ["k": "v"]] as JSONValue),
        ("UntagResource", ["resourceArn": .string(arn), "tagKeys": ["old"]] as JSONValue),
        ("UntagLogGroup", ["logGroupName": "g", "tags": ["old"]] as JSONValue),
    ])
    func aTagWriteThatRacesTheGroupsDeletionIsRefusedAndLeavesNoTags(_ name: String, _ input: JSONValue) async throws {
        _ = try await call("CreateLogGroup", ["logGroupName": "g", "tags": ["old": "1"]])
        let write = try await resolved(name, input)
        _ = try await call("DeleteLogGroup", ["logGroupName": "g"])
        await #expect(throws: AWSError.self) { _ = try await write() }
        do {
            _ = try await write()
        } catch let error as AWSError {
            #expect(error.code == "ResourceNotFoundException" && error.message == "The specified log group does not exist.")
        }
        #expect(try await database.tags.tags(of: Self.arn).isEmpty)
    }

    @Test func aNewGroupStartsWithoutTheTagsLeftUnderItsARN() async throws {
        // Tags left under the ARN (as a write before this fix could leave them).
        try await database.write { db in try TagRepository.replace(db, resource: Self.arn, tags: ["stale": "yes"]) }
        _ = try await call("CreateLogGroup", ["logGroupName": "g"])
        #expect(try await call("ListTagsForResource", ["resourceArn": .string(Self.arn)])["tags"] == [:])

        // A group a function's lines create starts empty too.
        let other = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f"
        try await database.write { db in try TagRepository.replace(db, resource: other, tags: ["stale": "yes"]) }
        try await database.logs.ingest(
            [
                FunctionLogBatch(
                    accountID: Self.account, region: "us-east-1", group: "/aws/lambda/f", stream: "s",
                    events: [.init(timestamp: Int64(Date().timeIntervalSince1970 * 1000), message: "m")])
            ], ingestionTime: Int64(Date().timeIntervalSince1970 * 1000))
        #expect(try await database.tags.tags(of: other).isEmpty)

        // Tags given at creation are the group's.
        _ = try await call("DeleteLogGroup", ["logGroupName": "g"])
        _ = try await call("CreateLogGroup", ["logGroupName": "g", "tags": ["team": "core"]])
        #expect(try await call("ListTagsForResource", ["resourceArn": .string(Self.arn)])["tags"] == ["team": "core"])
    }

    @Test func tagWritesOnALiveGroupStillWork() async throws {
        _ = try await call("CreateLogGroup", ["logGroupName": "g", "tags": ["old": "1"]])
        _ = try await call("TagResource", ["resourceArn": .string(Self.arn), "tags": ["k": "v"]])
        _ = try await call("UntagLogGroup", ["logGroupName": "g", "tags": ["old"]])
        #expect(try await call("ListTagsForResource", ["resourceArn": .string(Self.arn)])["tags"] == ["k": "v"])
    }
}
