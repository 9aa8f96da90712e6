import BulwarkCore

/// The IAM API's errors, with IAM's codes, HTTP statuses and wording.
enum IAMError {
    /// `NoSuchEntity` (404).
    static func noSuchEntity(_ message: String) -> AWSError {
        AWSError(code: "NoSuchEntity", message: message, status: 404)
    }

    /// `EntityAlreadyExists` (409).
    static func entityAlreadyExists(_ message: String) -> AWSError {
        AWSError(code: "EntityAlreadyExists", message: message, status: 409)
    }

    /// `DeleteConflict` (409): something still depends on the entity.
    static func deleteConflict(_ message: String) -> AWSError {
        AWSError(code: "DeleteConflict", message: message, status: 409)
    }

    /// `LimitExceeded` (409).
    static func limitExceeded(_ message: String) -> AWSError {
        AWSError(code: "LimitExceeded", message: message, status: 409)
    }

    /// `InvalidInput` (400).
    static func invalidInput(_ message: String) -> AWSError {
        AWSError(code: "InvalidInput", message: message, status: 400)
    }

    /// `ValidationError` (400), the query protocol's name for a request that breaks a rule of the API.
    static func validation(_ message: String) -> AWSError {
        AWSError(code: "ValidationError", message: message, status: 400)
    }

    /// `AccessDenied` (403) for changes to policies IAM does not let an account change (AWS managed).
    static func accessDenied(_ message: String) -> AWSError {
        AWSError(code: "AccessDenied", message: message, status: 403)
    }

    /// `InvalidAuthenticationCode` (403): the MFA codes given are not the device's.
    static let invalidAuthenticationCode = AWSError(
        code: "InvalidAuthenticationCode", message: "Authentication code for device is not valid.", status: 403)

    /// `ValidationError` (400) for an ARN member whose value is no ARN (a name, say), in IAM's words.
    static let unparsableARN = validation("Invalid ARN:  Could not be parsed!")

    static func noSuchUser(_ name: String) -> AWSError { noSuchEntity("The user with name \(name) cannot be found.") }
    static func noSuchGroup(_ name: String) -> AWSError { noSuchEntity("The group with name \(name) cannot be found.") }
    static func noSuchRole(_ name: String) -> AWSError { noSuchEntity("The role with name \(name) cannot be found.") }
    static func noSuchPolicy(_ arn: String) -> AWSError { noSuchEntity("Policy \(arn) was not found.") }
    static func notAttachable(_ arn: String) -> AWSError { noSuchEntity("Policy \(arn) does not exist or is not attachable.") }
    /// `PolicyNotAttachable` (400): an AWS service-linked role's policy, which only AWS attaches.
    static let serviceRolePolicyNotAttachable = AWSError(
        code: "PolicyNotAttachable", message: "Cannot attach a Service Role Policy to a Customer Role.", status: 400)
    static func noSuchAccessKey(_ id: String) -> AWSError { noSuchEntity("The Access Key with id \(id) cannot be found.") }

    static func noSuchPolicyVersion(_ arn: String, _ versionID: String) -> AWSError {
        noSuchEntity("Policy \(arn) version \(versionID) does not exist or is not attachable.")
    }
}
