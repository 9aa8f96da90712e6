import BulwarkCore
import Foundation
import GRDB

/// A grant on a KMS key as stored: who may use the key for which operations, under which
/// encryption-context constraints, and who may retire it (decision 0015).
public struct KMSGrantRecord: Sendable, Equatable {
    /// 64 hexadecimal digits, as AWS's grant ids.
    public var id: String
    public var keyID: String
    /// The name given at creation (names are not unique: they make retried creations idempotent).
    public var name: String?
    /// The principal as given: an ARN, or a service principal (`logs.amazonaws.com`).
    public var granteePrincipal: String
    public var retiringPrincipal: String?
    /// The unique ids of the IAM users and roles the principals name, bound when the grant was
    /// created (decision 0005), by ASCII-lowercased ARN.
    public var principalIDs: [String: String]
    /// AWS's grant operations (`Encrypt`, `ReEncryptFrom`, …), sorted.
    public var operations: [String]
    public var encryptionContextSubset: [String: String]?
    public var encryptionContextEquals: [String: String]?
    /// `arn:aws:iam::<account>:root` of the account that created the grant.
    public var issuingAccount: String
    public var createdAt: Date

    public init(
        id: String, keyID: String, name: String?, granteePrincipal: String, retiringPrincipal: String?, principalIDs: [String: String],
        operations: [String], encryptionContextSubset: [String: String]?, encryptionContextEquals: [String: String]?, issuingAccount: String,
        createdAt: Date
    ) {
        self.id = id
        self.keyID = keyID
        self.name = name
        self.granteePrincipal = granteePrincipal
        self.retiringPrincipal = retiringPrincipal
        self.principalIDs = principalIDs
        self.operations = operations
        self.encryptionContextSubset = encryptionContextSubset
        self.encryptionContextEquals = encryptionContextEquals
        self.issuingAccount = issuingAccount
        self.createdAt = createdAt
    }

    /// Whether a creation with these parameters is a retry of this grant's (same name and
    /// parameters): AWS then answers the existing grant id.
    func isRetry(of other: KMSGrantRecord) -> Bool {
        name != nil && name == other.name && keyID == other.keyID && granteePrincipal == other.granteePrincipal
            && retiringPrincipal == other.retiringPrincipal && operations == other.operations
            && encryptionContextSubset == other.encryptionContextSubset && encryptionContextEquals == other.encryptionContextEquals
    }

    /// The table (migration `kms/v2-grants`); `seq` orders a key's grants for pagination.
    static func createTable(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE kmsGrant (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    keyID TEXT NOT NULL REFERENCES kmsKey(id) ON DELETE CASCADE,
                    name TEXT,
                    granteePrincipal TEXT NOT NULL,
                    retiringPrincipal TEXT,
                    principalIDs TEXT NOT NULL,
                    operations TEXT NOT NULL,
                    encryptionContextSubset TEXT,
                    encryptionContextEquals TEXT,
                    issuingAccount TEXT NOT NULL,
                    createdAt DOUBLE NOT NULL
                );
                CREATE INDEX kmsGrantByKey ON kmsGrant(keyID, seq);
                CREATE INDEX kmsGrantByRetiringPrincipal ON kmsGrant(retiringPrincipal, seq);
                """)
    }
}

extension KMSGrantRecord: FetchableRecord {
    public init(row: Row) throws {
        func map(_ column: String) -> [String: String]? {
            (row[column] as String?).flatMap { try? JSONValue.parse(Data($0.utf8)).objectValue?.compactMapValues(\.stringValue) }
        }
        let operations: String = row["operations"]
        self.init(
            id: row["id"], keyID: row["keyID"], name: row["name"], granteePrincipal: row["granteePrincipal"],
            retiringPrincipal: row["retiringPrincipal"], principalIDs: map("principalIDs") ?? [:],
            operations: operations.split(separator: ",").map(String.init), encryptionContextSubset: map("encryptionContextSubset"),
            encryptionContextEquals: map("encryptionContextEquals"), issuingAccount: row["issuingAccount"],
            createdAt: Date(timeIntervalSince1970: row["createdAt"]))
    }

    /// A map column's text.
    static func encode(_ map: [String: String]?) -> String? {
        map.map { String(decoding: JSONValue.object($0.mapValues(JSONValue.string)).serialized(), as: UTF8.self) }
    }
}
