import BulwarkCore

/// The errors of the Lambda API, with Lambda's codes, statuses and wording.
enum LambdaError {
    static func functionNotFound(_ arn: String) -> AWSError {
        AWSError(code: "ResourceNotFoundException", message: "Function not found: \(arn)", status: 404)
    }

    static func functionExists(_ name: String) -> AWSError {
        AWSError(code: "ResourceConflictException", message: "Function already exist: \(name)", status: 409)
    }

    /// An operation on a function that is not `Active` (still `Pending`, or `Failed`).
    static func notReady(state: String) -> AWSError {
        AWSError(
            code: "ResourceConflictException",
            message: "The operation cannot be performed at this time. The function is currently in the following state: \(state)",
            status: 409
        )
    }

    /// A change of a function while its previous change is still being applied.
    static func updateInProgress(_ functionARN: String) -> AWSError {
        AWSError(
            code: "ResourceConflictException",
            message: "The operation cannot be performed at this time. An update is in progress for resource: \(functionARN)",
            status: 409
        )
    }

    static func invalidParameter(_ message: String) -> AWSError {
        AWSError(code: "InvalidParameterValueException", message: message, status: 400)
    }

    static func revisionMismatch() -> AWSError {
        AWSError(
            code: "PreconditionFailedException",
            message:
                "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id",
            status: 412
        )
    }

    static func codeStorageExceeded() -> AWSError {
        AWSError(code: "CodeStorageExceededException", message: "Code storage limit exceeded.", status: 400)
    }

    /// A request member that names a Lambda feature Bulwark does not provide yet. Refused rather
    /// than silently ignored.
    static func unsupported(_ feature: String) -> AWSError {
        invalidParameter("Bulwark does not support \(feature) yet.")
    }

    /// A layer version that does not exist, named by a layer operation.
    static func layerVersionNotFound() -> AWSError {
        AWSError(code: "ResourceNotFoundException", message: "The resource you requested does not exist.", status: 404)
    }

    /// A layer version that does not exist, named in a function's `Layers`.
    static func layerVersionMissing(_ arn: String) -> AWSError {
        invalidParameter("Layer version \(arn) does not exist.")
    }
}
