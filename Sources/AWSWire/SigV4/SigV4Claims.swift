import Foundation

/// What a request claims about its signer, after every check that needs no secret has passed.
public struct SigV4Claims: Sendable, Hashable {
    public var location: SigV4Authorization.Location
    public var accessKeyID: String
    public var scope: SigV4CredentialScope
    /// The signed header names, in the order sent.
    public var signedHeaders: [String]
    public var signature: String
    /// The request time in ISO 8601 basic format, as it enters the string to sign.
    public var amzDate: String
    public var date: Date
    /// `X-Amz-Security-Token`, for temporary credentials.
    public var sessionToken: String?
    /// `X-Amz-Expires` in seconds, when presigned with one.
    public var expires: Int?
    /// The payload hash the request claims (`x-amz-content-sha256`), if it claims one.
    public var contentSHA256: String?

    public init(
        location: SigV4Authorization.Location,
        accessKeyID: String,
        scope: SigV4CredentialScope,
        signedHeaders: [String],
        signature: String,
        amzDate: String,
        date: Date,
        sessionToken: String?,
        expires: Int?,
        contentSHA256: String?
    ) {
        self.location = location
        self.accessKeyID = accessKeyID
        self.scope = scope
        self.signedHeaders = signedHeaders
        self.signature = signature
        self.amzDate = amzDate
        self.date = date
        self.sessionToken = sessionToken
        self.expires = expires
        self.contentSHA256 = contentSHA256
    }

    /// Whether the request is a presigned URL.
    public var isPresigned: Bool { location == .queryString }
}
