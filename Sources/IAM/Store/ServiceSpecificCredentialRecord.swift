import Foundation
import GRDB

/// A user's credential for one service (CodeCommit's Git password, a Bedrock API key, ...): its
/// password or secret is shown once and kept only as a salted hash.
public struct ServiceSpecificCredentialRecord: Sendable, Equatable {
    /// `ACCA…`.
    public var credentialID: String
    public var accountID: String
    /// The unique id (`AIDA…`) of the user it belongs to.
    public var userID: String
    public var serviceName: String
    /// The user name the service knows (`alice-at-123456789012`); for API keys, the key's alias.
    public var serviceUserName: String
    public var secretHash: Data
    public var salt: Data
    /// `Active` or `Inactive`.
    public var status: String
    public var createdAt: Date
    public var expiresAt: Date?

    public init(
        credentialID: String, accountID: String, userID: String, serviceName: String, serviceUserName: String, secretHash: Data,
        salt: Data, status: String, createdAt: Date, expiresAt: Date?
    ) {
        self.credentialID = credentialID
        self.accountID = accountID
        self.userID = userID
        self.serviceName = serviceName
        self.serviceUserName = serviceUserName
        self.secretHash = secretHash
        self.salt = salt
        self.status = status
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

extension ServiceSpecificCredentialRecord: FetchableRecord {
    public init(row: Row) throws {
        self.init(
            credentialID: row["credentialID"], accountID: row["accountID"], userID: row["userID"], serviceName: row["serviceName"],
            serviceUserName: row["serviceUserName"], secretHash: row["secretHash"], salt: row["salt"], status: row["status"],
            createdAt: row["createdAt"], expiresAt: row["expiresAt"]
        )
    }
}
