import BulwarkCore
import Foundation
import IAM
import Lambda

/// The checks of one function's own settings and of what the credential scan recorded.
public enum FunctionChecks {
    /// How long before its deprecation a runtime is reported: AWS starts notifying 180 days before.
    static let deprecationNotice: TimeInterval = 180 * 86_400

    /// The credential scan's findings: where a credential is, never its value.
    public static func credentials(_ records: [CredentialFindingRepository.Record]) -> [Finding] {
        records.map { record in
            let name = functionName(record.functionARN)
            if record.source == CredentialFindingRepository.Source.environment.rawValue {
                return Finding(
                    check: .credentialInEnvironment, resource: record.functionARN, detail: record.location,
                    explanation: "Environment variable \(record.location) holds what looks like \(record.kind).",
                    remediation: "Rotate the credential, store it in Secrets Manager, read it at run time and remove the variable.",
                    command:
                        "aws lambda update-function-configuration --function-name \(name) --environment 'Variables={<the variables without \(record.location)>}'"
                )
            }
            return Finding(
                check: .credentialInCode, resource: record.functionARN, detail: record.location,
                explanation: "The deployment package holds what looks like \(record.kind) at \(record.location).",
                remediation: "Rotate the credential, store it in Secrets Manager, read it at run time and deploy a package without it.",
                command: "aws lambda update-function-code --function-name \(name) --zip-file fileb://<package without the credential>.zip"
            )
        }
    }

    /// A deprecated runtime, or one deprecated within 180 days of `now`.
    public static func runtime(of function: FunctionInventoryEntry, now: Date) -> Finding? {
        let lifecycle = RuntimeLifecycle.of(function.runtime)
        guard let deprecation = lifecycle.deprecation else { return nil }
        let successor = successor(of: function.runtime, now: now)
        let command =
            "aws lambda update-function-configuration --function-name \(function.key.name) --runtime \(successor ?? "<a supported runtime>")"
        if lifecycle.isDeprecated(on: now) {
            let blocked = lifecycle.blockUpdate.map { ", and updates are blocked from \($0)" } ?? ""
            return Finding(
                check: .deprecatedRuntime, resource: function.arn,
                explanation: "Runtime \(function.runtime) has been deprecated since \(deprecation): it gets no security patches\(blocked).",
                remediation: "Move the function to a supported runtime\(successor.map { " (\($0))" } ?? "") and test it.",
                command: command)
        }
        guard lifecycle.isDeprecated(on: now.addingTimeInterval(deprecationNotice)) else { return nil }
        return Finding(
            check: .runtimeNearDeprecation, resource: function.arn,
            explanation: "Runtime \(function.runtime) is deprecated on \(deprecation), within 180 days.",
            remediation: "Plan the move to a supported runtime\(successor.map { " (\($0))" } ?? "") before \(deprecation).",
            command: command)
    }

    /// Variables sealed under the account's `aws/lambda` key rather than a key the customer controls.
    public static func environmentKey(of function: FunctionInventoryEntry) -> Finding? {
        guard function.hasEnvironment, function.kmsKeyArn == nil else { return nil }
        return Finding(
            check: .environmentAWSManagedKey, resource: function.arn,
            explanation: "Environment variables are encrypted with the AWS managed key aws/lambda, not a customer managed key.",
            remediation: "Create a customer managed KMS key whose policy you control, and encrypt the variables with it.",
            command: "aws lambda update-function-configuration --function-name \(function.key.name) --kms-key-arn <customer managed key ARN>")
    }

    /// No reserved concurrency: one function can take the whole account's concurrency.
    public static func concurrency(of function: FunctionInventoryEntry) -> Finding? {
        guard function.reservedConcurrency == nil else { return nil }
        return Finding(
            check: .noConcurrencyLimit, resource: function.arn,
            explanation: "No reserved concurrency: a flood of invocations can use all of the account's concurrency.",
            remediation: "Set a concurrency limit that fits the function's expected load.",
            command: "aws lambda put-function-concurrency --function-name \(function.key.name) --reserved-concurrent-executions <limit>")
    }

    /// The newest supported runtime of the same language, for the remediation.
    static func successor(of runtime: String, now: Date) -> String? {
        let family = language(of: runtime)
        return RuntimeLifecycle.scheduled
            .filter { language(of: $0.runtime) == family && !$0.isDeprecated(on: now.addingTimeInterval(deprecationNotice)) }
            .max { ($0.deprecation ?? "", $0.runtime) < ($1.deprecation ?? "", $1.runtime) }?.runtime
    }

    /// `python3.9` → `python`, `dotnetcore3.1` → `dotnet`; Go runs on the OS-only runtimes now.
    private static func language(of runtime: String) -> String {
        let letters = String(runtime.prefix { $0.isLetter })
        switch letters {
        case "dotnetcore": return "dotnet"
        case "go": return "provided"
        default: return letters
        }
    }

    static func functionName(_ arn: String) -> String {
        String(arn.split(separator: ":", omittingEmptySubsequences: false).dropFirst(6).first ?? Substring(arn))
    }
}
