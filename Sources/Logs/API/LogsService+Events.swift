import AWSWire
import BulwarkCore
import Store

extension LogsService {
    /// AWS's limits: an event's size is its UTF-8 message plus 26 bytes.
    static let eventOverhead = 26
    static let maxEventBytes = 256 << 10
    static let maxBatchBytes = 1 << 20
    static let maxPastMilliseconds: Int64 = 14 * 86_400_000
    static let maxFutureMilliseconds: Int64 = 2 * 3_600_000
    static let maxBatchSpanMilliseconds: Int64 = 86_400_000
    /// The most events one FilterLogEvents call examines before it answers a token to go on.
    static let filterScanLimit = 100_000
    /// The most bytes of events (messages and overhead) one FilterLogEvents call examines.
    static let filterScanBytes = 8 << 20
    /// The events one read of FilterLogEvents' scan takes at most, in number and bytes.
    static let filterReadLimit = 1000
    static let filterReadBytes = 1 << 20

    @Sendable func putLogEvents(_ input: LogsAPI.PutLogEventsRequest, _ context: CallContext) async throws -> LogsAPI.PutLogEventsResponse {
        let (group, stream) = try Self.resolvedStream(context)
        let events = input.logEvents
        var total = 0
        for event in events {
            let size = event.message.utf8.count + Self.eventOverhead
            if size > Self.maxEventBytes {
                throw LogsError.invalidParameter("Log event too large: \(size) bytes exceeds limit of \(Self.maxEventBytes)")
            }
            total += size
        }
        if total > Self.maxBatchBytes { throw LogsError.invalidParameter("Upload too large: \(total) bytes exceeds limit of \(Self.maxBatchBytes)") }
        for index in events.indices.dropFirst() where events[index].timestamp < events[index - 1].timestamp {
            throw LogsError.invalidParameter("Log events in a single PutLogEvents request must be in chronological order.")
        }
        if let first = events.first, let last = events.last, last.timestamp - first.timestamp > Self.maxBatchSpanMilliseconds {
            throw LogsError.invalidParameter("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")
        }
        let now = now()
        // The events are in order: those too old (or already expired) lead, those too new trail.
        let tooOldEnd = events.prefix { $0.timestamp < now - Self.maxPastMilliseconds }.count
        let expiredEnd = group.oldestKept(now: now).map { oldest in events.prefix { $0.timestamp < oldest }.count } ?? 0
        let tooNewStart = events.firstIndex { $0.timestamp > now + Self.maxFutureMilliseconds } ?? events.count
        let acceptedStart = max(tooOldEnd, expiredEnd)
        if acceptedStart < tooNewStart {
            let accepted = events[acceptedStart..<tooNewStart].map { FunctionLogEvent(timestamp: $0.timestamp, message: $0.message) }
            do {
                try await database.logs.append(streamID: stream.id, events: accepted, ingestionTime: now)
            } catch StoreError.notFound {
                throw LogsError.streamNotFound
            }
        }
        var rejected: LogsAPI.RejectedLogEventsInfo?
        if tooOldEnd > 0 || expiredEnd > 0 || tooNewStart < events.count {
            rejected = LogsAPI.RejectedLogEventsInfo(
                tooNewLogEventStartIndex: tooNewStart < events.count ? tooNewStart : nil, tooOldLogEventEndIndex: tooOldEnd > 0 ? tooOldEnd : nil,
                expiredLogEventEndIndex: expiredEnd > 0 ? expiredEnd : nil)
        }
        var updated = stream
        updated.lastIngestionAt = now
        return LogsAPI.PutLogEventsResponse(nextSequenceToken: Self.sequenceToken(updated), rejectedLogEventsInfo: rejected)
    }

