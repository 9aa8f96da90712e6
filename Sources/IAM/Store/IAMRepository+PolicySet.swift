import Foundation
import GRDB
import Store

/// The text of one identity-based policy as stored: an inline policy (no ARN) or the default
/// version of a managed policy.
public struct StoredPolicyText: Sendable, Equatable {
    /// The inline policy's name, or the managed policy's ARN.
    public var name: String
    public var arn: String?
    public var document: String

    public init(name: String, arn: String?, document: String) {
        self.name = name
        self.arn = arn
        self.document = document
    }
}

/// Every identity-based policy of a user (its groups' included), group or role, and its
/// permissions boundary.
public struct EntityPolicyTexts: Sendable, Equatable {
    /// The entity's inline then attached policies, then each group's (by group name) the same way.
    public var identity: [StoredPolicyText]
    public var boundary: StoredPolicyText?

    public init(identity: [StoredPolicyText], boundary: StoredPolicyText?) {
        self.identity = identity
        self.boundary = boundary
    }
}

extension IAMRepository {
    /// The policies that apply to `entity`, read in one transaction (one consistent snapshot, one
    /// trip to the store).
    public func policyTexts(of entity: IAMPrincipalRecord) async throws -> EntityPolicyTexts {
        try await database.read { db in try Self.policyTexts(db, of: entity) }
    }

    /// The policies that apply to `entity`, within a read of the caller's.
    static func policyTexts(_ db: Database, of entity: IAMPrincipalRecord) throws -> EntityPolicyTexts {
        var identity = try policyTexts(db, entity.kind, entity.name, accountID: entity.accountID)
        if entity.kind == .user {
            let groups = try String.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT p.name FROM iamGroupMember m JOIN iamPrincipal p
                            ON p.accountID = m.accountID AND p.kind = 'group' AND p.name = m.groupName
                        WHERE m.accountID = ? AND m.userName = ? ORDER BY p.name COLLATE NOCASE
                        """),
                arguments: [entity.accountID, entity.name]
            )
            for group in groups {
                identity += try policyTexts(db, .group, group, accountID: entity.accountID)
            }
        }
        let boundary = try entity.permissionsBoundary.flatMap { arn in
            try ManagedPolicyRepository.defaultDocument(db, arn).map { StoredPolicyText(name: policyName(arn), arn: arn, document: $0) }
        }
        return EntityPolicyTexts(identity: identity, boundary: boundary)
    }

    private static func policyTexts(_ db: Database, _ kind: IAMPrincipalKind, _ name: String, accountID: String) throws -> [StoredPolicyText] {
        let inline = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT policyName, document FROM iamInlinePolicy WHERE accountID = ? AND principalKind = ? AND principalName = ?
                    ORDER BY policyName COLLATE NOCASE
                    """),
            arguments: [accountID, kind.rawValue, name]
        ).map { StoredPolicyText(name: $0["policyName"], arn: nil, document: $0["document"]) }
        let attached = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT a.policyARN, v.document FROM iamAttachment a
                        LEFT JOIN iamManagedPolicy p ON p.arn = a.policyARN
                        LEFT JOIN iamPolicyVersion v ON v.policyARN = p.arn AND v.versionID = p.defaultVersion
                    WHERE a.accountID = ? AND a.principalKind = ? AND a.principalName = ? ORDER BY a.policyARN
                    """),
            arguments: [accountID, kind.rawValue, name]
        ).compactMap { row -> StoredPolicyText? in
            // AWS managed policies come from the catalog; an attachment to neither is to a policy gone.
            let arn: String = row["policyARN"]
            let stored: String? = row["document"]
            guard let document = stored ?? AWSManagedPolicies.policy(arn: arn)?.document else { return nil }
            return StoredPolicyText(name: policyName(arn), arn: arn, document: document)
        }
        return inline + attached
    }

    /// The managed session policies of a session (`PolicyArns`) that still exist, in the order
    /// given; a policy deleted since allows nothing, so it is left out.
    static func sessionPolicyTexts(_ db: Database, arns: [String]) throws -> [StoredPolicyText] {
        try arns.compactMap { arn in
            try ManagedPolicyRepository.defaultDocument(db, arn).map { StoredPolicyText(name: policyName(arn), arn: arn, document: $0) }
        }
    }

    private static func policyName(_ arn: String) -> String {
        String(arn.split(separator: "/").last ?? Substring(arn))
    }
}
