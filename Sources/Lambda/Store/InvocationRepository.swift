import Foundation
import GRDB
import Store

/// A function's asynchronous invocation settings (`PutFunctionEventInvokeConfig`).
public struct EventInvokeConfigRecord: Sendable, Equatable {
    public var key: FunctionKey
    public var qualifier: String
    public var maximumRetryAttempts: Int?
    public var maximumEventAgeInSeconds: Int?
    public var lastModified: Date

    public init(key: FunctionKey, qualifier: String, maximumRetryAttempts: Int?, maximumEventAgeInSeconds: Int?, lastModified: Date) {
        self.key = key
        self.qualifier = qualifier
        self.maximumRetryAttempts = maximumRetryAttempts
        self.maximumEventAgeInSeconds = maximumEventAgeInSeconds
        self.lastModified = lastModified
    }
}

/// An `Event` invocation waiting in the durable queue.
public struct AsyncEventRecord: Sendable, Equatable {
    /// The invocation's request id, the same on every attempt.
    public var requestID: String
    public var key: FunctionKey
    public var qualifier: String
    public var invokedARN: String
    public var payload: Data
    /// Attempts that ended in a function error.
    public var attempts: Int
    /// Attempts that were throttled or failed in the platform (they do not count as retries).
    public var throttles: Int
    public var enqueuedAt: Date
    public var nextAttemptAt: Date

    public init(
        requestID: String, key: FunctionKey, qualifier: String, invokedARN: String, payload: Data,
        attempts: Int = 0, throttles: Int = 0, enqueuedAt: Date, nextAttemptAt: Date
    ) {
        self.requestID = requestID
        self.key = key
        self.qualifier = qualifier
        self.invokedARN = invokedARN
        self.payload = payload
        self.attempts = attempts
        self.throttles = throttles
        self.enqueuedAt = enqueuedAt
        self.nextAttemptAt = nextAttemptAt
    }
}

extension AsyncEventRecord: FetchableRecord {
    public init(row: Row) throws {
        self.init(
            requestID: row["requestID"],
            key: FunctionKey(accountID: row["accountID"], region: row["region"], name: row["functionName"]),
            qualifier: row["qualifier"],
            invokedARN: row["invokedARN"],
            payload: row["payload"],
            attempts: row["attempts"],
            throttles: row["throttles"],
            enqueuedAt: row["enqueuedAt"],
            nextAttemptAt: row["nextAttemptAt"]
        )
    }
}

/// Reserved concurrency, asynchronous settings and the durable queue of `Event` invocations.
public struct InvocationRepository: Sendable {
    let database: BulwarkDatabase

    // MARK: Reserved concurrency

    /// Sets (or, with nil, removes) a function's reserved concurrency, refusing with what `check`
    /// throws when the account's other reservations make it impossible.
    public func setReservedConcurrency(
        _ key: FunctionKey, to value: Int?, check: @escaping @Sendable (_ reservedByOthers: Int) throws -> Void
    ) async throws {
        try await database.write { db in
            let others =
                try Int.fetchOne(
                    db.cachedStatement(
                        sql: "SELECT COALESCE(SUM(reservedConcurrency), 0) FROM lambdaFunction WHERE accountID = ? AND region = ? AND name <> ?"),
                    arguments: [key.accountID, key.region, key.name]
                ) ?? 0
            try check(others)
            try db.execute(
                sql: "UPDATE lambdaFunction SET reservedConcurrency = ? WHERE accountID = ? AND region = ? AND name = ?",
                arguments: [value, key.accountID, key.region, key.name]
            )
            guard db.changesCount > 0 else { throw StoreError.notFound }
        }
    }

    public func reservedConcurrency(_ key: FunctionKey) async throws -> Int? {
        try await database.read { db in try Self.reservedConcurrency(db, key) }
    }

    /// ``reservedConcurrency(_:)`` within a read of the caller's.
    static func reservedConcurrency(_ db: Database, _ key: FunctionKey) throws -> Int? {
        try Int.fetchOne(
            db.cachedStatement(
                sql: "SELECT reservedConcurrency FROM lambdaFunction WHERE accountID = ? AND region = ? AND name = ?"),
            arguments: [key.accountID, key.region, key.name]
        )
    }

