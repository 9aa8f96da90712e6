import Foundation
import GRDB
import Store

/// The account of this installation and its access keys.
public struct AccountRecord: Codable, Sendable, Equatable {
    public var id: String
    public var createdAt: Date

    public init(id: String, createdAt: Date) {
        self.id = id
        self.createdAt = createdAt
    }
}

/// A long-term access key: of the account root (no user name) or of an IAM user.
public struct AccessKeyRecord: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        case active = "Active"
        case inactive = "Inactive"
    }

    public var accessKeyID: String
    public var secretAccessKey: String
    public var accountID: String
    /// The IAM user owning the key; nil for the account root.
    public var userName: String?
    public var status: Status
    public var createdAt: Date

    public init(accessKeyID: String, secretAccessKey: String, accountID: String, userName: String?, status: Status, createdAt: Date) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.accountID = accountID
        self.userName = userName
        self.status = status
        self.createdAt = createdAt
    }
}

extension AccountRecord: FetchableRecord, PersistableRecord {
    public static var databaseTableName: String { "account" }
}

extension AccessKeyRecord: FetchableRecord, PersistableRecord {
    public static var databaseTableName: String { "accessKey" }

    enum CodingKeys: String, CodingKey {
        case accessKeyID, secretAccessKey, accountID, userName, status, createdAt
    }
}

/// Reads and writes accounts, access keys and the server's own secrets.
public struct AccountRepository: Sendable {
    let database: BulwarkDatabase

    /// The installation's account, once bootstrapped.
    public func account() async throws -> AccountRecord? {
        try await database.read { db in try AccountRecord.order(Column("createdAt")).fetchOne(db) }
    }

    /// Creates the account and its first (root) access key in one transaction.
    ///
    /// - Throws: ``StoreError/conflict`` when an account exists already.
    public func bootstrap(_ account: AccountRecord, rootKey: AccessKeyRecord) async throws {
        try await database.write { db in
            if try AccountRecord.fetchCount(db) > 0 { throw StoreError.conflict }
            try account.insert(db)
            try rootKey.insert(db)
        }
    }

    public func accessKey(_ accessKeyID: String) async throws -> AccessKeyRecord? {
        try await database.read { db in try AccessKeyRecord.fetchOne(db, key: accessKeyID) }
    }

    /// The secret named `name`, created with `make` on first use and kept from then on.
    public func serviceSecret(_ name: String, make: @escaping @Sendable () -> Data) async throws -> Data {
        try await database.write { db in
            if let secret = try Data.fetchOne(db.cachedStatement(sql: "SELECT secret FROM serviceSecret WHERE name = ?"), arguments: [name]) {
                return secret
            }
            let secret = make()
            try db.execute(sql: "INSERT INTO serviceSecret (name, secret) VALUES (?, ?)", arguments: [name, secret])
            return secret
        }
    }
}
