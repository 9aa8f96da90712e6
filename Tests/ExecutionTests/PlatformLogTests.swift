import BulwarkCore
import Foundation
import Lambda
import Testing

@testable import Execution

@Suite("Platform lines of a function's log")
struct PlatformLogTests {
    static let time = Date(timeIntervalSince1970: 1_767_225_600.25)  // 2026-01-01T00:00:00.250Z

    static func function(format: String = "Text", systemLogLevel: String? = nil) -> FunctionSnapshot {
        FunctionSnapshot(
            accountID: "123456789012", region: "us-east-1", name: "f", functionARN: "arn:aws:lambda:us-east-1:123456789012:function:f",
            version: "$LATEST", revisionID: "r", runtime: "python3.12", handler: "app.handler", role: "arn:aws:iam::123456789012:role/r",
            timeout: 3, memorySize: 128, ephemeralStorageSize: 512, environment: .plain([:]), architectures: ["x86_64"], codeSHA256: "00",
            logGroup: "/aws/lambda/f", logFormat: format, applicationLogLevel: format == "JSON" ? "INFO" : nil,
            systemLogLevel: systemLogLevel, runtimeVersion: "python:3.12.v1", runtimeVersionARN: "arn:aws:lambda:us-east-1::runtime:ab"
        )
    }

    static func report(_ outcome: EnvironmentOutcome, function: FunctionSnapshot) -> InvocationReport {
        InvocationReport(outcome: outcome, invocation: RuntimeSessionTests.invocation("abc"), function: function)
    }

    static let success = EnvironmentOutcome.replied(
        .response(Data("42".utf8), contentType: nil), duration: .microseconds(2_504), initDuration: .milliseconds(100))

    @Test func textLinesAreTheClassicOnes() {
        let function = Self.function()
        let log = PlatformLog(for: function)
        let report = Self.report(Self.success, function: function)
        #expect(
            log.initStart(of: function, at: Self.time)
                == "INIT_START Runtime Version: python:3.12.v1\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:ab")
        #expect(log.start(requestID: "abc", version: "$LATEST", at: Self.time) == "START RequestId: abc Version: $LATEST")
        #expect(log.end(report, at: Self.time) == "END RequestId: abc")
        #expect(log.report(report, maxMemoryUsedMB: 36, at: Self.time) == report.reportLine(maxMemoryUsedMB: 36))
    }

    @Test func jsonRecordsAtInfo() {
        let function = Self.function(format: "JSON", systemLogLevel: "INFO")
        let log = PlatformLog(for: function)
        let report = Self.report(Self.success, function: function)
        #expect(
            log.initStart(of: function, at: Self.time)
                == #"{"time":"2026-01-01T00:00:00.250Z","type":"platform.initStart","record":{"initializationType":"on-demand","phase":"init","runtimeVersion":"python:3.12.v1","runtimeVersionArn":"arn:aws:lambda:us-east-1::runtime:ab","functionName":"f","functionVersion":"$LATEST"}}"#
        )
        #expect(
            log.start(requestID: "abc", version: "$LATEST", at: Self.time)
                == #"{"time":"2026-01-01T00:00:00.250Z","type":"platform.start","record":{"requestId":"abc","version":"$LATEST"}}"#)
        #expect(log.end(report, at: Self.time) == nil)
        #expect(
            log.report(report, maxMemoryUsedMB: 36, at: Self.time)
                == #"{"time":"2026-01-01T00:00:00.250Z","type":"platform.report","record":{"requestId":"abc","metrics":{"durationMs":2.504,"billedDurationMs":103,"memorySizeMB":128,"maxMemoryUsedMB":36,"initDurationMs":100.0},"status":"success"}}"#
        )
    }

    @Test func runtimeDoneIsADebugRecord() {
        let function = Self.function(format: "JSON", systemLogLevel: "DEBUG")
        let report = Self.report(Self.success, function: function)
        #expect(
            PlatformLog(for: function).end(report, at: Self.time)
                == #"{"time":"2026-01-01T00:00:00.250Z","type":"platform.runtimeDone","record":{"requestId":"abc","status":"success","metrics":{"durationMs":2.504,"producedBytes":2}}}"#
        )
    }

    @Test func warnKeepsNoneOfTheInvocationRecords() {
        let function = Self.function(format: "JSON", systemLogLevel: "WARN")
        let log = PlatformLog(for: function)
        let report = Self.report(Self.success, function: function)
        #expect(log.initStart(of: function, at: Self.time) == nil)
        #expect(log.start(requestID: "abc", version: "$LATEST", at: Self.time) == nil)
        #expect(log.report(report, maxMemoryUsedMB: 36, at: Self.time) == nil)
    }

    @Test func failuresCarryTheirStatusAndErrorType() {
        let function = Self.function(format: "JSON", systemLogLevel: "INFO")
        let log = PlatformLog(for: function)
        let timedOut = Self.report(.timedOut(duration: .seconds(3), initDuration: nil), function: function)
        #expect(log.report(timedOut, maxMemoryUsedMB: 40, at: Self.time)?.hasSuffix(#""status":"timeout"}}"#) == true)
        let reason = ExitReason(status: "exited 1", bubblewrap: .exited(1), outOfMemory: false)
        let exited = Self.report(.exited(reason, duration: .milliseconds(5), initDuration: nil), function: function)
        #expect(
            log.report(exited, maxMemoryUsedMB: 40, at: Self.time)?.hasSuffix(#""status":"error","errorType":"Runtime.ExitError"}}"#) == true)
    }
}
