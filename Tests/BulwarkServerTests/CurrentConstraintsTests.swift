import AWSWire
import BulwarkCore
import Foundation
import Testing

@testable import Lambda

/// Lambda validates with AWS's current patterns where the pinned model lags (the `eusc-` regions).
@Suite("Lambda's current constraints")
struct CurrentConstraintsTests {
    let validator = ShapeValidator(
        model: ServiceModel.lambda.updating(LambdaService.currentConstraints)
    )

    @Test(arguments: [
        "arn:aws-eusc:lambda:eusc-de-east-1:123456789012:function:hello",
        "eusc-de-east-1:123456789012:function:hello",
        "arn:aws:lambda:us-east-1:123456789012:function:hello:$LATEST",
        "hello",
    ])
    func functionNamesOfEveryCurrentRegionPass(name: String) throws {
        try validator.validate(.object(["FunctionName": .string(name)]), as: "GetFunctionRequest")
    }

    @Test func theModelAsPinnedRefusesTheSovereignCloudButTheCurrentOneDoesNot() throws {
        let name = JSONValue.object(["FunctionName": .string("arn:aws-eusc:lambda:eusc-de-east-1:123456789012:function:hello")])
        #expect(throws: AWSError.self) { try ShapeValidator(model: ServiceModel.lambda).validate(name, as: "GetFunctionRequest") }
        try validator.validate(name, as: "GetFunctionRequest")
    }

    @Test func aBrokenNameIsRefusedWithTheCurrentPatternInAWSsSentence() {
        let pattern = LambdaService.currentConstraints.patterns["NamespacedFunctionName"] ?? ""
        #expect(pattern.contains("(eusc-)?"))
        #expect(
            throws: AWSError.validation(
                "1 validation error detected: Value 'no spaces' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: \(pattern)"
            )
        ) { try validator.validate(.object(["FunctionName": .string("no spaces")]), as: "GetFunctionRequest") }
    }

    @Test func todaysRuntimesAreKnownAndTheDeprecatedStillRefused() throws {
        let now = Date()
        for runtime in ["python3.14", "python3.15", "nodejs24.x", "nodejs26.x", "java25", "dotnet10", "ruby4.0", "provided.al2023"] {
            try FunctionRules.checkRuntime(runtime, creating: true, on: now)
        }
        #expect(throws: AWSError.self) { try FunctionRules.checkRuntime("python3.6", creating: true, on: now) }
        #expect(throws: AWSError.self) { try FunctionRules.checkRuntime("python9.9", creating: true, on: now) }
    }
}
