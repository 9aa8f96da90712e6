import Foundation
import GRDB
import Store
import Synchronization
import Testing

/// Values read from the store are answered again only until the next write.
@Suite("The store's read cache")
struct StoreReadCacheTests {
    static let notes = DatabaseSchema(
        namespace: "notes", migrations: [.init("v1") { db in try db.execute(sql: "CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT NOT NULL)") }]
    )

    final class Bench: Sendable {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-cache-\(UUID().uuidString)")
        let database: BulwarkDatabase
        let cache: StoreReadCache<Int, String?>
        let reads = Atomic<Int>(0)

        init() throws {
            database = try BulwarkDatabase(directory: directory, schemas: [StoreReadCacheTests.notes])
            cache = StoreReadCache(database: database)
        }

        deinit { try? FileManager.default.removeItem(at: directory) }

        func write(_ id: Int, _ text: String) async throws {
            try await database.write { db in try db.execute(sql: "INSERT OR REPLACE INTO note VALUES (?, ?)", arguments: [id, text]) }
        }

        func note(_ id: Int, during: (@Sendable () async throws -> Void)? = nil) async throws -> String? {
            try await cache.value(for: id) {
                reads.add(1, ordering: .relaxed)
                let text = try await database.read { db in try String.fetchOne(db, sql: "SELECT text FROM note WHERE id = ?", arguments: [id]) }
                try await during?()
                return text
            }
        }
    }

    @Test func aValueIsReadOnceUntilTheNextWrite() async throws {
        let bench = try Bench()
        try await bench.write(1, "a")
        #expect(try await bench.note(1) == "a")
        #expect(try await bench.note(1) == "a")
        #expect(try await bench.note(2) == nil)
        #expect(try await bench.note(2) == nil)
        #expect(bench.reads.load(ordering: .relaxed) == 2)

        try await bench.write(1, "b")
        #expect(try await bench.note(1) == "b")
        #expect(try await bench.note(2) == nil)
        #expect(bench.reads.load(ordering: .relaxed) == 4)
    }

    @Test func aFailedWriteAlsoEndsWhatWasCached() async throws {
        let bench = try Bench()
        try await bench.write(1, "a")
        _ = try await bench.note(1)
        await #expect(throws: (any Error).self) {
            try await bench.database.write { db in try db.execute(sql: "INSERT INTO note VALUES (1, 'duplicate')") }
        }
        _ = try await bench.note(1)
        #expect(bench.reads.load(ordering: .relaxed) == 2)
    }

    @Test func aValueReadWhileAWriteEndedIsNotAnsweredAgain() async throws {
        let bench = try Bench()
        try await bench.write(1, "a")
        // The read sees "a"; a write ends before the value is kept.
        #expect(try await bench.note(1, during: { try await bench.write(1, "b") }) == "a")
        #expect(try await bench.note(1) == "b")
        #expect(bench.reads.load(ordering: .relaxed) == 2)
    }

    @Test func failuresAndRefusedValuesAreNotKept() async throws {
        let bench = try Bench()
        struct Failure: Error {}
        await #expect(throws: Failure.self) { _ = try await bench.cache.value(for: 7) { throw Failure() } }
        #expect(try await bench.cache.value(for: 7, keeping: { $0 != nil }) { nil } == nil)
        #expect(try await bench.cache.value(for: 7) { "read" } == "read")
        #expect(try await bench.cache.value(for: 7) { "read again" } == "read")
    }

    @Test func beyondItsCapacityTheCacheStartsOver() async throws {
        let bench = try Bench()
        let small = StoreReadCache<Int, Int>(database: bench.database, capacity: 2)
        for key in 0..<3 { _ = try await small.value(for: key) { key } }
        #expect(try await small.value(for: 2) { -1 } == 2)
        #expect(try await small.value(for: 0) { -1 } == -1)
    }
}
