import Foundation
import GRDB
import Store

/// What belongs to the account as a whole: its alias, its password policy, its users' console
/// passwords and its credential report.
public struct AccountSettingsRepository: Sendable {
    let database: BulwarkDatabase

    // MARK: Alias

    public func alias(accountID: String) async throws -> String? {
        try await database.read { db in
            try String.fetchOne(db.cachedStatement(sql: "SELECT alias FROM iamAccountAlias WHERE accountID = ?"), arguments: [accountID])
        }
    }

    /// Gives the account `alias`; giving it the alias it has changes nothing.
    ///
    /// - Throws: ``StoreError/conflict`` when another account has it, ``IAMStoreError/limitExceeded``
    ///   when the account has another one.
    public func setAlias(_ alias: String, accountID: String) async throws {
        try await database.write { db in
            let current = try String.fetchOne(
                db.cachedStatement(sql: "SELECT alias FROM iamAccountAlias WHERE accountID = ?"), arguments: [accountID])
            if current == alias { return }
            if try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM iamAccountAlias WHERE alias = ?"), arguments: [alias]) == true {
                throw StoreError.conflict
            }
            if current != nil { throw IAMStoreError.limitExceeded }
            try db.execute(sql: "INSERT INTO iamAccountAlias (accountID, alias) VALUES (?, ?)", arguments: [accountID, alias])
        }
    }

    /// - Throws: ``StoreError/notFound`` when the account does not have that alias.
    public func deleteAlias(_ alias: String, accountID: String) async throws {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM iamAccountAlias WHERE accountID = ? AND alias = ?", arguments: [accountID, alias])
            guard db.changesCount > 0 else { throw StoreError.notFound }
        }
    }

    // MARK: Password policy

    /// The policy as stored (JSON), if the account has one.
    public func passwordPolicy(accountID: String) async throws -> String? {
        try await database.read { db in
            try String.fetchOne(db.cachedStatement(sql: "SELECT policy FROM iamPasswordPolicy WHERE accountID = ?"), arguments: [accountID])
        }
    }

    public func setPasswordPolicy(_ policy: String, accountID: String) async throws {
        try await database.write { db in
            try db.execute(
                sql: "INSERT INTO iamPasswordPolicy (accountID, policy) VALUES (?, ?) ON CONFLICT(accountID) DO UPDATE SET policy = excluded.policy",
                arguments: [accountID, policy])
        }
    }

    /// - Throws: ``StoreError/notFound`` when the account has none.
    public func deletePasswordPolicy(accountID: String) async throws {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM iamPasswordPolicy WHERE accountID = ?", arguments: [accountID])
            guard db.changesCount > 0 else { throw StoreError.notFound }
        }
    }

    // MARK: Login profiles

    public func loginProfile(userID: String) async throws -> LoginProfileRecord? {
        try await database.read { db in
            try LoginProfileRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM iamLoginProfile WHERE userID = ?"), arguments: [userID])
        }
    }

    /// The login profiles of the account, by user id.
    public func loginProfiles(accountID: String) async throws -> [String: LoginProfileRecord] {
        try await database.read { db in
            let all = try LoginProfileRecord.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM iamLoginProfile WHERE accountID = ?"), arguments: [accountID])
            return Dictionary(all.map { ($0.userID, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// - Throws: ``StoreError/conflict`` when the user has one.
    public func createLoginProfile(_ profile: LoginProfileRecord) async throws {
        try await database.write { db in
            if try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM iamLoginProfile WHERE userID = ?"), arguments: [profile.userID]) == true {
                throw StoreError.conflict
            }
            try Self.save(profile, db)
        }
    }

    /// Changes a user's login profile in one transaction.
    ///
    /// - Throws: ``StoreError/notFound`` when the user has none.
    public func updateLoginProfile(userID: String, _ change: @escaping @Sendable (inout LoginProfileRecord) throws -> Void) async throws {
        try await database.write { db in
            guard
                var profile = try LoginProfileRecord.fetchOne(
                    db.cachedStatement(sql: "SELECT * FROM iamLoginProfile WHERE userID = ?"), arguments: [userID])
            else { throw StoreError.notFound }
            try change(&profile)
            try Self.save(profile, db)
        }
    }

    /// - Throws: ``StoreError/notFound`` when the user has none.
    public func deleteLoginProfile(userID: String) async throws {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM iamLoginProfile WHERE userID = ?", arguments: [userID])
            guard db.changesCount > 0 else { throw StoreError.notFound }
        }
    }

    private static func save(_ profile: LoginProfileRecord, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO iamLoginProfile
                    (userID, accountID, passwordHash, salt, createdAt, passwordChangedAt, passwordResetRequired)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                profile.userID, profile.accountID, profile.passwordHash, profile.salt, profile.createdAt, profile.passwordChangedAt,
                profile.passwordResetRequired,
            ]
        )
    }

    // MARK: Credential report

    /// The account's last credential report (CSV) and when it was generated.
    public func credentialReport(accountID: String) async throws -> (content: Data, generatedAt: Date)? {
        try await database.read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT content, generatedAt FROM iamCredentialReport WHERE accountID = ?"), arguments: [accountID]
            )
            .map { ($0["content"], $0["generatedAt"]) }
        }
    }

    public func saveCredentialReport(_ content: Data, generatedAt: Date, accountID: String) async throws {
        try await database.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO iamCredentialReport (accountID, content, generatedAt) VALUES (?, ?, ?)",
                arguments: [accountID, content, generatedAt])
        }
    }
}
