/// One deviation from the AWS Lambda security best practices, as `bulwark audit` reports it.
public struct Finding: Sendable, Equatable, Codable {
    /// Stable across runs while the deviation lasts: the check, the resource and, when a resource
    /// can deviate more than once, what deviates (a statement id, a file and line, a key id).
    public var id: String
    /// The check that found it (``Check``).
    public var check: String
    public var severity: Severity
    /// The ARN of the resource that deviates.
    public var resource: String
    /// One line: what is wrong. Never a secret value, only where it is.
    public var explanation: String
    /// What to do about it.
    public var remediation: String
    /// The aws CLI command that fixes it (`<…>` marks what the operator chooses).
    public var command: String

    public init(
        check: Check, resource: String, detail: String? = nil, severity: Severity? = nil, explanation: String, remediation: String, command: String
    ) {
        self.id = [check.rawValue, resource, detail].compactMap { $0 }.joined(separator: "/")
        self.check = check.rawValue
        self.severity = severity ?? check.severity
        self.resource = resource
        self.explanation = explanation
        self.remediation = remediation
        self.command = command
    }
}

/// The checks `bulwark audit` runs, each with the severity of what it finds.
public enum Check: String, Sendable, CaseIterable {
    /// A credential in a function's deployment package.
    case credentialInCode = "lambda-credential-in-code"
    /// A credential in a function's environment variables.
    case credentialInEnvironment = "lambda-credential-in-environment"
    /// A function on a deprecated runtime.
    case deprecatedRuntime = "lambda-runtime-deprecated"
    /// A function on a runtime deprecated within 180 days.
    case runtimeNearDeprecation = "lambda-runtime-near-deprecation"
    /// Environment variables under the AWS managed key instead of a customer managed key.
    case environmentAWSManagedKey = "lambda-environment-aws-managed-key"
    /// A function without a reserved concurrency limit.
    case noConcurrencyLimit = "lambda-no-concurrency-limit"
    /// A resource-based policy statement that allows everyone.
    case publicFunctionPolicy = "lambda-policy-public"
    /// A resource-based policy statement that allows a service for any source.
    case unscopedServicePermission = "lambda-policy-service-without-source"
    /// An execution role allowed every action on every resource.
    case roleAdministrator = "iam-role-administrator"
    /// An execution role allowed every action of a service on every resource.
    case roleServiceWildcard = "iam-role-service-wildcard"
    /// An active access key of the account root.
    case rootAccessKey = "iam-root-access-key"
    /// An active access key older than 90 days.
    case accessKeyAge = "iam-access-key-older-than-90-days"
    /// A console password unchanged for more than 90 days.
    case passwordAge = "iam-password-older-than-90-days"
    /// A user with privileged permissions and no MFA device.
    case privilegedUserWithoutMFA = "iam-privileged-user-without-mfa"
    /// A symmetric customer managed KMS key whose material does not rotate.
    case keyRotationDisabled = "kms-key-rotation-disabled"
    /// A secret without automatic rotation.
    case secretRotationDisabled = "secretsmanager-rotation-disabled"

    public var severity: Severity {
        switch self {
        case .credentialInCode, .credentialInEnvironment: .critical
        case .deprecatedRuntime, .publicFunctionPolicy, .roleAdministrator, .rootAccessKey, .privilegedUserWithoutMFA: .high
        case .runtimeNearDeprecation, .unscopedServicePermission, .roleServiceWildcard, .accessKeyAge, .passwordAge, .keyRotationDisabled,
            .secretRotationDisabled:
            .medium
        case .environmentAWSManagedKey: .low
        case .noConcurrencyLimit: .informational
        }
    }
}
