import AWSWire
import BulwarkCore
import Store

extension LogsService {
    @Sendable func createLogStream(_ input: LogsAPI.CreateLogStreamRequest, _ context: CallContext) async throws -> EmptyOutput {
        let group = try Self.resolvedGroup(context)
        guard group.stream == nil else { throw LogsError.streamExists }
        do {
            try await database.logs.createStream(groupID: group.group.id, name: input.logStreamName, now: now())
        } catch StoreError.conflict {
            throw LogsError.streamExists
        } catch StoreError.notFound {
            throw LogsError.groupNotFound
        }
        return EmptyOutput()
    }

    @Sendable func deleteLogStream(_ input: LogsAPI.DeleteLogStreamRequest, _ context: CallContext) async throws -> EmptyOutput {
        let (_, stream) = try Self.resolvedStream(context)
        do {
            try await database.logs.deleteStream(stream)
        } catch StoreError.notFound {
            throw LogsError.streamNotFound
        }
        return EmptyOutput()
    }

    @Sendable func describeLogStreams(
        _ input: LogsAPI.DescribeLogStreamsRequest, _ context: CallContext
    ) async throws -> LogsAPI.DescribeLogStreamsResponse {
        let group = try Self.resolvedGroup(context).group
        let byLastEvent = input.orderBy == "LastEventTime"
        if byLastEvent, input.logStreamNamePrefix != nil {
            throw LogsError.invalidParameter("Cannot order by LastEventTime with a logStreamNamePrefix.")
        }
        var offset = 0
        if let token = input.nextToken {
            guard token.hasPrefix("s/"), let parsed = Int(token.dropFirst(2)), parsed > 0 else { throw LogsError.invalidToken }
            offset = parsed
        }
        let limit = input.limit ?? 50
        let found = try await database.logs.streams(
            groupID: group.id, prefix: input.logStreamNamePrefix, byLastEvent: byLastEvent, descending: input.descending ?? false,
            offset: offset, limit: limit)
        return LogsAPI.DescribeLogStreamsResponse(
            logStreams: found.prefix(limit).map { stream in
                LogsAPI.LogStream(
                    logStreamName: stream.name, creationTime: stream.createdAt, firstEventTimestamp: stream.firstEventAt,
                    lastEventTimestamp: stream.lastEventAt, lastIngestionTime: stream.lastIngestionAt,
                    uploadSequenceToken: stream.lastIngestionAt == nil ? nil : Self.sequenceToken(stream),
                    arn: LogGroupForm.arn(group: group.arn, qualifier: LogGroupForm.stream(stream.name)),
                    // AWS no longer reports a stream's size: always zero.
                    storedBytes: 0)
            },
            nextToken: found.count > limit ? "s/\(offset + limit)" : nil
        )
    }

    /// The sequence token AWS still shows though `PutLogEvents` ignores it: the stream's last
    /// ingestion, in AWS's 56 digits.
    static func sequenceToken(_ stream: LogStreamRecord) -> String {
        LogEventToken.eventID(LogPosition(timestamp: stream.lastIngestionAt ?? stream.createdAt, eventID: stream.id))
    }
}
