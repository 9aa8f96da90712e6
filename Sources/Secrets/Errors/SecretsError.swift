import BulwarkCore

/// Secrets Manager's errors, with the codes of its model (all HTTP 400 but InternalServiceError)
/// and AWS's messages.
enum SecretsError {
    static let secretNotFound = AWSError(
        code: "ResourceNotFoundException", message: "Secrets Manager can't find the specified secret.", status: 400)

    static func versionNotFound(stage: String) -> AWSError {
        AWSError(
            code: "ResourceNotFoundException", message: "Secrets Manager can't find the specified secret value for staging label: \(stage)",
            status: 400)
    }

    static func versionNotFound(versionID: String) -> AWSError {
        AWSError(
            code: "ResourceNotFoundException", message: "Secrets Manager can't find the specified secret value for VersionId: \(versionID)",
            status: 400)
    }

    static func exists(_ name: String) -> AWSError {
        AWSError(code: "ResourceExistsException", message: "The operation failed because the secret \(name) already exists.", status: 400)
    }

    /// A call on a secret scheduled for deletion (all but DescribeSecret, RestoreSecret and the listings).
    static let markedForDeletion = AWSError(
        code: "InvalidRequestException",
        message: "You can't perform this operation on the secret because it was marked for deletion.", status: 400)

    static let versionExists = AWSError(
        code: "ResourceExistsException", message: "You can't modify an existing version, you can only create a new version.", status: 400)

    static let bothValues = AWSError(
        code: "InvalidParameterException",
        message: "You can't specify both a binary secret value and a string secret value in the same secret.", status: 400)

    static let invalidName = AWSError(
        code: "ValidationException",
        message: "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!", status: 400)

    static let recoveryWindow = AWSError(
        code: "InvalidParameterException", message: "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).", status: 400)

    static let forceWithWindow = AWSError(
        code: "InvalidParameterException", message: "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
        status: 400)

    static let invalidNextToken = AWSError(code: "InvalidNextTokenException", message: "The NextToken value is invalid.", status: 400)

    static func invalidParameter(_ message: String) -> AWSError {
        AWSError(code: "InvalidParameterException", message: message, status: 400)
    }

    static func malformedPolicy(_ message: String) -> AWSError {
        AWSError(code: "MalformedPolicyDocumentException", message: message, status: 400)
    }

    /// `BlockPublicPolicy` refused a policy that allows broad access: the model's documentation of
    /// the error (AWS's own message could not be confirmed; decision 0017).
    static let publicPolicy = AWSError(
        code: "PublicPolicyException",
        message: "The BlockPublicPolicy parameter is set to true, and the resource policy did not prevent broad access to the secret.",
        status: 400)

    /// The secret's KMS key cannot encrypt (absent, disabled, pending deletion): the model's wording.
    static let encryptionFailure = AWSError(
        code: "EncryptionFailure",
        message:
            "Secrets Manager can't encrypt the protected secret text using the provided KMS key. Check that the KMS key is available, enabled, and not in an invalid state.",
        status: 400)

    /// The secret's KMS key cannot decrypt the version's value: the model's wording.
    static let decryptionFailure = AWSError(
        code: "DecryptionFailure", message: "Secrets Manager can't decrypt the protected secret text using the provided KMS key.", status: 400)

    /// A rotation function whose policy does not let Secrets Manager invoke it (or that does not exist): AWS's answer.
    static let cannotInvokeFunction = AWSError(
        code: "AccessDeniedException",
        message:
            "Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com.",
        status: 400)
}