    @Sendable func getLogEvents(_ input: LogsAPI.GetLogEventsRequest, _ context: CallContext) async throws -> LogsAPI.GetLogEventsResponse {
        let (group, stream) = try Self.resolvedStream(context)
        if input.unmask == true { throw LogsError.invalidParameter("Bulwark does not support data protection (unmask) yet.") }
        var after: LogPosition?
        var before: LogPosition?
        var fromHead = input.startFromHead ?? false
        if let token = input.nextToken {
            guard let (direction, position) = LogEventToken.parse(token) else { throw LogsError.invalidToken }
            switch direction {
            case .forward:
                after = position
                fromHead = true
            case .backward:
                before = position
                fromHead = false
            }
        }
        // At most 1 MB of events: the earliest when reading forward, the latest when reading backward;
        // the read stops there.
        let events = try await database.logs.events(
            streamID: stream.id, start: input.startTime, end: input.endTime, after: after, before: before, fromHead: fromHead,
            oldest: group.oldestKept(now: now()), limit: input.limit ?? 10_000, maxBytes: Self.maxBatchBytes, overhead: Self.eventOverhead)
        let forward = events.last?.position ?? after ?? before ?? LogPosition.start
        let backward = events.first?.position ?? before ?? after ?? LogPosition.start
        return LogsAPI.GetLogEventsResponse(
            events: events.map { LogsAPI.OutputLogEvent(timestamp: $0.timestamp, message: $0.message, ingestionTime: $0.ingestionTime) },
            nextForwardToken: LogEventToken.make(.forward, forward),
            nextBackwardToken: LogEventToken.make(.backward, backward)
        )
    }

    @Sendable func filterLogEvents(
        _ input: LogsAPI.FilterLogEventsRequest, _ context: CallContext
    ) async throws -> LogsAPI.FilterLogEventsResponse {
        let group = try Self.resolvedGroup(context).group
        if input.logStreamNames != nil, input.logStreamNamePrefix != nil {
            throw LogsError.invalidParameter("You cannot specify both LogStreamNames and LogStreamNamePrefix.")
        }
        if input.unmask == true { throw LogsError.invalidParameter("Bulwark does not support data protection (unmask) yet.") }
        let pattern: FilterPattern
        do {
            pattern = try FilterPattern(input.filterPattern ?? "")
        } catch {
            throw LogsError.invalidParameter(error.message)
        }
        var cursor: LogPosition?
        if let token = input.nextToken {
            guard let position = LogEventToken.filterPosition(token) else { throw LogsError.invalidToken }
            cursor = position
        }
        let limit = input.limit ?? 10_000
        let oldest = group.oldestKept(now: now())
        var matched: [LogEventRecord] = []
        var size = 0
        var scanned = 0
        var scannedBytes = 0
        var more = true
        // The scan is bounded in events and in bytes read; past either, a token goes on from there.
        scan: while scanned < Self.filterScanLimit, scannedBytes < Self.filterScanBytes {
            let (batch, exhausted) = try await database.logs.groupEvents(
                groupID: group.id, streamNames: input.logStreamNames, prefix: input.logStreamNamePrefix, start: input.startTime,
                end: input.endTime, after: cursor, oldest: oldest, limit: min(Self.filterReadLimit, Self.filterScanLimit - scanned),
                maxBytes: min(Self.filterReadBytes, Self.filterScanBytes - scannedBytes), overhead: Self.eventOverhead)
            for event in batch {
                scanned += 1
                scannedBytes += event.message.utf8.count + Self.eventOverhead
                guard pattern.matches(event.message) else {
                    cursor = event.position
                    continue
                }
                size += event.message.utf8.count + Self.eventOverhead
                if size > Self.maxBatchBytes { break scan }
                matched.append(event)
                cursor = event.position
                if matched.count == limit { break scan }
            }
            if exhausted {
                more = false
                break
            }
        }
        return LogsAPI.FilterLogEventsResponse(
            events: matched.map {
                LogsAPI.FilteredLogEvent(
                    logStreamName: $0.streamName, timestamp: $0.timestamp, message: $0.message, ingestionTime: $0.ingestionTime,
                    eventId: LogEventToken.eventID($0.position))
            },
            searchedLogStreams: [],
            nextToken: more ? cursor.map(LogEventToken.filterToken(after:)) : nil
        )
    }
}
