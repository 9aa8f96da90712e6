import BulwarkCore

/// A policy document that IAM refuses, with IAM's reason in IAM's words.
///
/// The IAM API answers it as `MalformedPolicyDocument` (HTTP 400); ``awsError`` builds that answer.
public struct MalformedPolicyDocument: Error, Sendable, Hashable, CustomStringConvertible {
    /// IAM's message, e.g. `Policy statement must contain resources.`
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    /// The IAM API's error for this document.
    public var awsError: AWSError {
        AWSError(code: "MalformedPolicyDocument", message: message, status: 400)
    }

    public var description: String { "MalformedPolicyDocument: \(message)" }
}

extension MalformedPolicyDocument {
    // The wording below is IAM's (as recorded by moto's IAM tests and by error reports from AWS).
    static let syntax = MalformedPolicyDocument("Syntax errors in policy.")
    static let versionTooOld = MalformedPolicyDocument("Policy document must be version 2012-10-17 or greater.")
    static let legacyParsing = MalformedPolicyDocument("The policy failed legacy parsing")
    static let duplicateSid = MalformedPolicyDocument("Statement IDs (SID) in a single policy must be unique.")
    static let missingActions = MalformedPolicyDocument("Policy statement must contain actions.")
    static let missingResources = MalformedPolicyDocument("Policy statement must contain resources.")
    static let principalNotAllowed = MalformedPolicyDocument("Policy document should not specify a principal.")
    static let missingVendor = MalformedPolicyDocument("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.")
    static let tooManyColons = MalformedPolicyDocument("Actions/Condition can contain only one colon.")
    static let resourceVendor = MalformedPolicyDocument("Resource vendor must be fully qualified and cannot contain regexes.")
    static let missingPrincipal = MalformedPolicyDocument("Missing required field Principal")
    static let trustActions = MalformedPolicyDocument("AssumeRole policy may only specify STS AssumeRole actions.")
    static let trustResources = MalformedPolicyDocument("AssumeRole policy must not contain resources.")
    static let allowWithNotPrincipal = MalformedPolicyDocument("Allow with NotPrincipal is not allowed.")
    static let emptyPrincipal = MalformedPolicyDocument("Missing required field Principal cannot be empty!")
    // Trust policies only.
    static let invalidJSON = MalformedPolicyDocument("This policy contains invalid Json")
    static let emptyStatement = MalformedPolicyDocument("Could not parse the policy: Statement is empty!")

    static func invalidVendor(_ vendor: String) -> MalformedPolicyDocument {
        MalformedPolicyDocument("Vendor \(vendor) is not valid")
    }

    static func prohibitedField(_ field: String) -> MalformedPolicyDocument {
        MalformedPolicyDocument("Has prohibited field \(field)")
    }

    static func notARN(_ resource: String) -> MalformedPolicyDocument {
        MalformedPolicyDocument("Resource \(resource) must be in ARN format or \"*\".")
    }

    static func invalidPrincipal(_ type: String, _ value: String) -> MalformedPolicyDocument {
        MalformedPolicyDocument("Invalid principal in policy: \"\(type)\":\"\(value)\"")
    }
}
