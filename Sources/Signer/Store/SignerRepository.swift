import BulwarkCore
import Foundation
import GRDB
import Store

/// AWS Signer's profiles and jobs in the shared database.
public struct SignerRepository: Sendable {
    let database: BulwarkDatabase

    public init(database: BulwarkDatabase) {
        self.database = database
    }

    static func profile(_ db: Database, accountID: String, region: String, name: String) throws -> SigningProfileRecord? {
        try SigningProfileRecord.fetchOne(
            db, sql: "SELECT * FROM signerProfile WHERE accountID = ? AND region = ? AND name = ?", arguments: [accountID, region, name])
    }

    static func job(_ db: Database, accountID: String, region: String, jobID: String) throws -> SigningJobRecord? {
        try SigningJobRecord.fetchOne(
            db, sql: "SELECT * FROM signerJob WHERE jobID = ? AND accountID = ? AND region = ?", arguments: [jobID, accountID, region])
    }

    /// The profile a profile version ARN names (exactly: partition, account, region, name and version).
    public func profile(versionARN: String) async throws -> SigningProfileRecord? {
        guard let arn = ARN(versionARN), arn.partition == "aws", arn.service == "signer" else { return nil }
        let parts = arn.resource.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0].isEmpty, parts[1] == "signing-profiles" else { return nil }
        let (name, version) = (String(parts[2]), String(parts[3]))
        return try await database.read { db in
            let found = try Self.profile(db, accountID: arn.accountID, region: arn.region, name: name)
            return found?.profileVersion == version ? found : nil
        }
    }

    /// The job a job ARN names.
    public func job(arn text: String) async throws -> SigningJobRecord? {
        guard let arn = ARN(text), arn.partition == "aws", arn.service == "signer", arn.resource.hasPrefix("/signing-jobs/") else { return nil }
        let id = String(arn.resource.dropFirst("/signing-jobs/".count))
        return try await database.read { db in try Self.job(db, accountID: arn.accountID, region: arn.region, jobID: id) }
    }

    /// Inserts a new profile. - Throws: ``StoreError.conflict`` when the name is taken (in any status).
    func insert(_ profile: SigningProfileRecord, tags: [String: String]) async throws {
        try await database.write { db in
            guard try Self.profile(db, accountID: profile.accountID, region: profile.region, name: profile.name) == nil else {
                throw StoreError.conflict
            }
            try profile.insert(db)
            if !tags.isEmpty { try TagRepository.replace(db, resource: profile.arn, tags: tags) }
        }
    }

    /// Applies `change` to the stored profile, in one transaction. - Throws: ``StoreError/notFound``.
    func update(
        _ profile: SigningProfileRecord, _ change: @escaping @Sendable (inout SigningProfileRecord) throws -> Void
    ) async throws -> SigningProfileRecord {
        try await database.write { db in
            guard var stored = try Self.profile(db, accountID: profile.accountID, region: profile.region, name: profile.name) else {
                throw StoreError.notFound
            }
            try change(&stored)
            try stored.update(db)
            return stored
        }
    }

    func profiles(accountID: String, region: String) async throws -> [SigningProfileRecord] {
        try await database.read { db in
            try SigningProfileRecord.fetchAll(
                db, sql: "SELECT * FROM signerProfile WHERE accountID = ? AND region = ? ORDER BY name", arguments: [accountID, region])
        }
    }

    func tags(of arns: [String]) async throws -> [String: [String: String]] {
        try await database.read { db in
            Dictionary(uniqueKeysWithValues: try arns.map { ($0, try TagRepository.tags(db, of: $0)) })
        }
    }

    /// The job an earlier StartSigningJob with `token` started, if any.
    func job(accountID: String, region: String, clientRequestToken token: String) async throws -> SigningJobRecord? {
        try await database.read { db in
            try SigningJobRecord.fetchOne(
                db, sql: "SELECT * FROM signerJob WHERE accountID = ? AND region = ? AND clientRequestToken = ? ORDER BY createdAt LIMIT 1",
                arguments: [accountID, region, token])
        }
    }

    func insert(_ job: SigningJobRecord) async throws {
        try await database.write { db in try job.insert(db) }
    }

    func save(_ job: SigningJobRecord) async throws {
        try await database.write { db in try job.update(db) }
    }

    func jobs(accountID: String, region: String) async throws -> [SigningJobRecord] {
        try await database.read { db in
            try SigningJobRecord.fetchAll(
                db, sql: "SELECT * FROM signerJob WHERE accountID = ? AND region = ? ORDER BY createdAt DESC, jobID", arguments: [accountID, region])
        }
    }
}

extension BulwarkDatabase {
    /// AWS Signer's profiles and jobs.
    public var signer: SignerRepository { SignerRepository(database: self) }
}
