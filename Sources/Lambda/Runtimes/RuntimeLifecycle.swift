import BulwarkCore
import Foundation

/// AWS's published deprecation schedule of Lambda runtimes and the rule that follows from it:
/// after deprecation, creating functions is blocked from the block-create date and updating them
/// from the block-update date; invoking is never blocked.
///
/// Dates: AWS Lambda "Runtime deprecation" tables as summarised in shared/REFERENCES.md, completed
/// for older runtimes from `aws-cloudformation/cfn-lint` `LmbdRuntimeLifecycle.json`, and for Java,
/// .NET and Ruby from the runtime tables of the Lambda Developer Guide's language chapters.
public struct RuntimeLifecycle: Sendable, Equatable {
    public let runtime: String
    /// `yyyy-MM-dd`, UTC.
    public let deprecation: String?
    public let blockCreate: String?
    public let blockUpdate: String?

    /// The schedule of `runtime`; runtimes without a published date have none.
    public static func of(_ runtime: String) -> RuntimeLifecycle {
        let dates = schedule[runtime]
        return RuntimeLifecycle(runtime: runtime, deprecation: dates?.0, blockCreate: dates?.1, blockUpdate: dates?.2)
    }

    /// Every runtime with a published schedule.
    public static var scheduled: [RuntimeLifecycle] { schedule.keys.sorted().map(Self.of) }

    public func isDeprecated(on date: Date) -> Bool { Self.reached(deprecation, date) }
    public func blocksCreate(on date: Date) -> Bool { Self.reached(blockCreate, date) }
    public func blocksUpdate(on date: Date) -> Bool { Self.reached(blockUpdate, date) }

    /// AWS's refusal for a blocked runtime.
    func blockedError() -> AWSError {
        LambdaError.invalidParameter(
            "The runtime parameter of \(runtime) is no longer supported for creating or updating AWS Lambda functions. We recommend you use a supported runtime while creating or updating functions."
        )
    }

    private static func reached(_ day: String?, _ date: Date) -> Bool {
        guard let day else { return false }
        return AWSTimestamp.iso8601(date).prefix(10) >= day
    }

    /// runtime → (deprecation, block create, block update).
    private static let schedule: [String: (String, String, String)] = [
        "python3.14": ("2029-06-30", "2029-07-31", "2029-08-31"),
        "python3.13": ("2029-06-30", "2029-07-31", "2029-08-31"),
        "python3.12": ("2028-10-31", "2028-11-30", "2029-01-10"),
        "python3.11": ("2027-06-30", "2027-07-31", "2027-08-31"),
        "python3.10": ("2026-10-31", "2027-02-01", "2027-03-03"),
        "python3.9": ("2025-12-15", "2027-02-01", "2027-03-03"),
        "python3.8": ("2024-10-14", "2025-02-28", "2025-03-31"),
        "python3.7": ("2023-12-04", "2024-01-09", "2025-02-28"),
        "python3.6": ("2022-07-18", "2022-07-18", "2022-08-29"),
        "python2.7": ("2021-07-15", "2021-07-15", "2022-05-30"),
        "provided.al2023": ("2029-06-30", "2029-07-31", "2029-08-31"),
        "provided.al2": ("2026-07-31", "2027-02-01", "2027-03-03"),
        "provided": ("2024-01-08", "2024-02-08", "2027-03-03"),
        "go1.x": ("2024-01-08", "2024-02-08", "2027-03-03"),
        "java25": ("2029-06-30", "2029-07-31", "2029-08-31"),
        "java21": ("2029-06-30", "2029-07-31", "2029-08-31"),
        "java17": ("2027-06-30", "2027-07-31", "2027-08-31"),
        "java11": ("2027-06-30", "2027-07-31", "2027-08-31"),
        "java8.al2": ("2027-06-30", "2027-07-31", "2027-08-31"),
        "java8": ("2024-01-08", "2024-02-08", "2027-03-03"),
        "nodejs24.x": ("2028-04-30", "2028-06-01", "2028-07-01"),
        "nodejs22.x": ("2027-04-30", "2027-06-01", "2027-07-01"),
        "nodejs20.x": ("2026-04-30", "2027-02-01", "2027-03-03"),
        "nodejs18.x": ("2025-09-01", "2027-02-01", "2027-03-03"),
        "nodejs16.x": ("2024-06-12", "2025-02-28", "2025-03-31"),
        "nodejs14.x": ("2023-12-04", "2024-07-09", "2025-02-28"),
        "nodejs12.x": ("2023-03-31", "2023-03-31", "2023-04-30"),
        "nodejs10.x": ("2021-07-30", "2021-07-30", "2022-02-14"),
        "nodejs8.10": ("2020-03-06", "2020-03-06", "2020-03-06"),
        "nodejs6.10": ("2019-08-12", "2019-08-12", "2019-08-12"),
        "nodejs4.3": ("2020-03-05", "2020-03-05", "2020-03-05"),
        "nodejs4.3-edge": ("2020-03-05", "2019-04-30", "2019-04-30"),
        "nodejs": ("2016-10-31", "2016-10-31", "2016-10-31"),
        "dotnet10": ("2028-11-14", "2028-12-14", "2029-01-15"),
        "dotnet8": ("2026-11-10", "2027-02-01", "2027-03-03"),
        "dotnet6": ("2024-12-20", "2027-02-01", "2027-03-03"),
        "dotnetcore3.1": ("2023-04-03", "2023-04-03", "2023-05-03"),
        "dotnetcore2.1": ("2022-01-05", "2022-01-05", "2022-04-13"),
        "dotnetcore2.0": ("2019-05-30", "2019-05-30", "2019-05-30"),
        "dotnetcore1.0": ("2019-06-27", "2019-07-30", "2019-07-30"),
        "ruby3.4": ("2028-03-31", "2028-04-30", "2028-05-31"),
        "ruby3.3": ("2027-03-31", "2027-04-30", "2027-05-31"),
        "ruby3.2": ("2026-03-31", "2026-08-31", "2026-09-30"),
        "ruby2.7": ("2023-12-07", "2024-01-09", "2025-02-28"),
        "ruby2.5": ("2021-07-30", "2021-07-30", "2022-03-31"),
    ]
}
