import Foundation
import GRDB
import Store

/// IAM users' access keys, virtual MFA devices and STS sessions.
public struct CredentialRepository: Sendable {
    let database: BulwarkDatabase

    // MARK: Access keys

    /// Creates a key for a user, at most `limit` per user (AWS: 2).
    public func createAccessKey(_ key: AccessKeyRecord, limit: Int) async throws {
        try await database.write { db in
            let count =
                try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT COUNT(*) FROM accessKey WHERE accountID = ? AND userName IS ?"),
                    arguments: [key.accountID, key.userName]
                ) ?? 0
            guard count < limit else { throw IAMStoreError.limitExceeded }
            try key.insert(db)
        }
    }

    /// The keys of a user (nil: of the root).
    public func accessKeys(ofUser userName: String?, accountID: String) async throws -> [AccessKeyRecord] {
        try await database.read { db in
            try AccessKeyRecord.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM accessKey WHERE accountID = ? AND userName IS ? ORDER BY createdAt"),
                arguments: [accountID, userName]
            )
        }
    }

    public func setAccessKeyStatus(_ accessKeyID: String, userName: String?, accountID: String, status: AccessKeyRecord.Status) async throws {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE accessKey SET status = ? WHERE accessKeyID = ? AND accountID = ? AND userName IS ?",
                arguments: [status.rawValue, accessKeyID, accountID, userName]
            )
            guard db.changesCount > 0 else { throw StoreError.notFound }
        }
    }

    public func deleteAccessKey(_ accessKeyID: String, userName: String?, accountID: String) async throws {
        try await database.write { db in
            try db.execute(
                sql: "DELETE FROM accessKey WHERE accessKeyID = ? AND accountID = ? AND userName IS ?",
                arguments: [accessKeyID, accountID, userName]
            )
            guard db.changesCount > 0 else { throw StoreError.notFound }
        }
    }

    /// Records keys' uses, each at most once a minute (AWS reports last use approximately); keys
    /// of the store only (temporary credentials are not recorded).
    public func recordUses(_ uses: [(accessKeyID: String, service: String, region: String, date: Date)]) async throws {
        try await database.write { db in
            for use in uses {
                try db.execute(
                    sql: """
                        UPDATE accessKey SET lastUsedAt = ?, lastUsedService = ?, lastUsedRegion = ?
                        WHERE accessKeyID = ? AND (lastUsedAt IS NULL OR lastUsedAt < ?)
                        """,
                    arguments: [use.date, use.service, use.region, use.accessKeyID, use.date.addingTimeInterval(-60)]
                )
            }
        }
    }

    /// When and where a key was last used.
    public func lastUse(of accessKeyID: String) async throws -> (date: Date?, service: String?, region: String?)? {
        try await database.read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT lastUsedAt, lastUsedService, lastUsedRegion FROM accessKey WHERE accessKeyID = ?"),
                arguments: [accessKeyID]
            ).map { ($0["lastUsedAt"], $0["lastUsedService"], $0["lastUsedRegion"]) }
        }
    }

    // MARK: MFA devices

    public func createMFADevice(_ device: MFADeviceRecord) async throws {
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO iamMFADevice (serialNumber, accountID, name, path, seed, userName, enabledAt, lastUsedStep, createdAt, tags)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    device.serialNumber, device.accountID, device.name, device.path, device.seed, device.userName, device.enabledAt,
                    device.lastUsedStep, device.createdAt, IAMTagCoding.encode(device.tags),
                ]
            )
        }
    }

    public func mfaDevice(_ serialNumber: String) async throws -> MFADeviceRecord? {
        try await database.read { db in
            try MFADeviceRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM iamMFADevice WHERE serialNumber = ?"), arguments: [serialNumber])
        }
    }

    public func mfaDevices(accountID: String) async throws -> [MFADeviceRecord] {
        try await database.read { db in
            try MFADeviceRecord.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM iamMFADevice WHERE accountID = ? ORDER BY serialNumber"), arguments: [accountID])
        }
    }

    /// Changes a device in one transaction (deactivate, record a used code, tag).
    @discardableResult
    public func updateMFADevice(
        _ serialNumber: String, _ change: @escaping @Sendable (inout MFADeviceRecord) throws -> Void
    ) async throws
        -> MFADeviceRecord
    {
        try await database.write { db in
            guard
                var device = try MFADeviceRecord.fetchOne(
                    db.cachedStatement(sql: "SELECT * FROM iamMFADevice WHERE serialNumber = ?"), arguments: [serialNumber])
            else { throw StoreError.notFound }
            try change(&device)
            try db.execute(
                sql: "UPDATE iamMFADevice SET userName = ?, enabledAt = ?, lastUsedStep = ?, tags = ? WHERE serialNumber = ?",
                arguments: [device.userName, device.enabledAt, device.lastUsedStep, IAMTagCoding.encode(device.tags), serialNumber]
            )
            return device
        }
    }

    /// Enables a device for a user (nil: the root) in one transaction: `change` checks the device and sets what
    /// enabling sets, then the user may hold at most `limit` enabled devices.
    ///
    /// - Throws: ``StoreError/notFound``, ``IAMStoreError/limitExceeded``, or what `change` throws.
    @discardableResult
    public func enableMFADevice(
        _ serialNumber: String, userName: String?, limit: Int, _ change: @escaping @Sendable (inout MFADeviceRecord) throws -> Void
    ) async throws -> MFADeviceRecord {
        try await database.write { db in
            guard
                var device = try MFADeviceRecord.fetchOne(
                    db.cachedStatement(sql: "SELECT * FROM iamMFADevice WHERE serialNumber = ?"), arguments: [serialNumber])
            else { throw StoreError.notFound }
            try change(&device)
            let enabled =
                try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT COUNT(*) FROM iamMFADevice WHERE accountID = ? AND userName IS ? AND enabledAt IS NOT NULL"),
                    arguments: [device.accountID, userName]
                ) ?? 0
            guard enabled < limit else { throw IAMStoreError.limitExceeded }
            device.userName = userName
            try db.execute(
                sql: "UPDATE iamMFADevice SET userName = ?, enabledAt = ?, lastUsedStep = ? WHERE serialNumber = ?",
                arguments: [device.userName, device.enabledAt, device.lastUsedStep, serialNumber]
            )
            return device
        }
    }

    /// Deletes a device that is not enabled.
    ///
    /// - Throws: ``StoreError/notFound``, or ``IAMStoreError/hasDependents(_:)`` while it is enabled.
    public func deleteMFADevice(_ serialNumber: String) async throws {
        try await database.write { db in
            guard
                let device = try MFADeviceRecord.fetchOne(
                    db.cachedStatement(sql: "SELECT * FROM iamMFADevice WHERE serialNumber = ?"), arguments: [serialNumber])
            else { throw StoreError.notFound }
            guard device.enabledAt == nil else { throw IAMStoreError.hasDependents("user") }
            try db.execute(sql: "DELETE FROM iamMFADevice WHERE serialNumber = ?", arguments: [serialNumber])
        }
    }

    // MARK: STS sessions

    public func createSession(_ session: SessionRecord) async throws {
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO stsSession
                        (accessKeyID, secretAccessKey, sessionTokenHash, accountID, kind, principalName, principalID, sessionName,
                         sourceAccessKeyID, issuedAt, expiresAt, mfaAuthenticatedAt, sessionPolicy, tags, sourceFunctionARN,
                         transitiveTagKeys, sessionPolicyARNs)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    session.accessKeyID, session.secretAccessKey, session.sessionTokenHash, session.accountID, session.kind.rawValue,
                    session.principalName, session.principalID, session.sessionName, session.sourceAccessKeyID, session.issuedAt, session.expiresAt,
                    session.mfaAuthenticatedAt, session.sessionPolicy, IAMTagCoding.encode(session.tags), session.sourceFunctionARN,
                    StringListCoding.encode(session.transitiveTagKeys), StringListCoding.encode(session.sessionPolicyARNs),
                ]
            )
            // Sessions expired for a day are of no use to anyone.
            try db.execute(sql: "DELETE FROM stsSession WHERE expiresAt < ?", arguments: [session.issuedAt.addingTimeInterval(-86_400)])
        }
    }

    public func session(_ accessKeyID: String) async throws -> SessionRecord? {
        try await database.read { db in
            try SessionRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM stsSession WHERE accessKeyID = ?"), arguments: [accessKeyID])
        }
    }
}
