import Foundation
import GRDB
import Store

/// Managed policies and their versions: customer managed ones stored, AWS managed ones from
/// ``AWSManagedPolicies``' catalog (never stored), both answered alike.
public struct ManagedPolicyRepository: Sendable {
    let database: BulwarkDatabase

    /// Creates a policy with its first version `v1` as default.
    ///
    /// - Throws: ``StoreError/conflict`` when the ARN exists.
    public func create(_ policy: ManagedPolicyRecord, document: String) async throws {
        try await database.write { db in
            try Self.insert(policy, db)
            try db.execute(
                sql: "INSERT INTO iamPolicyVersion (policyARN, versionID, document, createdAt) VALUES (?, ?, ?, ?)",
                arguments: [policy.arn, policy.defaultVersion, document, policy.createdAt]
            )
        }
    }

    private static func insert(_ policy: ManagedPolicyRecord, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO iamManagedPolicy
                    (arn, accountID, name, policyID, path, description, defaultVersion, nextVersion, createdAt, updatedAt, tags)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                policy.arn, policy.accountID, policy.name, policy.policyID, policy.path, policy.description, policy.defaultVersion,
                policy.nextVersion, policy.createdAt, policy.updatedAt, IAMTagCoding.encode(policy.tags),
            ]
        )
    }

    public func policy(_ arn: String) async throws -> ManagedPolicyRecord? {
        if let policy = AWSManagedPolicies.policy(arn: arn) { return policy.record }
        return try await database.read { db in try Self.policy(db, arn) }
    }

    /// The policy with exactly this ARN, within a read of the caller's.
    static func policy(_ db: Database, _ arn: String) throws -> ManagedPolicyRecord? {
        if let policy = AWSManagedPolicies.policy(arn: arn) { return policy.record }
        return try ManagedPolicyRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM iamManagedPolicy WHERE arn = ?"), arguments: [arn])
    }

    /// The default version's document of a policy.
    public func defaultDocument(_ arn: String) async throws -> String? {
        try await database.read { db in try Self.defaultDocument(db, arn) }
    }

    /// The default version's document of a policy, within a read of the caller's.
    static func defaultDocument(_ db: Database, _ arn: String) throws -> String? {
        if let policy = AWSManagedPolicies.policy(arn: arn) { return policy.document }
        return try String.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT v.document FROM iamPolicyVersion v JOIN iamManagedPolicy p ON p.arn = v.policyARN AND p.defaultVersion = v.versionID
                    WHERE p.arn = ?
                    """),
            arguments: [arn]
        )
    }

    /// Policies visible to an account (its own and AWS managed), in ARN order after `marker`.
    ///
    /// - Parameter scope: `All`, `AWS` or `Local`, as ListPolicies names them.
    public func policies(
        accountID: String, scope: String, pathPrefix: String, after marker: String?, limit: Int
    ) async throws
        -> [ManagedPolicyRecord]
    {
        let local: [ManagedPolicyRecord] =
            if scope == "AWS" {
                []
            } else {
                try await database.read { db in
                    try ManagedPolicyRecord.fetchAll(
                        db.cachedStatement(
                            sql: """
                                SELECT * FROM iamManagedPolicy WHERE accountID = ? AND path LIKE ? ESCAPE '\\' AND arn > ? ORDER BY arn LIMIT ?
                                """),
                        arguments: [accountID, IAMRepository.likePrefix(pathPrefix), marker ?? "", limit]
                    )
                }
            }
        let aws: [ManagedPolicyRecord] =
            if scope == "Local" {
                []
            } else {
                AWSManagedPolicies.all.lazy.filter { $0.path.hasPrefix(pathPrefix) && $0.arn > (marker ?? "") }.prefix(limit).map(\.record)
            }
        return Array((local + aws).sorted { $0.arn < $1.arn }.prefix(limit))
    }

    /// A version of a policy. Of an AWS managed policy, the catalog holds the default version only.
    public func version(_ arn: String, _ versionID: String) async throws -> PolicyVersionRecord? {
        if let policy = AWSManagedPolicies.policy(arn: arn) { return policy.versionID == versionID ? policy.defaultVersion : nil }
        return try await database.read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM iamPolicyVersion WHERE policyARN = ? AND versionID = ?"), arguments: [arn, versionID]
            )
            .map {
                PolicyVersionRecord(
                    policyARN: $0["policyARN"], versionID: $0["versionID"], document: $0["document"], createdAt: $0["createdAt"])
            }
        }
    }

    /// A policy's versions, newest first. Of an AWS managed policy, the catalog holds the default version only.
    public func versions(_ arn: String) async throws -> [PolicyVersionRecord] {
        if let policy = AWSManagedPolicies.policy(arn: arn) { return [policy.defaultVersion] }
        return try await database.read { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM iamPolicyVersion WHERE policyARN = ? ORDER BY createdAt DESC, versionID DESC"),
                arguments: [arn]
            )
            .map {
                PolicyVersionRecord(policyARN: $0["policyARN"], versionID: $0["versionID"], document: $0["document"], createdAt: $0["createdAt"])
            }
        }
    }

    /// Adds a version (at most `limit` versions per policy, as AWS's 5).
    ///
    /// - Returns: the new version id.
    public func addVersion(_ arn: String, document: String, setAsDefault: Bool, at date: Date, limit: Int) async throws -> String {
        try await database.write { db in
            guard
                let policy = try ManagedPolicyRecord.fetchOne(
                    db.cachedStatement(sql: "SELECT * FROM iamManagedPolicy WHERE arn = ?"), arguments: [arn])
            else { throw StoreError.notFound }
            let count = try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM iamPolicyVersion WHERE policyARN = ?"), arguments: [arn]) ?? 0
            guard count < limit else { throw IAMStoreError.limitExceeded }
            let versionID = "v\(policy.nextVersion)"
            try db.execute(
                sql: "INSERT INTO iamPolicyVersion (policyARN, versionID, document, createdAt) VALUES (?, ?, ?, ?)",
                arguments: [arn, versionID, document, date]
            )
            try db.execute(
                sql: "UPDATE iamManagedPolicy SET nextVersion = nextVersion + 1, updatedAt = ?, defaultVersion = ? WHERE arn = ?",
                arguments: [date, setAsDefault ? versionID : policy.defaultVersion, arn]
            )
            return versionID
        }
    }

    /// - Throws: ``StoreError/notFound`` for an unknown version.
    public func setDefaultVersion(_ arn: String, _ versionID: String, at date: Date) async throws {
        try await database.write { db in
            guard
                try Bool.fetchOne(
                    db.cachedStatement(sql: "SELECT 1 FROM iamPolicyVersion WHERE policyARN = ? AND versionID = ?"), arguments: [arn, versionID])
                    == true
            else { throw StoreError.notFound }
            try db.execute(sql: "UPDATE iamManagedPolicy SET defaultVersion = ?, updatedAt = ? WHERE arn = ?", arguments: [versionID, date, arn])
        }
    }

    /// Deletes a version that is not the default.
    ///
    /// - Throws: ``StoreError/notFound``, or ``IAMStoreError/hasDependents(_:)`` for the default version.
    public func deleteVersion(_ arn: String, _ versionID: String) async throws {
        try await database.write { db in
            guard
                let policy = try ManagedPolicyRecord.fetchOne(
                    db.cachedStatement(sql: "SELECT * FROM iamManagedPolicy WHERE arn = ?"), arguments: [arn])
            else { throw StoreError.notFound }
            if policy.defaultVersion == versionID { throw IAMStoreError.hasDependents("default version") }
            try db.execute(sql: "DELETE FROM iamPolicyVersion WHERE policyARN = ? AND versionID = ?", arguments: [arn, versionID])
            guard db.changesCount > 0 else { throw StoreError.notFound }
        }
    }

    /// Deletes a policy that is attached nowhere and has only its default version.
    public func delete(_ arn: String) async throws {
        try await database.write { db in
            guard try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM iamManagedPolicy WHERE arn = ?"), arguments: [arn]) == true
            else { throw StoreError.notFound }
            if try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM iamAttachment WHERE policyARN = ?"), arguments: [arn]) ?? 0 > 0
                || Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM iamPrincipal WHERE permissionsBoundary = ?"), arguments: [arn]) ?? 0 > 0
            {
                throw IAMStoreError.hasDependents("attachments")
            }
            if try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM iamPolicyVersion WHERE policyARN = ?"), arguments: [arn]) ?? 0 > 1 {
                throw IAMStoreError.hasDependents("versions")
            }
            try db.execute(sql: "DELETE FROM iamManagedPolicy WHERE arn = ?", arguments: [arn])
        }
    }
}