    /// The sum of all reservations in an account's region.
    public func totalReservedConcurrency(accountID: String, region: String) async throws -> Int {
        try await database.read { db in
            try Int.fetchOne(
                db.cachedStatement(
                    sql: "SELECT COALESCE(SUM(reservedConcurrency), 0) FROM lambdaFunction WHERE accountID = ? AND region = ?"),
                arguments: [accountID, region]
            ) ?? 0
        }
    }

    // MARK: Event invoke configuration

    public func putEventInvokeConfig(_ record: EventInvokeConfigRecord) async throws {
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO lambdaEventInvokeConfig
                        (accountID, region, functionName, qualifier, maximumRetryAttempts, maximumEventAgeInSeconds, lastModified)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    record.key.accountID, record.key.region, record.key.name, record.qualifier,
                    record.maximumRetryAttempts, record.maximumEventAgeInSeconds, record.lastModified,
                ]
            )
        }
    }

    public func eventInvokeConfig(_ key: FunctionKey, qualifier: String) async throws -> EventInvokeConfigRecord? {
        try await database.read { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT * FROM lambdaEventInvokeConfig WHERE accountID = ? AND region = ? AND functionName = ? AND qualifier = ?
                            """),
                    arguments: [key.accountID, key.region, key.name, qualifier]
                )
            else { return nil }
            return EventInvokeConfigRecord(
                key: key, qualifier: qualifier, maximumRetryAttempts: row["maximumRetryAttempts"],
                maximumEventAgeInSeconds: row["maximumEventAgeInSeconds"], lastModified: row["lastModified"]
            )
        }
    }

    /// Removes a configuration; throws ``StoreError/notFound`` when there is none.
    public func deleteEventInvokeConfig(_ key: FunctionKey, qualifier: String) async throws {
        try await database.write { db in
            try db.execute(
                sql: "DELETE FROM lambdaEventInvokeConfig WHERE accountID = ? AND region = ? AND functionName = ? AND qualifier = ?",
                arguments: [key.accountID, key.region, key.name, qualifier]
            )
            guard db.changesCount > 0 else { throw StoreError.notFound }
        }
    }

    // MARK: The asynchronous queue

    /// Persists an event; it is accepted once this returns.
    public func enqueue(_ event: AsyncEventRecord) async throws {
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO lambdaAsyncEvent
                        (requestID, accountID, region, functionName, qualifier, invokedARN, payload, attempts, throttles,
                         enqueuedAt, nextAttemptAt, claimed)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)
                    """,
                arguments: [
                    event.requestID, event.key.accountID, event.key.region, event.key.name, event.qualifier, event.invokedARN,
                    event.payload, event.attempts, event.throttles, event.enqueuedAt, event.nextAttemptAt,
                ]
            )
        }
    }

    /// Claims up to `limit` events that are due, so that no other worker runs them.
    public func claimDue(at now: Date, limit: Int) async throws -> [AsyncEventRecord] {
        try await database.write { db in
            let due = try AsyncEventRecord.fetchAll(
                db.cachedStatement(
                    sql: "SELECT * FROM lambdaAsyncEvent WHERE claimed = 0 AND nextAttemptAt <= ? ORDER BY nextAttemptAt LIMIT ?"),
                arguments: [now, limit]
            )
            for event in due {
                try db.execute(sql: "UPDATE lambdaAsyncEvent SET claimed = 1 WHERE requestID = ?", arguments: [event.requestID])
            }
            return due
        }
    }

    /// The event ran (or was given up): it leaves the queue.
    public func complete(_ requestID: String) async throws {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM lambdaAsyncEvent WHERE requestID = ?", arguments: [requestID])
        }
    }

    /// Puts a claimed event back for another attempt.
    public func reschedule(_ event: AsyncEventRecord) async throws {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE lambdaAsyncEvent SET attempts = ?, throttles = ?, nextAttemptAt = ?, claimed = 0 WHERE requestID = ?",
                arguments: [event.attempts, event.throttles, event.nextAttemptAt, event.requestID]
            )
        }
    }

    /// Events accepted and not yet delivered or given up, of every account (the queue's depth).
    public func queuedEventCount() async throws -> Int {
        try await database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM lambdaAsyncEvent") ?? 0 }
    }

    /// After a restart, events claimed by the previous process run again (at-least-once delivery).
    public func releaseClaims() async throws {
        try await database.write { db in
            try db.execute(sql: "UPDATE lambdaAsyncEvent SET claimed = 0 WHERE claimed = 1")
        }
    }
}
