import BulwarkCore
import Foundation
import Lambda

/// The platform's lines in a function's log stream, as Lambda writes them in the function's log
/// format: the text lines `INIT_START`, `START`, `END` and `REPORT`, or with `LogFormat` `JSON` the
/// `platform.initStart`, `platform.start`, `platform.runtimeDone` and `platform.report` records, each
/// written only when its level is at or above the function's `SystemLogLevel`.
struct PlatformLog {
    /// System log levels, least severe first.
    enum Level: Int, Comparable {
        case debug, info, warn

        init(_ name: String?) {
            switch name {
            case "DEBUG": self = .debug
            case "WARN": self = .warn
            default: self = .info
            }
        }

        static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    private let json: Bool
    private let minimumLevel: Level

    init(for function: FunctionSnapshot) {
        json = function.logFormat == "JSON"
        minimumLevel = Level(function.systemLogLevel)
    }

    /// The start of an environment's init phase (cold starts only).
    func initStart(of function: FunctionSnapshot, at time: Date) -> String? {
        guard json else {
            return "INIT_START Runtime Version: \(function.runtimeVersion)\tRuntime Version ARN: \(function.runtimeVersionARN)"
        }
        return record(
            "platform.initStart", level: .info, at: time,
            [
                ("initializationType", .string("on-demand")), ("phase", .string("init")),
                ("runtimeVersion", .string(function.runtimeVersion)), ("runtimeVersionArn", .string(function.runtimeVersionARN)),
                ("functionName", .string(function.name)), ("functionVersion", .string(function.version)),
            ]
        )
    }

    func start(requestID: String, version: String, at time: Date) -> String? {
        guard json else { return "START RequestId: \(requestID) Version: \(version)" }
        return record("platform.start", level: .info, at: time, [("requestId", .string(requestID)), ("version", .string(version))])
    }

    /// The end of the invoke phase: `END` in text, `platform.runtimeDone` (a DEBUG record) in JSON.
    func end(_ report: InvocationReport, at time: Date) -> String? {
        guard json else { return "END RequestId: \(report.requestID)" }
        var fields: [(String, Field)] = [("requestId", .string(report.requestID)), ("status", .string(report.status))]
        if let errorType = report.reportedErrorType { fields.append(("errorType", .string(errorType))) }
        fields.append(
            ("metrics", .object([("durationMs", .milliseconds(report.durationMilliseconds)), ("producedBytes", .integer(report.payload.count))]))
        )
        return record("platform.runtimeDone", level: .debug, at: time, fields)
    }

    func report(_ report: InvocationReport, maxMemoryUsedMB: Int?, at time: Date) -> String? {
        guard json else { return report.reportLine(maxMemoryUsedMB: maxMemoryUsedMB) }
        var metrics: [(String, Field)] = [
            ("durationMs", .milliseconds(report.durationMilliseconds)), ("billedDurationMs", .integer(report.billedMilliseconds)),
            ("memorySizeMB", .integer(report.memorySize)), ("maxMemoryUsedMB", .integer(maxMemoryUsedMB ?? 0)),
        ]
        if let initMilliseconds = report.initDurationMilliseconds { metrics.append(("initDurationMs", .milliseconds(initMilliseconds))) }
        var fields: [(String, Field)] = [("requestId", .string(report.requestID)), ("metrics", .object(metrics)), ("status", .string(report.status))]
        if let errorType = report.reportedErrorType { fields.append(("errorType", .string(errorType))) }
        return record("platform.report", level: .info, at: time, fields)
    }

    /// A member of a record, written in the order given (as Lambda orders them).
    indirect enum Field {
        case string(String)
        case integer(Int)
        /// Milliseconds with at most three decimals.
        case milliseconds(Double)
        case object([(String, Field)])

        func write(to text: inout String) {
            switch self {
            case .string(let value): text += JSONValue.quoted(value)
            case .integer(let value): text += String(value)
            case .milliseconds(let value): text += String((value * 1000).rounded() / 1000)
            case .object(let members):
                text += "{"
                for (index, (key, value)) in members.enumerated() {
                    if index > 0 { text += "," }
                    text += "\"\(key)\":"
                    value.write(to: &text)
                }
                text += "}"
            }
        }
    }

    private func record(_ type: String, level: Level, at time: Date, _ fields: [(String, Field)]) -> String? {
        guard level >= minimumLevel else { return nil }
        var text = ""
        Field.object([("time", .string(AWSTimestamp.iso8601Milliseconds(time))), ("type", .string(type)), ("record", .object(fields))])
            .write(to: &text)
        return text
    }
}
