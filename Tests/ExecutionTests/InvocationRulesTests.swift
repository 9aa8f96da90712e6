import BulwarkCore
import Foundation
import Lambda
import Testing

@testable import Execution

@Suite("Concurrency, error shapes and report lines")
struct InvocationRulesTests {
    @Test func reservedConcurrencyIsPerFunction() throws {
        let gate = ConcurrencyGate()
        let first = try gate.acquire(function: "f", accountID: "a", reservedConcurrency: 1, unreservedLimit: 10)
        #expect(throws: ConcurrencyGate.throttled("ReservedFunctionConcurrentInvocationLimitExceeded")) {
            try gate.acquire(function: "f", accountID: "a", reservedConcurrency: 1, unreservedLimit: 10)
        }
        _ = try gate.acquire(function: "g", accountID: "a", reservedConcurrency: nil, unreservedLimit: 10)
        gate.release(first)
        _ = try gate.acquire(function: "f", accountID: "a", reservedConcurrency: 1, unreservedLimit: 10)
        #expect(throws: AWSError.self) { try gate.acquire(function: "z", accountID: "a", reservedConcurrency: 0, unreservedLimit: 10) }
    }

    @Test func unreservedFunctionsShareWhatIsLeft() throws {
        let gate = ConcurrencyGate()
        _ = try gate.acquire(function: "a", accountID: "a", reservedConcurrency: nil, unreservedLimit: 2)
        let second = try gate.acquire(function: "b", accountID: "a", reservedConcurrency: nil, unreservedLimit: 2)
        #expect(throws: ConcurrencyGate.throttled("ConcurrentInvocationLimitExceeded")) {
            try gate.acquire(function: "c", accountID: "a", reservedConcurrency: nil, unreservedLimit: 2)
        }
        // Reserved functions do not take from the unreserved pool.
        _ = try gate.acquire(function: "r", accountID: "a", reservedConcurrency: 5, unreservedLimit: 2)
        gate.release(second)
        _ = try gate.acquire(function: "c", accountID: "a", reservedConcurrency: nil, unreservedLimit: 2)
        #expect(gate.running == 3)
    }

    @Test func concurrencyIsCountedPerAccount() throws {
        let gate = ConcurrencyGate()
        let first = try gate.acquire(function: "f", accountID: "a", reservedConcurrency: nil, unreservedLimit: 10)
        let second = try gate.acquire(function: "g", accountID: "a", reservedConcurrency: 5, unreservedLimit: 10)
        let other = try gate.acquire(function: "h", accountID: "b", reservedConcurrency: nil, unreservedLimit: 10)
        #expect([first.accountConcurrency, second.accountConcurrency, other.accountConcurrency] == [Int]([1, 2, 1]))
        gate.release(first)
        gate.release(other)
        #expect(try gate.acquire(function: "h", accountID: "b", reservedConcurrency: nil, unreservedLimit: 10).accountConcurrency == 1)
        #expect(try gate.acquire(function: "f", accountID: "a", reservedConcurrency: nil, unreservedLimit: 10).accountConcurrency == 2)
        #expect(gate.running == 3)
    }

    @Test func throttlesCarryLambdasReason() {
        let error = ConcurrencyGate.throttled("ReservedFunctionConcurrentInvocationLimitExceeded")
        #expect(error.code == "TooManyRequestsException")
        #expect(error.status == 429)
        #expect(error.message == "Rate Exceeded.")
        #expect(error.fields["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded")
    }

    static let function = FunctionSnapshot(
        accountID: "123456789012", region: "us-east-1", name: "f", functionARN: "arn:aws:lambda:us-east-1:123456789012:function:f",
        version: "$LATEST", revisionID: "r", runtime: "python3.11", handler: "app.handler", role: "arn:aws:iam::123456789012:role/r",
        timeout: 3, memorySize: 128, ephemeralStorageSize: 512, environment: .plain([:]), architectures: ["x86_64"], codeSHA256: "00",
        logGroup: "/aws/lambda/f", logFormat: "Text", applicationLogLevel: nil, systemLogLevel: nil,
        runtimeVersion: "python:3.11.v1", runtimeVersionARN: "arn:aws:lambda:us-east-1::runtime:00"
    )

    static let invocation = RuntimeSessionTests.invocation("abc")

    @Test func timeoutShape() throws {
        let report = InvocationReport(
            outcome: .timedOut(duration: .seconds(3), initDuration: nil), invocation: Self.invocation, function: Self.function)
        #expect(
            String(decoding: report.payload, as: UTF8.self)
                == #"{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: abc Error: Task timed out after 3.00 seconds"}"#)
        #expect(report.functionError == "Unhandled")
        #expect(!report.keepsEnvironment)
        #expect(report.reportLine(maxMemoryUsedMB: 40).hasSuffix("Max Memory Used: 40 MB\tStatus: timeout\t"))
    }

    @Test(
        "Exit shapes",
        arguments: [
            ("exited 0", false, "Runtime.ExitError", "Runtime exited without providing a reason"),
            ("exited 127", false, "Runtime.ExitError", "Runtime exited with error: exit status 127"),
            ("signaled 11", false, "Runtime.ExitError", "Runtime exited with error: signal: segmentation fault"),
            ("signaled 9", true, "Runtime.OutOfMemory", "Runtime exited with error: signal: killed"),
        ])
    func exitShapes(status: String, outOfMemory: Bool, type: String, message: String) throws {
        let reason = ExitReason(status: status, bubblewrap: .exited(1), outOfMemory: outOfMemory)
        let report = InvocationReport(
            outcome: .exited(reason, duration: .zero, initDuration: nil), invocation: Self.invocation, function: Self.function)
        let payload = try JSONValue.parse(report.payload)
        #expect(payload["errorType"] == JSONValue.string(type))
        #expect(payload["errorMessage"] == JSONValue.string("RequestId: abc Error: \(message)"))
        let line = report.reportLine(maxMemoryUsedMB: Int?.none)
        #expect(line.contains("Status: error\tError Type: \(type)"))
    }

    @Test func successReportCarriesInitDurationOnColdStarts() {
        let reply = RuntimeReply.response(Data("1".utf8), contentType: nil)
        let report = InvocationReport(
            outcome: .replied(reply, duration: .milliseconds(2.5), initDuration: .milliseconds(100)),
            invocation: Self.invocation, function: Self.function
        )
        #expect(report.functionError == nil)
        #expect(report.keepsEnvironment)
        #expect(
            report.reportLine(maxMemoryUsedMB: 36)
                == "REPORT RequestId: abc\tDuration: 2.50 ms\tBilled Duration: 103 ms\tMemory Size: 128 MB\tMax Memory Used: 36 MB\tInit Duration: 100.00 ms\t"
        )
    }

    @Test func responseTooLargeShape() {
        let report = InvocationReport(
            outcome: .replied(.responseTooLarge, duration: .zero, initDuration: nil), invocation: Self.invocation, function: Self.function
        )
        #expect(
            String(decoding: report.payload, as: UTF8.self)
                == #"{"errorMessage":"Response payload size exceeded maximum allowed payload size (6291556 bytes).","errorType":"Function.ResponseSizeTooLarge"}"#
        )
        #expect(!report.keepsEnvironment)
    }
}

