import BulwarkCore

/// CloudWatch Logs' errors, with the codes of its model (all HTTP 400) and AWS's messages.
enum LogsError {
    static let groupNotFound = AWSError(code: "ResourceNotFoundException", message: "The specified log group does not exist.", status: 400)
    static let streamNotFound = AWSError(code: "ResourceNotFoundException", message: "The specified log stream does not exist.", status: 400)
    static let groupExists = AWSError(code: "ResourceAlreadyExistsException", message: "The specified log group already exists", status: 400)
    static let streamExists = AWSError(code: "ResourceAlreadyExistsException", message: "The specified log stream already exists", status: 400)

    static func invalidParameter(_ message: String) -> AWSError {
        AWSError(code: "InvalidParameterException", message: message, status: 400)
    }

    static let invalidToken = invalidParameter("The specified nextToken is invalid.")

    static let nameAndIdentifier = invalidParameter("LogGroup name and LogGroup ARN are mutually exclusive parameters.")
    static let noGroup = invalidParameter("Either LogGroupName or LogGroupIdentifier must be specified.")

    static func tooManyTags() -> AWSError {
        AWSError(code: "LimitExceededException", message: "A resource can have no more than 50 tags.", status: 400)
    }
}
