import BulwarkCore

/// CloudTrail's errors, with the codes of its model (all HTTP 400) and AWS's messages.
enum CloudTrailError {
    static func error(_ code: String, _ message: String) -> AWSError { AWSError(code: code, message: message, status: 400) }

    static func trailNotFound(_ name: String, accountID: String) -> AWSError {
        error("TrailNotFoundException", "Unknown trail: \(name) for the user: \(accountID)")
    }

    static func trailExists(_ name: String, accountID: String) -> AWSError {
        error("TrailAlreadyExistsException", "Trail \(name) already exists for customer: \(accountID)")
    }

    static func invalidTrailName(_ message: String) -> AWSError { error("InvalidTrailNameException", message) }

    static func bucketDoesNotExist(_ bucket: String) -> AWSError {
        error("S3BucketDoesNotExistException", "S3 bucket \(bucket) does not exist.")
    }

    static func insufficientBucketPolicy(_ bucket: String) -> AWSError {
        error("InsufficientS3BucketPolicyException", "Incorrect S3 bucket policy is detected for bucket: \(bucket)")
    }

    static func invalidBucketName(_ bucket: String) -> AWSError {
        error("InvalidS3BucketNameException", "Bucket name \(bucket) is not valid.")
    }

    static let invalidPrefix = error("InvalidS3PrefixException", "Prefix must be 200 characters or less and must not end with a slash.")

    static func unsupported(_ what: String) -> AWSError {
        error("UnsupportedOperationException", "Bulwark does not support \(what) yet.")
    }

    static func invalidARN(_ arn: String) -> AWSError {
        error("CloudTrailARNInvalidException", "ARN \(arn) is invalid.")
    }

    static func invalidHomeRegion(_ arn: String, region: String) -> AWSError {
        error(
            "InvalidHomeRegionException",
            "This operation must be called from the trail's home region. The trail \(arn) was created in \(region).")
    }

    static func invalidSelectors(_ message: String) -> AWSError { error("InvalidEventSelectorsException", message) }

    static let tooManyLookupAttributes = error("InvalidLookupAttributesException", "You cannot specify more than one lookup attribute.")

    static func invalidLookupAttribute(_ message: String) -> AWSError { error("InvalidLookupAttributesException", message) }

    static let invalidTimeRange = error("InvalidTimeRangeException", "Start time must be before end time.")

    static let invalidMaxResults = error("InvalidMaxResultsException", "MaxResults must be between 1 and 50.")

    static let invalidNextToken = error("InvalidNextTokenException", "Invalid NextToken.")

    static let invalidEventCategory = error("InvalidEventCategoryException", "The only valid EventCategory value is insight.")

    static let tooManyTrails = error(
        "MaximumNumberOfTrailsExceededException", "You have exceeded the maximum number of trails (5) allowed per region.")
}
