import BulwarkCore
import Foundation
import GRDB
import Store

/// Users, groups and roles; group membership; inline policies and attachments of managed policies.
public struct IAMRepository: Sendable {
    let database: BulwarkDatabase

    // MARK: Principals

    /// - Throws: ``StoreError/conflict`` when one of the same kind and name (case-insensitive) exists.
    public func create(_ record: IAMPrincipalRecord) async throws {
        try await database.write { db in try Self.insert(record, db) }
    }

    /// ``create(_:)`` within a write of the caller's.
    static func insert(_ record: IAMPrincipalRecord, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO iamPrincipal
                    (accountID, kind, name, uniqueID, path, createdAt, document, description, maxSessionDuration,
                     permissionsBoundary, tags, trustPolicyPrincipals, linkedService)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                record.accountID, record.kind.rawValue, record.name, record.uniqueID, record.path, record.createdAt,
                record.trustPolicy, record.description, record.maxSessionDuration, record.permissionsBoundary,
                IAMTagCoding.encode(record.tags), record.trustPolicyPrincipals?.encoded, record.linkedService,
            ]
        )
    }

    /// The user, group or role of that name, which IAM matches case-insensitively.
    public func principal(_ kind: IAMPrincipalKind, accountID: String, name: String) async throws -> IAMPrincipalRecord? {
        try await database.read { db in try Self.principal(db, kind, accountID: accountID, name: name) }
    }

    /// ``principal(_:accountID:name:)`` within a read of the caller's.
    static func principal(_ db: Database, _ kind: IAMPrincipalKind, accountID: String, name: String) throws -> IAMPrincipalRecord? {
        try IAMPrincipalRecord.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM iamPrincipal WHERE accountID = ? AND kind = ? AND name = ?"),
            arguments: [accountID, kind.rawValue, name]
        )
    }

    /// The user or role whose unique id (`AIDA…`, `AROA…`) is `uniqueID`, within a read of the caller's.
    static func principal(_ db: Database, _ kind: IAMPrincipalKind, uniqueID: String) throws -> IAMPrincipalRecord? {
        try IAMPrincipalRecord.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM iamPrincipal WHERE uniqueID = ? AND kind = ?"), arguments: [uniqueID, kind.rawValue])
    }

    /// The unique ids of the users and roles `document` names in `accountID`, to bind a resource
    /// policy to them as it is saved.
    ///
    /// - Throws: ``IAMStoreError/invalidPrincipal(_:)`` naming the first ARN at which no user or role
    ///   exists (IAM refuses such a policy).
    public func principalBindings(of document: PolicyDocument, accountID: String) async throws -> PrincipalBindings {
        try await principalBindings(of: PrincipalBindings.bindableARNs(in: document, accountID: accountID), accountID: accountID)
    }

    /// The unique ids of the users and roles of `accountID` named by `arns`.
    public func principalBindings(of arns: [String], accountID: String) async throws -> PrincipalBindings {
        try await database.read { db in
            var bindings = PrincipalBindings()
            for arn in arns {
                guard let parsed = ARN(arn), let name = parsed.resource.split(separator: "/").last else { throw IAMStoreError.invalidPrincipal(arn) }
                let kind: IAMPrincipalKind = parsed.resource.hasPrefix("role/") ? .role : .user
                guard let entity = try Self.principal(db, kind, accountID: accountID, name: String(name)),
                    PrincipalMatcher.sameIAMARN(entity.arn, arn)
                else { throw IAMStoreError.invalidPrincipal(arn) }
                bindings.bind(arn, to: entity.uniqueID)
            }
            return bindings
        }
    }

    /// Principals of a kind in name order, after `marker`, under `pathPrefix`.
    public func principals(
        _ kind: IAMPrincipalKind, accountID: String, pathPrefix: String = "/", after marker: String?, limit: Int
    ) async throws -> [IAMPrincipalRecord] {
        try await database.read { db in
            try IAMPrincipalRecord.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT * FROM iamPrincipal WHERE accountID = ? AND kind = ? AND path LIKE ? ESCAPE '\\'
                            AND name > ? COLLATE NOCASE ORDER BY name COLLATE NOCASE LIMIT ?
                        """),
                arguments: [accountID, kind.rawValue, Self.likePrefix(pathPrefix), marker ?? "", limit]
            )
        }
    }

    /// Changes a principal in one transaction; `change` may throw to abort.
    @discardableResult
    public func update(
        _ kind: IAMPrincipalKind, accountID: String, name: String, _ change: @escaping @Sendable (inout IAMPrincipalRecord) throws -> Void
    ) async throws -> IAMPrincipalRecord {
        try await database.write { db in
            guard
                var record = try IAMPrincipalRecord.fetchOne(
                    db.cachedStatement(sql: "SELECT * FROM iamPrincipal WHERE accountID = ? AND kind = ? AND name = ?"),
                    arguments: [accountID, kind.rawValue, name]
                )
            else { throw StoreError.notFound }
            try change(&record)
            try db.execute(
                sql: """
                    UPDATE iamPrincipal SET path = ?, document = ?, description = ?, maxSessionDuration = ?,
                        permissionsBoundary = ?, tags = ?, trustPolicyPrincipals = ?
                    WHERE accountID = ? AND kind = ? AND name = ?
                    """,
                arguments: [
                    record.path, record.trustPolicy, record.description, record.maxSessionDuration, record.permissionsBoundary,
                    IAMTagCoding.encode(record.tags), record.trustPolicyPrincipals?.encoded, accountID, kind.rawValue, name,
                ]
            )
            return record
        }
    }

    /// Deletes a principal that nothing depends on any more.
    ///
    /// - Throws: ``StoreError/notFound``, or ``IAMStoreError/hasDependents(_:)`` naming what must go first.
    public func delete(_ kind: IAMPrincipalKind, accountID: String, name: String) async throws {
        try await database.write { db in
            let arguments: StatementArguments = [accountID, kind.rawValue, name]
            guard
                try Bool.fetchOne(
                    db.cachedStatement(sql: "SELECT 1 FROM iamPrincipal WHERE accountID = ? AND kind = ? AND name = ?"), arguments: arguments) == true
            else { throw StoreError.notFound }
            if try Int.fetchOne(
                db.cachedStatement(sql: "SELECT COUNT(*) FROM iamInlinePolicy WHERE accountID = ? AND principalKind = ? AND principalName = ?"),
                arguments: arguments) ?? 0 > 0
                || Int.fetchOne(
                    db.cachedStatement(sql: "SELECT COUNT(*) FROM iamAttachment WHERE accountID = ? AND principalKind = ? AND principalName = ?"),
                    arguments: arguments) ?? 0 > 0
            {
                throw IAMStoreError.hasDependents("policies")
            }
            switch kind {
            case .user:
                if try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT COUNT(*) FROM accessKey WHERE accountID = ? AND userName = ?"), arguments: [accountID, name])
                    ?? 0 > 0
                {
                    throw IAMStoreError.hasDependents("access keys")
                }
                if try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT COUNT(*) FROM iamMFADevice WHERE accountID = ? AND userName = ?"), arguments: [accountID, name])
                    ?? 0 > 0
                {
                    throw IAMStoreError.hasDependents("MFA devices")
                }
                if try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT COUNT(*) FROM iamGroupMember WHERE accountID = ? AND userName = ?"), arguments: [accountID, name])
                    ?? 0 > 0
                {
                    throw IAMStoreError.hasDependents("groups")
                }
                if try Bool.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT 1 FROM iamLoginProfile
                            WHERE userID = (SELECT uniqueID FROM iamPrincipal WHERE accountID = ? AND kind = ? AND name = ?)
                            """),
                    arguments: arguments) == true
                {
                    throw IAMStoreError.hasDependents("login profile")
                }
                if try Bool.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT 1 FROM iamServiceSpecificCredential
                            WHERE userID = (SELECT uniqueID FROM iamPrincipal WHERE accountID = ? AND kind = ? AND name = ?)
                            """),
                    arguments: arguments) == true
                {
                    throw IAMStoreError.hasDependents("service specific credentials")
                }
                if try Bool.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT 1 FROM iamSSHPublicKey
                            WHERE userID = (SELECT uniqueID FROM iamPrincipal WHERE accountID = ? AND kind = ? AND name = ?)
                            """),
                    arguments: arguments) == true
                {
                    throw IAMStoreError.hasDependents("SSH public keys")
                }
                if try Bool.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT 1 FROM iamSigningCertificate
                            WHERE ownerID = (SELECT uniqueID FROM iamPrincipal WHERE accountID = ? AND kind = ? AND name = ?)
                            """),
                    arguments: arguments) == true
                {
                    throw IAMStoreError.hasDependents("signing certificates")
                }
            case .group:
                if try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT COUNT(*) FROM iamGroupMember WHERE accountID = ? AND groupName = ?"),
                    arguments: [accountID, name]) ?? 0 > 0
                {
                    throw IAMStoreError.hasDependents("users")
                }
            case .role:
                if try Int.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT COUNT(*) FROM iamInstanceProfile
                            WHERE roleID = (SELECT uniqueID FROM iamPrincipal WHERE accountID = ? AND kind = ? AND name = ?)
                            """),
                    arguments: arguments) ?? 0 > 0
                {
                    throw IAMStoreError.hasDependents("instance profiles")
                }
            }
            try db.execute(sql: "DELETE FROM iamPrincipal WHERE accountID = ? AND kind = ? AND name = ?", arguments: arguments)
        }
    }

    // MARK: Groups

    public func addUser(_ userName: String, toGroup groupName: String, accountID: String) async throws {
        try await database.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO iamGroupMember (accountID, groupName, userName) VALUES (?, ?, ?)",
                arguments: [accountID, groupName, userName]
            )
        }
    }

    public func removeUser(_ userName: String, fromGroup groupName: String, accountID: String) async throws {
        try await database.write { db in
            try db.execute(
                sql: "DELETE FROM iamGroupMember WHERE accountID = ? AND groupName = ? AND userName = ?",
                arguments: [accountID, groupName, userName]
            )
        }
    }

    /// The groups of a user, by name.
    public func groups(ofUser userName: String, accountID: String) async throws -> [IAMPrincipalRecord] {
        try await database.read { db in
            try IAMPrincipalRecord.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT p.* FROM iamPrincipal p JOIN iamGroupMember m ON m.accountID = p.accountID AND m.groupName = p.name
                        WHERE p.accountID = ? AND p.kind = 'group' AND m.userName = ? ORDER BY p.name COLLATE NOCASE
                        """),
                arguments: [accountID, userName]
            )
        }
    }

    /// The users of a group, by name.
    public func users(inGroup groupName: String, accountID: String) async throws -> [IAMPrincipalRecord] {
        try await database.read { db in
            try IAMPrincipalRecord.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT p.* FROM iamPrincipal p JOIN iamGroupMember m ON m.accountID = p.accountID AND m.userName = p.name
                        WHERE p.accountID = ? AND p.kind = 'user' AND m.groupName = ? ORDER BY p.name COLLATE NOCASE
                        """),
                arguments: [accountID, groupName]
            )
        }
    }

    // MARK: Inline policies

    public func putInlinePolicy(
        _ document: String, named policyName: String, of kind: IAMPrincipalKind, _ name: String, accountID: String
    )
        async throws
    {
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO iamInlinePolicy (accountID, principalKind, principalName, policyName, document)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [accountID, kind.rawValue, name, policyName, document]
            )
        }
    }

    public func inlinePolicy(named policyName: String, of kind: IAMPrincipalKind, _ name: String, accountID: String) async throws -> String? {
        try await database.read { db in
            try String.fetchOne(
                db.cachedStatement(
                    sql: "SELECT document FROM iamInlinePolicy WHERE accountID = ? AND principalKind = ? AND principalName = ? AND policyName = ?"),
                arguments: [accountID, kind.rawValue, name, policyName]
            )
        }
    }

    /// Every inline policy of a principal: name → document, in name order.
    public func inlinePolicies(of kind: IAMPrincipalKind, _ name: String, accountID: String) async throws -> [(name: String, document: String)] {
        try await database.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT policyName, document FROM iamInlinePolicy WHERE accountID = ? AND principalKind = ? AND principalName = ?
                        ORDER BY policyName COLLATE NOCASE
                        """),
                arguments: [accountID, kind.rawValue, name]
            ).map { ($0["policyName"], $0["document"]) }
        }
    }

    /// - Throws: ``StoreError/notFound`` when there is no such policy.
    public func deleteInlinePolicy(named policyName: String, of kind: IAMPrincipalKind, _ name: String, accountID: String) async throws {
        try await database.write { db in
            try db.execute(
                sql: "DELETE FROM iamInlinePolicy WHERE accountID = ? AND principalKind = ? AND principalName = ? AND policyName = ?",
                arguments: [accountID, kind.rawValue, name, policyName]
            )
            guard db.changesCount > 0 else { throw StoreError.notFound }
        }
    }

    // MARK: Attachments

    /// Attaches a managed policy; `limit` is the most policies the principal may have attached.
    ///
    /// - Throws: ``IAMStoreError/limitExceeded`` beyond `limit`.
    public func attach(_ policyARN: String, to kind: IAMPrincipalKind, _ name: String, accountID: String, limit: Int) async throws {
        try await database.write { db in
            let arguments: StatementArguments = [accountID, kind.rawValue, name]
            let count =
                try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT COUNT(*) FROM iamAttachment WHERE accountID = ? AND principalKind = ? AND principalName = ?"),
                    arguments: arguments
                ) ?? 0
            let already =
                try Bool.fetchOne(
                    db.cachedStatement(
                        sql: "SELECT 1 FROM iamAttachment WHERE accountID = ? AND principalKind = ? AND principalName = ? AND policyARN = ?"),
                    arguments: [accountID, kind.rawValue, name, policyARN]
                ) == true
            if already { return }
            guard count < limit else { throw IAMStoreError.limitExceeded }
            try db.execute(
                sql: "INSERT INTO iamAttachment (accountID, principalKind, principalName, policyARN) VALUES (?, ?, ?, ?)",
                arguments: [accountID, kind.rawValue, name, policyARN]
            )
        }
    }

    /// - Throws: ``StoreError/notFound`` when the policy is not attached.
    public func detach(_ policyARN: String, from kind: IAMPrincipalKind, _ name: String, accountID: String) async throws {
        try await database.write { db in
            try db.execute(
                sql: "DELETE FROM iamAttachment WHERE accountID = ? AND principalKind = ? AND principalName = ? AND policyARN = ?",
                arguments: [accountID, kind.rawValue, name, policyARN]
            )
            guard db.changesCount > 0 else { throw StoreError.notFound }
        }
    }

    /// The ARNs of the managed policies attached to a principal.
    public func attachedPolicies(of kind: IAMPrincipalKind, _ name: String, accountID: String) async throws -> [String] {
        try await database.read { db in
            try String.fetchAll(
                db.cachedStatement(
                    sql: "SELECT policyARN FROM iamAttachment WHERE accountID = ? AND principalKind = ? AND principalName = ? ORDER BY policyARN"),
                arguments: [accountID, kind.rawValue, name]
            )
        }
    }

    /// Who a managed policy is attached to, in an account.
    public func entities(attachedTo policyARN: String, accountID: String) async throws -> [(kind: IAMPrincipalKind, name: String)] {
        try await database.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT principalKind, principalName FROM iamAttachment WHERE accountID = ? AND policyARN = ? ORDER BY principalName"),
                arguments: [accountID, policyARN]
            ).compactMap { row in IAMPrincipalKind(rawValue: row["principalKind"]).map { ($0, row["principalName"]) } }
        }
    }

    /// How many principals of an account use a managed policy (attached, or as permissions boundary).
    public func usage(of policyARN: String, accountID: String) async throws -> (attachments: Int, boundaries: Int) {
        try await database.read { db in
            let attachments =
                try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT COUNT(*) FROM iamAttachment WHERE accountID = ? AND policyARN = ?"),
                    arguments: [accountID, policyARN]
                ) ?? 0
            let boundaries =
                try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT COUNT(*) FROM iamPrincipal WHERE accountID = ? AND permissionsBoundary = ?"),
                    arguments: [accountID, policyARN]
                ) ?? 0
            return (attachments, boundaries)
        }
    }

    /// The use of every policy the account uses, read at once: ARN → attachments and boundaries.
    public func usageByPolicy(accountID: String) async throws -> [String: (attachments: Int, boundaries: Int)] {
        try await database.read { db in
            var usage: [String: (attachments: Int, boundaries: Int)] = [:]
            for row in try Row.fetchAll(
                db.cachedStatement(sql: "SELECT policyARN, COUNT(*) AS n FROM iamAttachment WHERE accountID = ? GROUP BY policyARN"),
                arguments: [accountID])
            {
                let arn: String = row["policyARN"]
                usage[arn, default: (0, 0)].attachments = row["n"]
            }
            for row in try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT permissionsBoundary, COUNT(*) AS n FROM iamPrincipal
                        WHERE accountID = ? AND permissionsBoundary IS NOT NULL GROUP BY permissionsBoundary
                        """),
                arguments: [accountID]
            ) {
                let arn: String = row["permissionsBoundary"]
                usage[arn, default: (0, 0)].boundaries = row["n"]
            }
            return usage
        }
    }

    static func likePrefix(_ prefix: String) -> String {
        prefix.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
    }
}

/// Failures of IAM changes that the API reports with its own codes.
public enum IAMStoreError: Error, Sendable, Equatable {
    /// `DeleteConflict`: these must be removed first.
    case hasDependents(String)
    /// `LimitExceeded`.
    case limitExceeded
    /// The entity holds one equal to this already (an SSH key of the same fingerprint).
    case duplicate
    /// A resource policy names, by this ARN, a user or role that does not exist.
    case invalidPrincipal(String)
}
