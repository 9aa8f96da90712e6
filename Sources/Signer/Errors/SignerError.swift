import BulwarkCore

/// AWS Signer's errors, with the codes and statuses of its model.
enum SignerError {
    static func validation(_ message: String) -> AWSError {
        AWSError(code: "ValidationException", message: message, status: 400)
    }

    static func notFound(_ message: String) -> AWSError {
        AWSError(code: "ResourceNotFoundException", message: message, status: 404)
    }

    static func conflict(_ message: String) -> AWSError {
        AWSError(code: "ConflictException", message: message, status: 409)
    }

    static func profileNotFound(_ name: String) -> AWSError {
        notFound("Profile \(name) does not exist.")
    }

    static func jobNotFound(_ id: String) -> AWSError {
        notFound("Job \(id) does not exist.")
    }

    static func platformNotFound(_ id: String) -> AWSError {
        notFound("Platform \(id) does not exist.")
    }

    /// TagResource and its siblings answer NotFoundException / BadRequestException (their model's).
    static let taggedResourceNotFound = AWSError(code: "NotFoundException", message: "Resource not found.", status: 404)

    static func badRequest(_ message: String) -> AWSError {
        AWSError(code: "BadRequestException", message: message, status: 400)
    }
}
