import BulwarkCore

/// S3's errors, with the codes, statuses, messages and extra `<Error>` members S3 answers.
enum S3Error {
    static func noSuchBucket(_ bucket: String) -> AWSError {
        AWSError(code: "NoSuchBucket", message: "The specified bucket does not exist", status: 404, fields: ["BucketName": bucket])
    }

    static func noSuchKey(_ key: String) -> AWSError {
        AWSError(code: "NoSuchKey", message: "The specified key does not exist.", status: 404, fields: ["Key": key])
    }

    static func bucketAlreadyOwnedByYou(_ bucket: String) -> AWSError {
        AWSError(
            code: "BucketAlreadyOwnedByYou", message: "Your previous request to create the named bucket succeeded and you already own it.",
            status: 409, fields: ["BucketName": bucket])
    }

    static func bucketAlreadyExists(_ bucket: String) -> AWSError {
        AWSError(
            code: "BucketAlreadyExists",
            message:
                "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.",
            status: 409, fields: ["BucketName": bucket])
    }

    static func bucketNotEmpty(_ bucket: String) -> AWSError {
        AWSError(code: "BucketNotEmpty", message: "The bucket you tried to delete is not empty", status: 409, fields: ["BucketName": bucket])
    }

    static func invalidBucketName(_ bucket: String) -> AWSError {
        AWSError(code: "InvalidBucketName", message: "The specified bucket is not valid.", status: 400, fields: ["BucketName": bucket])
    }

    static func entityTooLarge(proposed: Int, allowed: Int) -> AWSError {
        AWSError(
            code: "EntityTooLarge", message: "Your proposed upload exceeds the maximum allowed size", status: 400,
            fields: ["ProposedSize": String(proposed), "MaxSizeAllowed": String(allowed)])
    }

    static func invalidRange(_ range: String, size: Int64) -> AWSError {
        AWSError(
            code: "InvalidRange", message: "The requested range is not satisfiable", status: 416,
            fields: ["RangeRequested": range, "ActualObjectSize": String(size)])
    }

    static func preconditionFailed(_ condition: String) -> AWSError {
        AWSError(
            code: "PreconditionFailed", message: "At least one of the pre-conditions you specified did not hold", status: 412,
            fields: ["Condition": condition])
    }

    /// A conditional read whose object did not change: 304, answered without a body.
    static let notModified = AWSError(code: "NotModified", message: "Not Modified", status: 304)

    static let accessControlListNotSupported = AWSError(
        code: "AccessControlListNotSupported", message: "The bucket does not allow ACLs", status: 400)

    static let bucketAclWithObjectOwnership = AWSError(
        code: "InvalidBucketAclWithObjectOwnership", message: "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
        status: 400)

    static func invalidLocationConstraint(_ constraint: String) -> AWSError {
        AWSError(
            code: "InvalidLocationConstraint", message: "The specified location-constraint is not valid", status: 400,
            fields: ["LocationConstraint": constraint])
    }

    static func illegalLocationConstraint(_ constraint: String?, region: String) -> AWSError {
        AWSError(
            code: "IllegalLocationConstraintException",
            message:
                "The \(constraint ?? "unspecified") location constraint is incompatible for the region specific endpoint this request was sent to.",
            status: 400)
    }

    static func invalidArgument(_ message: String, name: String, value: String) -> AWSError {
        AWSError(code: "InvalidArgument", message: message, status: 400, fields: ["ArgumentName": name, "ArgumentValue": value])
    }

    static func notImplemented(_ header: String) -> AWSError {
        AWSError(
            code: "NotImplemented", message: "A header you provided implies functionality that is not implemented", status: 501,
            fields: ["Header": header])
    }

    /// S3's refusal that says nothing more (a bucket owned by another account than `x-amz-expected-bucket-owner`).
    static let accessDenied = AWSError(code: "AccessDenied", message: "Access Denied", status: 403)

    static let malformedXML = AWSError(
        code: "MalformedXML", message: "The XML you provided was not well-formed or did not validate against our published schema",
        status: 400)

    static func invalidRequest(_ message: String) -> AWSError {
        AWSError(code: "InvalidRequest", message: message, status: 400)
    }

    // MARK: Multipart uploads

    static func noSuchUpload(_ uploadID: String) -> AWSError {
        AWSError(
            code: "NoSuchUpload",
            message: "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
            status: 404, fields: ["UploadId": uploadID])
    }

    static func invalidPart(uploadID: String, partNumber: Int, etag: String) -> AWSError {
        AWSError(
            code: "InvalidPart",
            message:
                "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
            status: 400, fields: ["UploadId": uploadID, "PartNumber": String(partNumber), "ETag": etag])
    }

    static func invalidPartOrder(uploadID: String) -> AWSError {
        AWSError(
            code: "InvalidPartOrder", message: "The list of parts was not in ascending order. Parts must be ordered by part number.",
            status: 400, fields: ["UploadId": uploadID])
    }

    static func entityTooSmall(proposed: Int64, partNumber: Int, etag: String) -> AWSError {
        AWSError(
            code: "EntityTooSmall", message: "Your proposed upload is smaller than the minimum allowed object size.", status: 400,
            fields: [
                "ProposedSize": String(proposed), "MinSizeAllowed": String(MultipartAssembly.minPartSize), "PartNumber": String(partNumber),
                "ETag": etag,
            ])
    }

    static func invalidPartNumber(_ requested: Int, count: Int) -> AWSError {
        AWSError(
            code: "InvalidPartNumber", message: "The requested partnumber is not satisfiable", status: 416,
            fields: ["PartNumberRequested": String(requested), "ActualPartCount": String(count)])
    }

    static func internalError(_ requestID: String) -> AWSError {
        AWSError(code: "InternalError", message: "We encountered an internal error. Please try again.", status: 500)
    }
}
