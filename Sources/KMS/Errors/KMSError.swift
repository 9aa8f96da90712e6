import BulwarkCore

/// KMS's errors, with the codes of its model (every one HTTP 400 but KMSInternalException) and
/// AWS's messages.
enum KMSError {
    /// A key id, key ARN, alias name or alias ARN that names no key.
    static func keyNotFound(_ arn: String) -> AWSError {
        AWSError(code: "NotFoundException", message: "Key '\(arn)' does not exist", status: 400)
    }

    static func aliasNotFound(_ arn: String) -> AWSError {
        AWSError(code: "NotFoundException", message: "Alias \(arn) is not found.", status: 400)
    }

    /// A `KeyId` that is none of a key id, key ARN, alias name or alias ARN.
    static func invalidKeyID(_ text: String) -> AWSError {
        AWSError(code: "NotFoundException", message: "Invalid keyId '\(text)'", status: 400)
    }

    /// A key ARN of a region other than the request's.
    static func invalidARNRegion(_ region: String) -> AWSError {
        AWSError(code: "NotFoundException", message: "Invalid arn \(region)", status: 400)
    }

    static func invalidARN(_ text: String) -> AWSError {
        AWSError(code: "InvalidArnException", message: "ARN '\(text)' is not a valid KMS key or alias ARN", status: 400)
    }

    static func disabled(_ arn: String) -> AWSError {
        AWSError(code: "DisabledException", message: "\(arn) is disabled.", status: 400)
    }

    static func pendingDeletion(_ arn: String) -> AWSError {
        AWSError(code: "KMSInvalidStateException", message: "\(arn) is pending deletion.", status: 400)
    }

    static func notPendingDeletion(_ arn: String) -> AWSError {
        AWSError(code: "KMSInvalidStateException", message: "\(arn) is not pending deletion.", status: 400)
    }

    /// A ciphertext that is not one, was altered, or is decrypted under another encryption context:
    /// AWS says nothing more.
    static let invalidCiphertext = AWSError(code: "InvalidCiphertextException", message: "", status: 400)

    /// `Decrypt` with a `KeyId` that is not the key of the ciphertext.
    static let incorrectKey = AWSError(
        code: "IncorrectKeyException",
        message: "The key ID in the request does not identify a CMK that can perform this operation.",
        status: 400
    )

    static func aliasExists(_ arn: String) -> AWSError {
        AWSError(code: "AlreadyExistsException", message: "An alias with the name \(arn) already exists", status: 400)
    }

    static func validation(_ message: String) -> AWSError {
        AWSError(code: "ValidationException", message: message, status: 400)
    }

    static func unsupported(_ message: String) -> AWSError {
        AWSError(code: "UnsupportedOperationException", message: message, status: 400)
    }

    /// A rotation call on a key that cannot rotate (AWS's wording as clients report it).
    static func notRotatable(_ key: KMSKeyRecord) -> AWSError {
        unsupported("You cannot perform this operation on a non-symmetric key or a key with non-ENCRYPT_DECRYPT key usage.")
    }

    static func invalidKeyUsage(_ message: String) -> AWSError {
        AWSError(code: "InvalidKeyUsageException", message: message, status: 400)
    }

    /// `Algorithm <algorithm> is incompatible with key spec <spec>.`
    static func incompatibleAlgorithm(_ algorithm: String, _ keySpec: String) -> AWSError {
        invalidKeyUsage("Algorithm \(algorithm) is incompatible with key spec \(keySpec).")
    }

    /// A signature that does not verify: like an invalid ciphertext, answered without detail.
    static let invalidSignature = AWSError(code: "KMSInvalidSignatureException", message: "", status: 400)

    /// A MAC that does not verify.
    static let invalidMAC = AWSError(code: "KMSInvalidMacException", message: "", status: 400)

    /// A request with `DryRun` that would have succeeded.
    static let dryRun = AWSError(
        code: "DryRunOperationException", message: "The request would have succeeded, but the DryRun option is set.", status: 412)

    static func malformedPolicy(_ message: String) -> AWSError {
        AWSError(code: "MalformedPolicyDocumentException", message: message, status: 400)
    }

    static let invalidMarker = AWSError(code: "InvalidMarkerException", message: "Invalid marker", status: 400)

    /// Key material that the configured master key cannot unwrap.
    static func materialUnavailable(requestID: String) -> AWSError {
        AWSError(
            code: "KMSInternalException",
            message: "The key material cannot be unwrapped with the configured master key (request \(requestID)).",
            status: 500, fault: .receiver)
    }
}
