import AWSWire
import BulwarkCore
import Foundation
import Store

extension CloudTrailService {
    @Sendable func startLogging(_ input: CloudTrailAPI.StartLoggingRequest, _ context: CallContext) async throws -> CloudTrailAPI.StartLoggingResponse
    {
        let trail = try Self.homeTrail(context)
        // The trail delivers what happens from now on: what is in the trail so far is indexed
        // first, so that the starting point is this moment's last event.
        try await indexer.catchUp(coveringCallsBefore: .now)
        do {
            try await database.trails.startLogging(trail, fromRow: try await database.cloudTrailEvents.lastRow(), now: clock.now())
        } catch StoreError.notFound {
            throw CloudTrailError.trailNotFound(input.name, accountID: context.accountID)
        }
        return CloudTrailAPI.StartLoggingResponse()
    }

    @Sendable func stopLogging(_ input: CloudTrailAPI.StopLoggingRequest, _ context: CallContext) async throws -> CloudTrailAPI.StopLoggingResponse {
        let trail = try Self.homeTrail(context)
        do {
            try await database.trails.stopLogging(trail, now: clock.now())
        } catch StoreError.notFound {
            throw CloudTrailError.trailNotFound(input.name, accountID: context.accountID)
        }
        return CloudTrailAPI.StopLoggingResponse()
    }

    @Sendable func getTrailStatus(
        _ input: CloudTrailAPI.GetTrailStatusRequest, _ context: CallContext
    ) async throws -> CloudTrailAPI.GetTrailStatusResponse {
        let trail = try Self.resolvedTrail(context)
        let latestDigest = try await database.trails.latestDigest(trail)
        // The attempt fields are strings, empty until there was one.
        func text(_ date: Date?) -> String { date.map(AWSTimestamp.iso8601) ?? "" }
        return CloudTrailAPI.GetTrailStatusResponse(
            isLogging: trail.isLogging, latestDeliveryError: trail.latestDeliveryError, latestDeliveryTime: trail.latestDeliveryTime,
            startLoggingTime: trail.startLoggingTime, stopLoggingTime: trail.stopLoggingTime, latestDigestDeliveryTime: latestDigest,
            latestDeliveryAttemptTime: text(trail.latestDeliveryAttemptTime), latestNotificationAttemptTime: "",
            latestNotificationAttemptSucceeded: "", latestDeliveryAttemptSucceeded: text(trail.latestDeliveryTime),
            timeLoggingStarted: text(trail.startLoggingTime), timeLoggingStopped: text(trail.stopLoggingTime))
    }

    @Sendable func getEventSelectors(
        _ input: CloudTrailAPI.GetEventSelectorsRequest, _ context: CallContext
    ) async throws -> CloudTrailAPI.GetEventSelectorsResponse {
        let trail = try Self.resolvedTrail(context)
        return CloudTrailAPI.GetEventSelectorsResponse(trailARN: trail.arn, eventSelectors: EventSelectors(stored: trail.eventSelectors).answered)
    }

    @Sendable func putEventSelectors(
        _ input: CloudTrailAPI.PutEventSelectorsRequest, _ context: CallContext
    ) async throws -> CloudTrailAPI.PutEventSelectorsResponse {
        let trail = try Self.homeTrail(context)
        if input.advancedEventSelectors != nil {
            if input.eventSelectors != nil {
                throw CloudTrailError.invalidSelectors("You cannot specify both EventSelectors and AdvancedEventSelectors.")
            }
            throw CloudTrailError.unsupported("advanced event selectors")
        }
        let selectors = input.eventSelectors ?? []
        try EventSelectors.validate(selectors)
        let stored = EventSelectors(selectors: selectors)
        do {
            _ = try await database.trails.putEventSelectors(trail, selectors: stored.stored)
        } catch StoreError.notFound {
            throw CloudTrailError.trailNotFound(input.trailName, accountID: context.accountID)
        }
        return CloudTrailAPI.PutEventSelectorsResponse(trailARN: trail.arn, eventSelectors: stored.answered)
    }
}
