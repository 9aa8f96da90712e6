import Foundation
import GRDB
import Store

/// The OpenID Connect providers of accounts, and the signing keys operators configure for issuers
/// (`bulwark iam oidc-keys`): Bulwark never fetches keys from the network.
public struct OIDCProviderRepository: Sendable {
    let database: BulwarkDatabase

    /// Registers a provider.
    /// - Throws: ``StoreError/conflict`` when the account has one at that ARN.
    public func create(_ provider: OIDCProviderRecord) async throws {
        try await database.write { db in
            guard try Self.provider(db, arn: provider.arn) == nil else { throw StoreError.conflict }
            try db.execute(
                sql: """
                    INSERT INTO iamOIDCProvider (arn, accountID, url, clientIDs, thumbprints, createdAt, tags)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    provider.arn, provider.accountID, provider.url, StringListCoding.encode(provider.clientIDs),
                    StringListCoding.encode(provider.thumbprints), provider.createdAt, IAMTagCoding.encode(provider.tags),
                ]
            )
        }
    }

    /// Changes a provider in one transaction.
    /// - Throws: ``StoreError/notFound`` when there is none at `arn`.
    @discardableResult
    public func update(_ arn: String, _ change: @escaping @Sendable (inout OIDCProviderRecord) throws -> Void) async throws -> OIDCProviderRecord {
        try await database.write { db in
            guard var provider = try Self.provider(db, arn: arn) else { throw StoreError.notFound }
            try change(&provider)
            try db.execute(
                sql: "UPDATE iamOIDCProvider SET clientIDs = ?, thumbprints = ?, tags = ? WHERE arn = ?",
                arguments: [
                    StringListCoding.encode(provider.clientIDs), StringListCoding.encode(provider.thumbprints),
                    IAMTagCoding.encode(provider.tags), arn,
                ]
            )
            return provider
        }
    }

    public func delete(_ arn: String) async throws {
        try await database.write { db in try db.execute(sql: "DELETE FROM iamOIDCProvider WHERE arn = ?", arguments: [arn]) }
    }

    /// The account's providers, by ARN.
    public func list(accountID: String) async throws -> [OIDCProviderRecord] {
        try await database.read { db in
            try OIDCProviderRecord.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM iamOIDCProvider WHERE accountID = ? ORDER BY arn"), arguments: [accountID])
        }
    }

    static func provider(_ db: Database, arn: String) throws -> OIDCProviderRecord? {
        try OIDCProviderRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM iamOIDCProvider WHERE arn = ?"), arguments: [arn])
    }

    /// The provider of `accountID` whose issuer is `issuerKey` (`host/path`).
    public func provider(accountID: String, issuerKey: String) async throws -> OIDCProviderRecord? {
        try await database.read { db in
            try OIDCProviderRecord.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM iamOIDCProvider WHERE arn = ?"),
                arguments: ["arn:aws:iam::\(accountID):oidc-provider/\(issuerKey)"])
        }
    }

    // MARK: Signing keys

    /// Configures the signing keys of the issuer at `issuerURL` from its JSON Web Key Set document,
    /// replacing any configured before.
    /// - Returns: the issuer key (`host/path`) and the number of usable keys.
    /// - Throws: when the URL is not `https://` or the document holds no RSA or P-256 signing key.
    public func configureKeys(issuerURL: String, jwks: Data, at date: Date) async throws -> (issuer: String, keys: Int) {
        let issuerKey = OIDCProviderRecord.issuerKey(of: issuerURL)
        guard issuerURL.lowercased().hasPrefix("https://"), !issuerKey.isEmpty else {
            throw JSONWebKeySet.Invalid(reason: "the issuer URL must begin with https://")
        }
        let keys = try JSONWebKeySet(json: jwks)
        try await setKeys(issuerKey: issuerKey, jwks: String(decoding: jwks, as: UTF8.self), at: date)
        return (issuerKey, keys.keys.count)
    }

    /// Replaces the JSON Web Key Set of the issuer `issuerKey` (`host/path`).
    func setKeys(issuerKey: String, jwks: String, at date: Date) async throws {
        try await database.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO iamOIDCKeySet (issuerKey, jwks, updatedAt) VALUES (?, ?, ?)", arguments: [issuerKey, jwks, date])
        }
    }

    /// The JSON Web Key Set configured for the issuer `issuerKey`, if any.
    public func keys(issuerKey: String) async throws -> String? {
        try await database.read { db in
            try String.fetchOne(db.cachedStatement(sql: "SELECT jwks FROM iamOIDCKeySet WHERE issuerKey = ?"), arguments: [issuerKey])
        }
    }
}
