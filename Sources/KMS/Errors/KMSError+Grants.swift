import BulwarkCore

/// The errors of grants and tags. Wording AWS publishes is used as is; where we could not confirm
/// AWS's message, the message is Bulwark's and says so in a comment (decision 0010).
extension KMSError {
    /// Bulwark's wording.
    static let invalidGrantToken = AWSError(code: "InvalidGrantTokenException", message: "Invalid grant token", status: 400)

    /// Bulwark's wording.
    static func invalidGrantID(_ id: String) -> AWSError {
        AWSError(code: "InvalidGrantIdException", message: "Invalid grant ID: \(id)", status: 400)
    }

    /// Bulwark's wording.
    static func grantNotFound(_ id: String) -> AWSError {
        AWSError(code: "NotFoundException", message: "Grant ID \(id) not found", status: 400)
    }

    /// A principal that is no ARN of an AWS principal and no service principal, or an IAM user or
    /// role of the account that does not exist (Bulwark's wording).
    static func invalidPrincipal(_ principal: String) -> AWSError {
        AWSError(code: "InvalidArnException", message: "ARN does not refer to a valid principal: \(principal)", status: 400)
    }

    /// Bulwark's wording; the quotas are AWS's.
    static func grantLimit(_ detail: String) -> AWSError {
        AWSError(code: "LimitExceededException", message: detail, status: 400)
    }

    /// `DryRun`: the call was allowed and valid; nothing was done (HTTP 412, AWS's message).
    static func tag(_ message: String) -> AWSError {
        AWSError(code: "TagException", message: message, status: 400)
    }
}
