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
    /// The most events buffered; beyond it the oldest are dropped (and counted) rather than letting
    /// a function that floods its output hold the server's memory.
    static let bufferLimit = 100_000
    private let dropped = Atomic<Int>(0)

    /// The batches waiting to be stored, with how many events they hold.
    private struct Pending {
        var batches: [FunctionLogBatch] = []
        var count = 0
    }

    public init(database: BulwarkDatabase, clock: WallClock = .system) {
        repository = database.logs
        self.clock = clock
    }

    public func append(
        _ events: [FunctionLogEvent], group: String, stream: String, accountID: String, region: String, createsGroup: Bool = true
    ) {
        guard !events.isEmpty else { return }
        // AWS truncates a line beyond the largest event to that size.
        let bounded = events.map { event in
            event.message.utf8.count <= Self.maxMessageBytes
                ? event : FunctionLogEvent(timestamp: event.timestamp, message: Self.truncated(event.message))
        }
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
            while pending.count > Self.bufferLimit, !pending.batches.isEmpty {
                let removed = min(pending.batches[0].events.count, pending.count - Self.bufferLimit)
                pending.batches[0].events.removeFirst(removed)
                if pending.batches[0].events.isEmpty { pending.batches.removeFirst() }
                pending.count -= removed
                dropped.add(removed, ordering: .relaxed)
            }
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
            pending.withLock { pending in
                pending.batches.insert(contentsOf: batches, at: 0)
                pending.count += batches.reduce(0) { $0 + $1.events.count }
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
    static let maxMessageBytes = (256 << 10) - 26

    private static func truncated(_ message: String) -> String {
        var bytes = Array(message.utf8.prefix(maxMessageBytes))
        // Not in the middle of a character.
        while let last = bytes.last, last & 0xC0 == 0x80 { bytes.removeLast() }
        if let last = bytes.last, last >= 0xC0 { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }
}
