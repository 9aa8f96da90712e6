import Foundation
import GRDB

/// A user's console password: only its salted scrypt hash is kept.
public struct LoginProfileRecord: Sendable, Equatable {
    /// The unique id (`AIDA…`) of the user it belongs to.
    public var userID: String
    public var accountID: String
    public var passwordHash: Data
    public var salt: Data
    public var createdAt: Date
    public var passwordChangedAt: Date
    public var passwordResetRequired: Bool

    public init(
        userID: String, accountID: String, passwordHash: Data, salt: Data, createdAt: Date, passwordChangedAt: Date,
        passwordResetRequired: Bool
    ) {
        self.userID = userID
        self.accountID = accountID
        self.passwordHash = passwordHash
        self.salt = salt
        self.createdAt = createdAt
        self.passwordChangedAt = passwordChangedAt
        self.passwordResetRequired = passwordResetRequired
    }
}

extension LoginProfileRecord: FetchableRecord {
    public init(row: Row) throws {
        self.init(
            userID: row["userID"], accountID: row["accountID"], passwordHash: row["passwordHash"], salt: row["salt"],
            createdAt: row["createdAt"], passwordChangedAt: row["passwordChangedAt"], passwordResetRequired: row["passwordResetRequired"]
        )
    }
}
