import Foundation
import GRDB

/// An X.509 signing certificate of a user or of the account root: the body as uploaded.
public struct SigningCertificateRecord: Sendable, Equatable {
    /// 32 base-32 characters.
    public var certificateID: String
    public var accountID: String
    /// The unique id (`AIDA…`) of the user it belongs to, or ``root`` for the account root.
    public var ownerID: String
    public var body: String
    /// The SHA-256 of the certificate's DER: a certificate belongs to one owner of the account.
    public var digest: String
    /// `Active` or `Inactive`.
    public var status: String
    public var uploadedAt: Date

    /// The ``ownerID`` of the account root's certificates.
    public static let root = "root"

    public init(
        certificateID: String, accountID: String, ownerID: String, body: String, digest: String, status: String, uploadedAt: Date
    ) {
        self.certificateID = certificateID
        self.accountID = accountID
        self.ownerID = ownerID
        self.body = body
        self.digest = digest
        self.status = status
        self.uploadedAt = uploadedAt
    }
}

extension SigningCertificateRecord: FetchableRecord {
    public init(row: Row) throws {
        self.init(
            certificateID: row["certificateID"], accountID: row["accountID"], ownerID: row["ownerID"], body: row["body"],
            digest: row["digest"], status: row["status"], uploadedAt: row["uploadedAt"])
    }
}
