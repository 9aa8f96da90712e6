import BulwarkCore
import Foundation
import GRDB
import Store

/// Secrets and their sealed versions.
public struct SecretsRepository: Sendable {
    let database: BulwarkDatabase

    /// Stores a new secret, with its first version when it has a value, and its tags; first purges
    /// the secrets whose deletion date passed. - Throws: ``StoreError/conflict`` when the name is taken.
    public func create(_ secret: SecretRecord, version: SecretVersionRecord?, tags: [String: String], now: Date) async throws {
        try await database.write { db in
            try Self.purgeGone(db, now: now)
            guard try Self.secret(db, accountID: secret.accountID, region: secret.region, name: secret.name) == nil else {
                throw StoreError.conflict
            }
            try db.execute(
                sql: """
                    INSERT INTO secretsSecret (arn, accountID, region, name, description, kmsKeyARN, createdAt, lastChangedAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    secret.arn, secret.accountID, secret.region, secret.name, secret.description, secret.kmsKeyARN,
                    secret.createdAt.timeIntervalSince1970, secret.lastChangedAt.timeIntervalSince1970,
                ])
            if let version { try Self.insert(db, version) }
            if !tags.isEmpty { try TagRepository.replace(db, resource: secret.arn, tags: tags) }
        }
    }

    /// Adds a version and moves the staging labels it takes (``StagingLabels``), in one transaction;
    /// answers the version as stored. A version of the same id already there is answered as it is,
    /// unchanged, for `same` to compare (AWS's idempotent `ClientRequestToken`).
    public func addVersion(
        _ version: SecretVersionRecord, now: Date, change: (@Sendable (inout SecretRecord) -> Void)? = nil
    ) async throws
        -> SecretVersionRecord
    {
        try await database.write { db in
            guard var secret = try Self.secret(db, arn: version.secretARN), !secret.isGone(at: now) else { throw StoreError.notFound }
            let versions = try Self.versions(db, of: version.secretARN)
            if let existing = versions.first(where: { $0.versionID == version.versionID }) {
                guard !existing.hasValue else { return existing }
                // A rotation's empty AWSPENDING version receives its value (PutSecretValue with its token).
                try db.execute(
                    sql: """
                        UPDATE secretsVersion SET kmsKeyARN = ?, encryptedDataKey = ?, sealedValue = ?, isBinary = ?
                        WHERE secretARN = ? AND versionID = ?
                        """,
                    arguments: [
                        version.kmsKeyARN, version.encryptedDataKey, version.sealedValue, version.isBinary, version.secretARN, version.versionID,
                    ])
            } else {
                try Self.insert(
                    db,
                    SecretVersionRecord(
                        secretARN: version.secretARN, versionID: version.versionID, createdAt: version.createdAt, kmsKeyARN: version.kmsKeyARN,
                        encryptedDataKey: version.encryptedDataKey, sealedValue: version.sealedValue, isBinary: version.isBinary, stages: []))
            }
            let labelled = StagingLabels.attach(
                version.stages, to: version.versionID, in: Dictionary(uniqueKeysWithValues: versions.map { ($0.versionID, $0.stages) }))
            for (versionID, stages) in labelled {
                try db.execute(
                    sql: "UPDATE secretsVersion SET stages = ? WHERE secretARN = ? AND versionID = ?",
                    arguments: [Self.encode(stages), version.secretARN, versionID])
            }
            change?(&secret)
            secret.lastChangedAt = now
            try Self.save(db, secret)
            var stored = version
            stored.stages = labelled[version.versionID] ?? []
            return stored
        }
    }

    /// Changes a secret as stored now, in one transaction. - Throws: ``StoreError/notFound`` when it is gone.
    @discardableResult
    public func update(_ arn: String, now: Date, _ change: @escaping @Sendable (inout SecretRecord) throws -> Void) async throws -> SecretRecord {
        try await database.write { db in
            guard var secret = try Self.secret(db, arn: arn), !secret.isGone(at: now) else { throw StoreError.notFound }
            try change(&secret)
            try Self.save(db, secret)
            return secret
        }
    }

    /// Moves staging labels and changes the secret in one transaction: `change` receives the secret
    /// and the labels of its versions, and may add an empty version (a rotation's `AWSPENDING`) by
    /// giving labels to a version id that does not exist yet. Versions keep their labels in the
    /// order given. - Throws: ``StoreError/notFound`` when the secret is gone.
    @discardableResult
    public func relabel(
        _ arn: String, now: Date, emptyVersionKey: String? = nil,
        _ change: @escaping @Sendable (inout SecretRecord, inout [String: [String]]) throws -> Void
    ) async throws -> (SecretRecord, [SecretVersionRecord]) {
        try await database.write { db in
            guard var secret = try Self.secret(db, arn: arn), !secret.isGone(at: now) else { throw StoreError.notFound }
            let versions = try Self.versions(db, of: arn)
            var labels = Dictionary(uniqueKeysWithValues: versions.map { ($0.versionID, $0.stages) })
            try change(&secret, &labels)
            for (versionID, stages) in labels {
                if versions.contains(where: { $0.versionID == versionID }) {
                    try db.execute(
                        sql: "UPDATE secretsVersion SET stages = ? WHERE secretARN = ? AND versionID = ?",
                        arguments: [Self.encode(stages), arn, versionID])
                } else {
                    try Self.insert(
                        db,
                        SecretVersionRecord(
                            secretARN: arn, versionID: versionID, createdAt: now, kmsKeyARN: emptyVersionKey ?? "", encryptedDataKey: Data(),
                            sealedValue: Data(), isBinary: false, stages: stages))
                }
            }
            try Self.save(db, secret)
            return (secret, try Self.versions(db, of: arn))
        }
    }

    /// The secrets of every account with a rotation to run: one RotateSecret asked for, or one whose
    /// schedule came due.
    public func dueRotations(now: Date) async throws -> [SecretRecord] {
        try await database.read { db in
            try SecretRecord.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT * FROM secretsSecret WHERE deletedAt IS NULL AND (rotationToken IS NOT NULL
                            OR (rotationEnabled = 1 AND nextRotationAt IS NOT NULL AND nextRotationAt <= ?))
                        """),
                arguments: [now.timeIntervalSince1970])
        }
    }

    /// A secret and its versions as stored now.
    public func secret(_ arn: String) async throws -> (SecretRecord, [SecretVersionRecord])? {
        try await database.read { db in
            guard let secret = try Self.secret(db, arn: arn) else { return nil }
            return (secret, try Self.versions(db, of: arn))
        }
    }

    /// Deletes a secret, its versions and its tags at once (`ForceDeleteWithoutRecovery`).
    public func delete(_ arn: String) async throws {
        try await database.write { db in
            try Self.remove(db, arn)
        }
    }

    /// The account's secrets in the region that still exist, by name.
    public func secrets(accountID: String, region: String, now: Date) async throws -> [(SecretRecord, [SecretVersionRecord], [String: String])] {
        try await database.read { db in
            try SecretRecord.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM secretsSecret WHERE accountID = ? AND region = ? ORDER BY name"),
                arguments: [accountID, region]
            )
            .filter { !$0.isGone(at: now) }
            .map { ($0, try Self.versions(db, of: $0.arn), try TagRepository.tags(db, of: $0.arn)) }
        }
    }

    /// The secrets of every account and region that still exist, by ARN (for `bulwark audit`).
    public func allSecrets(now: Date) async throws -> [SecretRecord] {
        try await database.read { db in
            try SecretRecord.fetchAll(db.cachedStatement(sql: "SELECT * FROM secretsSecret ORDER BY arn")).filter { !$0.isGone(at: now) }
        }
    }

    static func secret(_ db: Database, arn: String) throws -> SecretRecord? {
        try SecretRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM secretsSecret WHERE arn = ?"), arguments: [arn])
    }

    static func secret(_ db: Database, accountID: String, region: String, name: String) throws -> SecretRecord? {
        try SecretRecord.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM secretsSecret WHERE accountID = ? AND region = ? AND name = ?"),
            arguments: [accountID, region, name])
    }

    /// A secret's versions, oldest first.
    static func versions(_ db: Database, of arn: String) throws -> [SecretVersionRecord] {
        try SecretVersionRecord.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM secretsVersion WHERE secretARN = ? ORDER BY createdAt, versionID"), arguments: [arn])
    }

    /// Deletes the secrets whose recovery window is over: AWS deletes them at their deletion date;
    /// Bulwark treats them as gone from then on and purges them at the next creation.
    static func purgeGone(_ db: Database, now: Date) throws {
        let gone = try String.fetchAll(
            db.cachedStatement(sql: "SELECT arn FROM secretsSecret WHERE deletionDate IS NOT NULL AND deletionDate <= ?"),
            arguments: [now.timeIntervalSince1970])
        for arn in gone { try remove(db, arn) }
    }

    private static func remove(_ db: Database, _ arn: String) throws {
        try db.execute(sql: "DELETE FROM secretsVersion WHERE secretARN = ?", arguments: [arn])
        try db.execute(sql: "DELETE FROM secretsSecret WHERE arn = ?", arguments: [arn])
        try TagRepository.replace(db, resource: arn, tags: [:])
    }

    private static func insert(_ db: Database, _ version: SecretVersionRecord) throws {
        try db.execute(
            sql: """
                INSERT INTO secretsVersion (secretARN, versionID, createdAt, kmsKeyARN, encryptedDataKey, sealedValue, isBinary, stages)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                version.secretARN, version.versionID, version.createdAt.timeIntervalSince1970, version.kmsKeyARN, version.encryptedDataKey,
                version.sealedValue, version.isBinary, encode(version.stages),
            ])
    }

    private static func save(_ db: Database, _ secret: SecretRecord) throws {
        try db.execute(
            sql: """
                UPDATE secretsSecret SET description = ?, kmsKeyARN = ?, lastChangedAt = ?, deletedAt = ?, deletionDate = ?, policy = ?,
                    policyPrincipals = ?, rotationEnabled = ?, rotationLambdaARN = ?, rotationRules = ?, lastRotatedAt = ?,
                    nextRotationAt = ?, rotationToken = ? WHERE arn = ?
                """,
            arguments: [
                secret.description, secret.kmsKeyARN, secret.lastChangedAt.timeIntervalSince1970, secret.deletedAt?.timeIntervalSince1970,
                secret.deletionDate?.timeIntervalSince1970, secret.policy,
                secret.policyPrincipals.map { String(decoding: JSONValue.object($0.mapValues(JSONValue.string)).serialized(), as: UTF8.self) },
                secret.rotationEnabled, secret.rotationLambdaARN, secret.rotationRules, secret.lastRotatedAt?.timeIntervalSince1970,
                secret.nextRotationAt?.timeIntervalSince1970, secret.rotationToken, secret.arn,
            ])
    }

    private static func encode(_ stages: [String]) -> String {
        String(decoding: JSONValue.array(stages.map(JSONValue.string)).serialized(), as: UTF8.self)
    }
}

extension BulwarkDatabase {
    /// Secrets Manager's secrets.
    public var secrets: SecretsRepository { SecretsRepository(database: self) }
}
