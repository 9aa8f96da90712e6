import Foundation
import GRDB
import Store

/// What `bulwark audit` reads of one function: the settings the security checks judge, taken from
/// its `$LATEST` configuration, its reserved concurrency and its resource-based policy statements.
public struct FunctionInventoryEntry: Sendable, Equatable {
    /// One statement of the function's resource-based policy, with the qualifier it was added to
    /// (`$LATEST` for the unqualified function).
    public struct PolicyStatement: Sendable, Equatable {
        public var qualifier: String
        public var sid: String
        /// The statement's JSON, as `GetPolicy` shows it.
        public var statement: String

        public init(qualifier: String, sid: String, statement: String) {
            self.qualifier = qualifier
            self.sid = sid
            self.statement = statement
        }
    }

    public var key: FunctionKey
    public var arn: String
    public var runtime: String
    /// The execution role's ARN.
    public var role: String
    /// Whether the function has environment variables (sealed or, in old records, plaintext).
    public var hasEnvironment: Bool
    /// The customer managed key of the variables; nil for the AWS managed key (`aws/lambda`).
    public var kmsKeyArn: String?
    public var reservedConcurrency: Int?
    public var policyStatements: [PolicyStatement]

    public init(
        key: FunctionKey, arn: String, runtime: String, role: String, hasEnvironment: Bool, kmsKeyArn: String?, reservedConcurrency: Int?,
        policyStatements: [PolicyStatement]
    ) {
        self.key = key
        self.arn = arn
        self.runtime = runtime
        self.role = role
        self.hasEnvironment = hasEnvironment
        self.kmsKeyArn = kmsKeyArn
        self.reservedConcurrency = reservedConcurrency
        self.policyStatements = policyStatements
    }
}

extension FunctionRepository {
    /// Every function of every account and region, by account, region and name, read in one
    /// transaction.
    public func inventory() async throws -> [FunctionInventoryEntry] {
        try await database.read { db in
            let reserved = try Row.fetchAll(db.cachedStatement(sql: "SELECT accountID, region, name, reservedConcurrency FROM lambdaFunction"))
                .reduce(into: [FunctionKey: Int]()) { found, row in
                    let limit: Int? = row["reservedConcurrency"]
                    found[FunctionKey(accountID: row["accountID"], region: row["region"], name: row["name"])] = limit
                }
            let statements = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT accountID, region, functionName, qualifier, sid, statement FROM lambdaPolicyStatement
                        ORDER BY position
                        """)
            ).reduce(into: [FunctionKey: [FunctionInventoryEntry.PolicyStatement]]()) { found, row in
                let key = FunctionKey(accountID: row["accountID"], region: row["region"], name: row["functionName"])
                found[key, default: []].append(.init(qualifier: row["qualifier"], sid: row["sid"], statement: row["statement"]))
            }
            let latest = try FunctionVersionRecord.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM lambdaFunctionVersion WHERE version = '$LATEST' ORDER BY accountID, region, functionName"))
            return try latest.map { record in
                let state = try FunctionStateCoding.decode(record.configuration)
                return FunctionInventoryEntry(
                    key: record.key, arn: FunctionReference.arn(record.key), runtime: state.runtime, role: state.role,
                    hasEnvironment: state.sealedEnvironment != nil || !state.environment.isEmpty, kmsKeyArn: state.kmsKeyArn,
                    reservedConcurrency: reserved[record.key], policyStatements: statements[record.key] ?? [])
            }
        }
    }
}

extension BulwarkDatabase {
    /// ``FunctionRepository/inventory()``.
    public func functionInventory() async throws -> [FunctionInventoryEntry] {
        try await functions.inventory()
    }
}