@Suite("Entrypoints of provided runtimes")
struct InvalidEntrypointTests {
    static let provided = RuntimeCatalog.Entry(runtime: "provided.al2023", kind: .provided, extraReadOnlyPaths: [])

    @Test(arguments: [
        (nil as Int?, "Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]" as String?),
        (0o644, "fork/exec /var/task/bootstrap: permission denied"),
        (0o744, "fork/exec /var/task/bootstrap: permission denied"),
        (0o755, nil),
    ])
    func bootstrapMustExistAndBeExecutableByOthers(mode: Int?, message: String?) throws {
        let code = FileManager.default.temporaryDirectory.appendingPathComponent("entrypoint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: code, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: code) }
        if let mode {
            let bootstrap = code.appendingPathComponent("bootstrap")
            try Data("#!/bin/sh\n".utf8).write(to: bootstrap)
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: bootstrap.path)
        }
        // As the host stages code: only what the package gives others is left for the sandbox.
        try StagingPermissions(ids: geteuid() == 0 ? try HostIDBlock.claim() : nil).protectPackage(code, sha256Hex: "entrypoint")
        #expect(InvalidEntrypoint.check(Self.provided, codeDirectory: code)?.message == message)
    }

    @Test func interpretedRuntimesHaveNoBootstrapToCheck() {
        let python = RuntimeCatalog.Entry(
            runtime: "python3.11",
            kind: .python(
                PythonInstallation(version: "3.11", executable: "/usr/bin/python3.11", standardLibrary: "/usr/lib/python3.11", sharedLibrary: nil),
                clientDirectory: "/x"
            ),
            extraReadOnlyPaths: []
        )
        #expect(InvalidEntrypoint.check(python, codeDirectory: URL(fileURLWithPath: "/nonexistent")) == nil)
    }
}
