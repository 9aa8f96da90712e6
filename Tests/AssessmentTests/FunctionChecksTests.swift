import Assessment
import Foundation
import Lambda
import Testing

@Suite("Function checks")
struct FunctionChecksTests {
    @Test(
        "runtimes by AWS's schedule",
        arguments: [
            ("python3.9", Check.deprecatedRuntime.rawValue, "python3.14"),
            ("nodejs16.x", Check.deprecatedRuntime.rawValue, "nodejs24.x"),
            ("go1.x", Check.deprecatedRuntime.rawValue, "provided.al2023"),
            ("dotnetcore3.1", Check.deprecatedRuntime.rawValue, "dotnet10"),
            ("nodejs22.x", Check.runtimeNearDeprecation.rawValue, "nodejs24.x"),
            ("python3.12", nil, ""),
            ("python3.14", nil, ""),
            ("unknown9.x", nil, ""),
        ] as [(String, String?, String)])
    func runtime(runtime: String, check: String?, successor: String) {
        let finding = FunctionChecks.runtime(of: Fixtures.function(runtime: runtime), now: Fixtures.now)
        #expect(finding?.check == check)
        if let finding {
            #expect(finding.command == "aws lambda update-function-configuration --function-name hello --runtime \(successor)")
            #expect(finding.id == "\(check ?? "")/arn:aws:lambda:us-east-1:123456789012:function:hello")
        }
    }

    @Test func deprecatedRuntimeIsHighAndNamesItsDates() throws {
        let finding = try #require(FunctionChecks.runtime(of: Fixtures.function(runtime: "python3.9"), now: Fixtures.now))
        #expect(finding.severity == .high)
        #expect(
            finding.explanation
                == "Runtime python3.9 has been deprecated since 2025-12-15: it gets no security patches, and updates are blocked from 2027-03-03.")
        let near = try #require(FunctionChecks.runtime(of: Fixtures.function(runtime: "nodejs22.x"), now: Fixtures.now))
        #expect(near.severity == .medium)
    }

    @Test func environmentKey() {
        #expect(FunctionChecks.environmentKey(of: Fixtures.function(hasEnvironment: true))?.severity == .low)
        #expect(
            FunctionChecks.environmentKey(of: Fixtures.function(hasEnvironment: true, kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k")) == nil)
        #expect(FunctionChecks.environmentKey(of: Fixtures.function(hasEnvironment: false)) == nil)
    }

    @Test func concurrency() {
        let finding = FunctionChecks.concurrency(of: Fixtures.function(reservedConcurrency: nil))
        #expect(finding?.severity == .informational)
        #expect(finding?.command == "aws lambda put-function-concurrency --function-name hello --reserved-concurrent-executions <limit>")
        #expect(FunctionChecks.concurrency(of: Fixtures.function(reservedConcurrency: 0)) == nil)
    }

    @Test func credentialsNameTheirPlaceOnly() {
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:hello"
        let findings = FunctionChecks.credentials([
            .init(functionARN: arn, source: "code", location: "config.py:2", kind: "an AWS access key id", foundAt: Fixtures.now),
            .init(functionARN: arn, source: "environment", location: "DB_PASSWORD", kind: "a high-entropy value", foundAt: Fixtures.now),
        ])
        #expect(findings.map(\.id) == ["lambda-credential-in-code/\(arn)/config.py:2", "lambda-credential-in-environment/\(arn)/DB_PASSWORD"])
        #expect(findings.allSatisfy { $0.severity == .critical })
        #expect(findings[0].explanation == "The deployment package holds what looks like an AWS access key id at config.py:2.")
        #expect(findings[1].command.hasPrefix("aws lambda update-function-configuration --function-name hello --environment"))
    }
}
