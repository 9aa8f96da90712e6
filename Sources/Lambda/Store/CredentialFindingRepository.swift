import Foundation
import GRDB
import Store

/// What the credential scan found in a function's environment variables (when the server only
/// warns) and in its deployment packages: the place and the kind, never the value (decision 0016).
public struct CredentialFindingRepository: Sendable {
    /// Where a finding was made.
    public enum Source: String, Sendable {
        case environment
        case code
    }

    /// One stored finding.
    public struct Record: Sendable, Equatable {
        public var functionARN: String
        public var source: String
        public var location: String
        public var kind: String
        public var foundAt: Date

        public init(functionARN: String, source: String, location: String, kind: String, foundAt: Date) {
            self.functionARN = functionARN
            self.source = source
            self.location = location
            self.kind = kind
            self.foundAt = foundAt
        }
    }

    let database: BulwarkDatabase

    /// Replaces a function's findings of one source with `findings` (none: the source is clean now).
    public func replace(_ findings: [CredentialScanner.Finding], functionARN: String, source: Source, now: Date) async throws {
        try await database.write { db in
            try db.execute(
                sql: "DELETE FROM lambdaCredentialFinding WHERE functionARN = ? AND source = ?", arguments: [functionARN, source.rawValue])
            for finding in findings {
                try db.execute(
                    sql: "INSERT INTO lambdaCredentialFinding (functionARN, source, location, kind, foundAt) VALUES (?, ?, ?, ?, ?)",
                    arguments: [functionARN, source.rawValue, finding.location, finding.kind, now.timeIntervalSince1970])
            }
        }
    }

    /// Every stored finding, by function, source and location.
    public func all() async throws -> [Record] {
        try await database.read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM lambdaCredentialFinding ORDER BY functionARN, source, location")).map { row in
                Record(
                    functionARN: row["functionARN"], source: row["source"], location: row["location"], kind: row["kind"],
                    foundAt: Date(timeIntervalSince1970: row["foundAt"]))
            }
        }
    }
}
