import AWSWire
import BulwarkCore
import Foundation
import Testing

@testable import Lambda

/// The pure parts of versions and aliases: how a qualified reference is read, and how an alias
/// chooses the version of one invocation.
@Suite("Versions and aliases")
struct VersionsAndAliasesTests {
    static let context = CallContext(
        requestID: "test",
        principal: Principal(kind: .root, accountID: "123456789012", arn: "arn:aws:iam::123456789012:root", principalID: "123456789012"),
        accessKeyID: "AKIATEST", region: "us-east-1", sourceIP: "192.0.2.1", userAgent: "tests", isSecureTransport: true,
        receivedAt: Date(), presigner: URLPresigner { path, _, _ in path })

    static let arn = "arn:aws:lambda:us-east-1:123456789012:function:hello"

    @Test(
        arguments: [
            ("hello", nil, nil, arn),
            ("hello:1", nil, "1", "\(arn):1"),
            ("hello", "live", "live", "\(arn):live"),
            ("hello:$LATEST", nil, "$LATEST", "\(arn):$LATEST"),
            ("hello:live", "live", "live", "\(arn):live"),
            ("123456789012:function:hello:2", nil, "2", "\(arn):2"),
            ("\(arn):live", nil, "live", "\(arn):live"),
            ("\(arn)", "3", "3", "\(arn):3"),
        ] as [(String, String?, String?, String)])
    func qualifiedReferences(_ text: String, _ qualifier: String?, _ expected: String?, _ resourceARN: String) throws {
        let reference = try FunctionReference(text, qualifier: qualifier, context: Self.context)
        #expect(reference.name == "hello")
        #expect(reference.qualifier == expected)
        #expect(reference.functionARN == Self.arn)
        #expect(reference.resourceARN == resourceARN)
    }

    @Test(
        arguments: [
            // A qualifier in the name and another in `Qualifier`.
            ("hello:1", "2", true, "The derived qualifier from the function name does not match the specified qualifier."),
            ("\(arn):live", "1", true, "The derived qualifier from the function name does not match the specified qualifier."),
            // Operations on `$LATEST` only (UpdateFunctionCode, PublishVersion, the alias operations).
            ("hello:1", nil, false, "Qualified ARNs and qualifiers are not allowed for this operation: hello:1"),
            ("hello", "live", false, "Qualified ARNs and qualifiers are not allowed for this operation: hello"),
        ] as [(String, String?, Bool, String)])
    func refusedQualifiers(_ text: String, _ qualifier: String?, _ allowsQualifier: Bool, _ message: String) {
        #expect {
            _ = try FunctionReference(text, qualifier: qualifier, allowsQualifier: allowsQualifier, context: Self.context)
        } throws: { error in
            (error as? AWSError)?.code == "InvalidParameterValueException" && (error as? AWSError)?.message == message
        }
    }

    @Test func malformedQualifiedNamesAreInvalid() {
        for text in ["hello:1:2", "\(Self.arn):1:2", ":1"] {
            #expect(throws: AWSError.self) { try FunctionReference(text, context: Self.context) }
        }
    }

    @Test(arguments: [
        ("$LATEST", true), ("1", true), ("42", true), ("live", false), ("v1", false), ("", false), ("1a", false), ("٣", false),
    ])
    func versionsAndAliasesAreTold(_ qualifier: String, _ isVersion: Bool) {
        #expect(LambdaService.isVersion(qualifier) == isVersion)
    }

    @Test(arguments: [
        (0.3, 0.0, "1"), (0.3, 0.2999, "1"), (0.3, 0.3, "2"), (0.3, 0.9999, "2"),
        (0.0, 0.0, "2"), (1.0, 0.9999, "1"),
    ])
    func theRollChoosesTheVersion(_ weight: Double, _ roll: Double, _ expected: String) {
        let routing = AliasRouting(additionalVersion: "1", weight: weight)
        #expect(routing.version(primary: "2", roll: roll) == expected)
    }

    @Test func routingSharesInvocationsByWeight() {
        // An even grid of rolls over 0..<1 gives exactly the weight's share to the second version.
        let routing = AliasRouting(additionalVersion: "1", weight: 0.3)
        let rolls = (0..<10_000).map { Double($0) / 10_000 }
        #expect(rolls.filter { routing.version(primary: "2", roll: $0) == "1" }.count == 3_000)
    }

    @Test func requestedRoutingIsCheckedAsLambdaChecksIt() throws {
        #expect(try AliasRouting.requested([:], primary: "2") == nil)
        #expect(try AliasRouting.requested(["1": 0.1], primary: "2") == AliasRouting(additionalVersion: "1", weight: 0.1))
        let refusals: [([String: Double], String, String)] = [
            (["1": 0.1], "$LATEST", "$LATEST is not supported for an alias pointing to more than 1 version"),
            (["2": 0.1], "2", "Invalid function version 2. Function version 2 is already included in routing configuration."),
        ]
        for (weights, primary, message) in refusals {
            #expect {
                _ = try AliasRouting.requested(weights, primary: primary)
            } throws: { error in
                (error as? AWSError)?.message == message
            }
        }
        #expect(throws: AWSError.self) { try AliasRouting.requested(["1": 0.1, "3": 0.1], primary: "2") }
    }
}
