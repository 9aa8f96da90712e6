import Foundation
import GRDB

/// A user's SSH public key (for CodeCommit): the body as uploaded and its fingerprint.
public struct SSHPublicKeyRecord: Sendable, Equatable {
    /// `APKA…`, 20 characters.
    public var keyID: String
    public var accountID: String
    /// The unique id (`AIDA…`) of the user it belongs to.
    public var userID: String
    /// The key as uploaded: an OpenSSH `ssh-rsa` line or a PEM.
    public var body: String
    /// The MD5 of the key's OpenSSH blob, colon-separated hex; the same for both encodings of a key.
    public var fingerprint: String
    /// `Active` or `Inactive`.
    public var status: String
    public var uploadedAt: Date

    public init(keyID: String, accountID: String, userID: String, body: String, fingerprint: String, status: String, uploadedAt: Date) {
        self.keyID = keyID
        self.accountID = accountID
        self.userID = userID
        self.body = body
        self.fingerprint = fingerprint
        self.status = status
        self.uploadedAt = uploadedAt
    }
}

extension SSHPublicKeyRecord: FetchableRecord {
    public init(row: Row) throws {
        self.init(
            keyID: row["keyID"], accountID: row["accountID"], userID: row["userID"], body: row["body"], fingerprint: row["fingerprint"],
            status: row["status"], uploadedAt: row["uploadedAt"])
    }
}
