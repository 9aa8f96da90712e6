import BulwarkCore

/// S3's errors about bucket policies, Block Public Access, ownership controls and tags (decision 0031).
extension S3Error {
    static func malformedPolicy(_ message: String) -> AWSError {
        AWSError(code: "MalformedPolicy", message: message, status: 400)
    }

    static func noSuchBucketPolicy(_ bucket: String) -> AWSError {
        AWSError(code: "NoSuchBucketPolicy", message: "The bucket policy does not exist", status: 404, fields: ["BucketName": bucket])
    }

    static func noSuchPublicAccessBlockConfiguration(_ bucket: String) -> AWSError {
        AWSError(
            code: "NoSuchPublicAccessBlockConfiguration", message: "The public access block configuration was not found", status: 404,
            fields: ["BucketName": bucket])
    }

    static func noSuchTagSet(_ bucket: String) -> AWSError {
        AWSError(code: "NoSuchTagSet", message: "The TagSet does not exist", status: 404, fields: ["BucketName": bucket])
    }

    /// S3's answer to too many tags.
    static func badRequest(_ message: String) -> AWSError {
        AWSError(code: "BadRequest", message: message, status: 400)
    }

    static func invalidTag(_ message: String) -> AWSError {
        AWSError(code: "InvalidTag", message: message, status: 400)
    }

    /// A policy that BlockPublicPolicy refuses, in the words of AWS's answer.
    static func publicPolicyBlocked(principalARN: String, bucket: String) -> AWSError {
        AWSError(
            code: "AccessDenied",
            message:
                "User: \(principalARN) is not authorized to perform: s3:PutBucketPolicy on resource: \"arn:aws:s3:::\(bucket)\" because public policies are blocked by the BlockPublicPolicy block public access setting.",
            status: 403)
    }

    /// A bucket policy operation by another account than the bucket's, which S3 answers 405.
    static let methodNotAllowed = AWSError(
        code: "MethodNotAllowed", message: "The specified method is not allowed against this resource.", status: 405)
}

extension S3Error {
    /// A PutBucketAcl or PutObjectAcl that names no ACL at all.
    static let malformedACL = AWSError(
        code: "MalformedACLError", message: "The XML you provided was not well-formed or did not validate against our published schema",
        status: 400)

    /// A canned ACL and an ACL document together.
    static let unexpectedACLContent = AWSError(
        code: "UnexpectedContent", message: "This request does not support content", status: 400)
}

extension S3Error {
    /// A notification destination of a service Bulwark does not serve.
    static func unsupportedDestination(_ kind: String) -> AWSError {
        AWSError(code: "NotImplemented", message: "Bulwark does not deliver S3 event notifications to \(kind) yet.", status: 501)
    }

    /// A function S3 may not invoke for the bucket (no such function, or its policy does not allow it).
    static func destinationNotValidated(_ functionARN: String) -> AWSError {
        invalidArgument(
            "Unable to validate the following destination configurations", name: functionARN,
            value: "Not authorized to invoke function [\(functionARN)]")
    }
}
