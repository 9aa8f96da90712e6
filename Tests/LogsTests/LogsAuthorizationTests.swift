import AWSWire
import BulwarkCore
import Foundation
import Store
import Testing

@testable import Logs

/// Every operation of the Logs table asks `logs:<Operation>` on the ARN AWS evaluates for it
/// (decision 0035): the group's actions on `log-group:<name>:log-stream:`, a stream's on
/// `…:log-stream:<stream>`, tagging on the bare group ARN, DescribeLogGroups on `log-group::log-stream:`.
@Suite("Logs operations, authorized")
struct LogsAuthorizationTests {
    static let account = "123456789012"
    static let group = "arn:aws:logs:us-east-1:123456789012:log-group:/app/web"
    let service: LogsService

    init() throws {
        let database = try BulwarkDatabase(
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

    private func checks(_ name: String, _ input: JSONValue) async throws -> [String] {
        let operation = try #require(service.operations.first { $0.name == name })
        let prepared = try operation.prepare(input, context: context)
        let resolution = try await ResourceResolver(authorities: service.authorities).resolve(prepared.references, context: context)
        return try prepared.checks(given: resolution).map { "\($0.action) \($0.resource)" }
    }

    static let name: JSONValue = ["logGroupName": "/app/web"]
    static let stream: JSONValue = ["logGroupName": "/app/web", "logStreamName": "s1"]

    @Test(
        arguments: [
            ("CreateLogGroup", name, ["logs:CreateLogGroup \(group):log-stream:"]),
            ("DeleteLogGroup", name, ["logs:DeleteLogGroup \(group):log-stream:"]),
            ("DescribeLogGroups", [:], ["logs:DescribeLogGroups arn:aws:logs:us-east-1:\(account):log-group::log-stream:"]),
            ("PutRetentionPolicy", ["logGroupName": "/app/web", "retentionInDays": 1], ["logs:PutRetentionPolicy \(group):log-stream:"]),
            ("DeleteRetentionPolicy", name, ["logs:DeleteRetentionPolicy \(group):log-stream:"]),
            ("CreateLogStream", stream, ["logs:CreateLogStream \(group):log-stream:s1"]),
            ("DeleteLogStream", stream, ["logs:DeleteLogStream \(group):log-stream:s1"]),
            ("DescribeLogStreams", name, ["logs:DescribeLogStreams \(group):log-stream:"]),
            ("DescribeLogStreams", ["logGroupIdentifier": .string(group)], ["logs:DescribeLogStreams \(group):log-stream:"]),
            (
                "PutLogEvents", ["logGroupName": "/app/web", "logStreamName": "s1", "logEvents": [["timestamp": 1, "message": "m"]]],
                ["logs:PutLogEvents \(group):log-stream:s1"]
            ),
            ("GetLogEvents", stream, ["logs:GetLogEvents \(group):log-stream:s1"]),
            ("FilterLogEvents", name, ["logs:FilterLogEvents \(group):log-stream:"]),
            ("TagResource", ["resourceArn": .string(group), "tags": ["k": "v"]], ["logs:TagResource \(group)"]),
            ("UntagResource", ["resourceArn": .string(group), "tagKeys": ["k"]], ["logs:UntagResource \(group)"]),
            ("ListTagsForResource", ["resourceArn": .string(group)], ["logs:ListTagsForResource \(group)"]),
            ("TagLogGroup", ["logGroupName": "/app/web", "tags": ["k": "v"]], ["logs:TagLogGroup \(group):log-stream:"]),
            ("UntagLogGroup", ["logGroupName": "/app/web", "tags": ["k"]], ["logs:UntagLogGroup \(group):log-stream:"]),
            ("ListTagsLogGroup", name, ["logs:ListTagsLogGroup \(group):log-stream:"]),
            (
                "CreateLogGroup", ["logGroupName": "/app/web", "tags": ["k": "v"]],
                ["logs:CreateLogGroup \(group):log-stream:", "logs:TagResource \(group)"]
            ),
        ] as [(String, JSONValue, [String])])
    func eachOperationAsksItsActionOnTheARNAWSEvaluates(_ name: String, _ input: JSONValue, _ expected: [String]) async throws {
        #expect(try await checks(name, input) == expected)
    }

    @Test func everyOperationOfTheTableIsCovered() {
        #expect(
            Set(service.operations.map(\.name)) == [
                "CreateLogGroup", "DeleteLogGroup", "DescribeLogGroups", "PutRetentionPolicy", "DeleteRetentionPolicy", "CreateLogStream",
                "DeleteLogStream", "DescribeLogStreams", "PutLogEvents", "GetLogEvents", "FilterLogEvents", "TagResource", "UntagResource",
                "ListTagsForResource", "TagLogGroup", "UntagLogGroup", "ListTagsLogGroup",
            ])
        for operation in service.operations { #expect(operation.action == "logs:\(operation.name)") }
    }

    @Test func anotherAccountsGroupIsJudgedAsTheCallersAbsentOne() async throws {
        let operation = try #require(service.operations.first { $0.name == "DescribeLogStreams" })
        let other = "arn:aws:logs:us-east-1:210987654321:log-group:/app/web"
        let prepared = try operation.prepare(["logGroupIdentifier": .string(other)], context: context)
        let resolution = try await ResourceResolver(authorities: service.authorities).resolve(prepared.references, context: context)
        let resolved = try #require(resolution.resources.first)
        #expect(!resolved.exists && resolved.accountID == Self.account)
    }

    @Test(arguments: [
        (["logGroupName": "/a", "logGroupIdentifier": "/a"] as JSONValue, "LogGroup name and LogGroup ARN are mutually exclusive parameters."),
        ([:] as JSONValue, "Either LogGroupName or LogGroupIdentifier must be specified."),
    ])
    func aGroupIsNamedExactlyOnce(_ input: JSONValue, _ message: String) throws {
        let operation = try #require(service.operations.first { $0.name == "FilterLogEvents" })
        #expect(throws: AWSError(code: "InvalidParameterException", message: message, status: 400)) {
            try operation.prepare(input, context: context)
        }
    }
}
