import AWSWire
import BulwarkCore
import Foundation
import Testing

@testable import Lambda

@Suite("Lambda's function rules")
struct FunctionRulesTests {
    static let context = CallContext(
        requestID: "r", principal: .root(accountID: "123456789012"), accessKeyID: "AKIA", region: "us-east-1",
        sourceIP: "127.0.0.1", userAgent: "t", isSecureTransport: false, receivedAt: Date(),
        presigner: URLPresigner { path, _, _ in path }
    )

    @Test(
        "Name forms",
        arguments: [
            ("hello", nil as String?, "arn:aws:lambda:us-east-1:123456789012:function:hello"),
            ("hello:1", "1", "arn:aws:lambda:us-east-1:123456789012:function:hello:1"),
            ("123456789012:function:hello", nil, "arn:aws:lambda:us-east-1:123456789012:function:hello"),
            ("210987654321:function:hello:$LATEST", "$LATEST", "arn:aws:lambda:us-east-1:210987654321:function:hello:$LATEST"),
            ("arn:aws:lambda:us-east-1:123456789012:function:hello", nil, "arn:aws:lambda:us-east-1:123456789012:function:hello"),
            ("arn:aws:lambda:us-east-1:123456789012:function:hello:prod", "prod", "arn:aws:lambda:us-east-1:123456789012:function:hello:prod"),
        ])
    func nameForms(text: String, qualifier: String?, resource: String) throws {
        let reference = try FunctionReference(text, context: Self.context)
        #expect(reference.name == "hello")
        #expect(reference.qualifier == qualifier)
        #expect(reference.resourceARN == resource)
    }

    @Test func qualifierRules() throws {
        #expect(try FunctionReference("hello", qualifier: "3", context: Self.context).resourceARN.hasSuffix(":hello:3"))
        #expect(throws: AWSError.self) { try FunctionReference("hello:1", qualifier: "2", context: Self.context) }
        #expect(throws: AWSError.self) { try FunctionReference("hello:1", allowsQualifier: false, context: Self.context) }
        #expect(throws: AWSError.self) { try FunctionReference(String(repeating: "a", count: 65), context: Self.context) }
        #expect(throws: AWSError.self) { try FunctionReference("arn:aws:lambda:eu-west-1:123456789012:function:hello", context: Self.context) }
    }

    @Test func memoryTimeoutAndEnvironment() throws {
        try FunctionRules.checkMemorySize(10_240)
        #expect(throws: AWSError.self) { try FunctionRules.checkMemorySize(10_241) }
        try FunctionRules.checkTimeout(900)
        #expect(throws: AWSError.self) { try FunctionRules.checkTimeout(901) }
        try FunctionRules.checkEnvironment(["A": "b=c"])
        #expect(throws: AWSError.self) { try FunctionRules.checkEnvironment(["AWS_REGION": "x"]) }
        #expect(throws: AWSError.self) { try FunctionRules.checkEnvironment(["BIG": String(repeating: "x", count: 4_090)]) }
    }

    @Test func tags() throws {
        try FunctionRules.checkTags(["team": "a"])
        #expect(throws: AWSError.self) { try FunctionRules.checkTags(["aws:x": "a"]) }
        #expect(throws: AWSError.self) { try FunctionRules.checkTags(Dictionary(uniqueKeysWithValues: (0...50).map { ("k\($0)", "v") })) }
    }

    @Test(
        "Runtime lifecycle, as AWS blocks it",
        arguments: [
            ("python3.12", "2026-11-25", true, true),
            ("python3.9", "2026-11-25", true, true),
            ("python3.9", "2027-02-01", false, true),
            ("python3.9", "2027-03-03", false, false),
            ("python3.6", "2026-11-25", false, false),
            ("provided", "2026-11-25", false, true),
            ("nodejs12.x", "2026-11-25", false, false),
            ("ruby3.2", "2026-11-25", false, false),
            ("ruby3.3", "2026-11-25", true, true),
            ("java17", "2027-08-01", false, true),
            ("dotnet8", "2026-12-02", true, true),
            ("dotnet8", "2027-02-01", false, true),
        ])
    func runtimeLifecycle(runtime: String, day: String, creatable: Bool, updatable: Bool) throws {
        let date = try #require(AWSTimestamp.parseISO8601("\(day)T12:00:00Z"))
        #expect(RuntimeLifecycle.of(runtime).blocksCreate(on: date) == !creatable)
        #expect(RuntimeLifecycle.of(runtime).blocksUpdate(on: date) == !updatable)
    }
}
