import BulwarkCore
import Foundation
import Logging
import Store
import Synchronization

/// Takes the lines functions write (``FunctionLogSink``) and stores them in their log group and
/// stream in the background (decision 0035): the invoke path only appends to a buffer under a
/// lock; ``flush()`` writes everything buffered in one transaction (one fsync), several times a
/// second, creating groups and streams as Lambda's platform does.
public final class LogIngester: FunctionLogSink {
    private let repository: LogsRepository
    private let clock: WallClock
    private let pending = Mutex<Pending>(Pending())
    /// The most events buffered, by default; beyond it the oldest are dropped (and counted) rather
    /// than letting a function that floods its output hold the server's memory.
    public static let bufferLimit = 100_000
    /// The most bytes buffered (messages and AWS's per-event overhead), by default; beyond, the
    /// oldest events are dropped and counted as well.
    public static let bufferByteLimit = 64 << 20
    private let eventLimit: Int
    private let byteLimit: Int
    private let dropped = Atomic<Int>(0)

    /// The batches waiting to be stored, with how many events and bytes they hold.
    private struct Pending {
        var batches: [FunctionLogBatch] = []
        var count = 0
        var bytes = 0
    }

    /// - Parameters:
    ///   - bufferLimit: the most events buffered.
    ///   - bufferByteLimit: the most bytes buffered.
    public init(
        database: BulwarkDatabase, clock: WallClock = .system, bufferLimit: Int = LogIngester.bufferLimit,
        bufferByteLimit: Int = LogIngester.bufferByteLimit
    ) {
        repository = database.logs
        self.clock = clock
        eventLimit = bufferLimit
        byteLimit = bufferByteLimit
    }

    /// What an event counts towards the buffer's bytes.
    private static func size(_ event: FunctionLogEvent) -> Int { event.message.utf8.count + overhead }
    private static let overhead = 26

    public func append(
        _ events: [FunctionLogEvent], group: String, stream: String, accountID: String, region: String, createsGroup: Bool = true
    ) {
        guard !events.isEmpty else { return }
        // AWS truncates a line beyond the largest event to that size.
        let bounded = events.map { event in
            event.message.utf8.count <= Self.maxMessageBytes
                ? event : FunctionLogEvent(timestamp: event.timestamp, message: FunctionLogEvent.message(truncating: event.message.utf8))
        }
        let bytes = bounded.reduce(0) { $0 + Self.size($1) }
        pending.withLock { pending in
            // Compared in place: a copy of the last batch would make the append copy all its events.
            let last = pending.batches.count - 1
            if last >= 0, pending.batches[last].stream == stream, pending.batches[last].group == group,
                pending.batches[last].accountID == accountID, pending.batches[last].region == region,
                pending.batches[last].createsGroup == createsGroup
            {
                pending.batches[last].events += bounded
            } else {
                pending.batches.append(
                    FunctionLogBatch(
                        accountID: accountID, region: region, group: group, stream: stream, events: bounded, createsGroup: createsGroup))
            }
            pending.count += bounded.count
            pending.bytes += bytes
            trim(&pending)
        }
    }

    /// Drops the oldest events until the buffer is within its limits, counting them.
    private func trim(_ pending: inout Pending) {
        while pending.count > eventLimit || pending.bytes > byteLimit, !pending.batches.isEmpty {
            // How many of the first batch's events go, read in place (a copy would copy them all).
            var removed = 0
            var removedBytes = 0
            while removed < pending.batches[0].events.count, pending.count - removed > eventLimit || pending.bytes - removedBytes > byteLimit {
                removedBytes += Self.size(pending.batches[0].events[removed])
                removed += 1
            }
            pending.batches[0].events.removeFirst(removed)
            if pending.batches[0].events.isEmpty { pending.batches.removeFirst() }
            pending.count -= removed
            pending.bytes -= removedBytes
            dropped.add(removed, ordering: .relaxed)
        }
    }

    /// Stores what is buffered; what cannot be stored is put back, to be tried again.
    public func flush() async throws {
        let batches = pending.withLock { pending in
            defer { pending = Pending() }
            return pending.batches
        }
        guard !batches.isEmpty else { return }
        do {
            try await repository.ingest(batches, ingestionTime: Int64(clock.now().timeIntervalSince1970 * 1000))
        } catch {
            // Put back before what came since, then held to the same limits: the oldest go first.
            pending.withLock { pending in
                pending.batches.insert(contentsOf: batches, at: 0)
                pending.count += batches.reduce(0) { $0 + $1.events.count }
                pending.bytes += batches.reduce(0) { total, batch in batch.events.reduce(total) { $0 + Self.size($1) } }
                trim(&pending)
            }
            throw error
        }
    }

    /// Deletes what retention expired.
    public func purgeExpired() async throws {
        try await repository.purgeExpired(now: Int64(clock.now().timeIntervalSince1970 * 1000))
    }

    /// Events dropped because the buffer was full, since the start.
    public var droppedEvents: Int { dropped.load(ordering: .relaxed) }

    /// The largest message of an event (256 KB less AWS's 26 bytes of overhead).
    static let maxMessageBytes = FunctionLogEvent.maxMessageBytes
}
