import BulwarkCore

/// CloudWatch's errors: the exception shapes of its model (whose query codes, `InvalidParameterValue`
/// and the like, travel in `x-amzn-query-error` and are what botocore reports), all HTTP 400, with
/// AWS's messages, which name members in the query protocol's form (`MetricData.member.1.Value`).
enum CloudWatchError {
    static func invalidValue(_ message: String) -> AWSError {
        AWSError(code: "InvalidParameterValueException", message: message, status: 400)
    }

    static func invalidCombination(_ message: String) -> AWSError {
        AWSError(code: "InvalidParameterCombinationException", message: message, status: 400)
    }

    static func missing(_ message: String) -> AWSError {
        AWSError(code: "MissingRequiredParameterException", message: message, status: 400)
    }

    /// The error of a query the model allows but CloudWatch refuses (`ValidationError`).
    static func validation(_ message: String) -> AWSError {
        AWSError(code: "ValidationError", message: message, status: 400)
    }

    static let invalidNextToken = AWSError(code: "InvalidNextToken", message: "The service couldn't process your NextToken.", status: 400)

    /// The value of a parameter AWS refuses, in its usual words.
    static func invalid(_ value: String, parameter: String) -> AWSError {
        invalidValue("The value \(value) for parameter \(parameter) is invalid.")
    }
}
