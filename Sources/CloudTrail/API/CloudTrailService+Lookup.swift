import AWSWire
import BulwarkCore
import Foundation

extension CloudTrailService {
    /// LookupEvents answers the last 90 days.
    static let lookupWindow: TimeInterval = 90 * 86_400

    @Sendable func lookupEvents(_ input: CloudTrailAPI.LookupEventsRequest, _ context: CallContext) async throws -> CloudTrailAPI.LookupEventsResponse
    {
        if let category = input.eventCategory {
            guard category == "insight" else { throw CloudTrailError.invalidEventCategory }
            throw CloudTrailError.unsupported("Insights events (EventCategory insight)")
        }
        let attributes = input.lookupAttributes ?? []
        guard attributes.count <= 1 else { throw CloudTrailError.tooManyLookupAttributes }
        let attribute = try attributes.first.map(Self.attribute)
        let limit = input.maxResults ?? 50
        guard (1...50).contains(limit) else { throw CloudTrailError.invalidMaxResults }
        let now = clock.now()
        let end = input.endTime ?? now
        let start = input.startTime ?? now.addingTimeInterval(-Self.lookupWindow)
        guard start <= end else { throw CloudTrailError.invalidTimeRange }
        let after = try input.nextToken.map(Self.position(of:))
        // What the trail holds up to this call (the calls that led to it included) is indexed first,
        // by a catch-up that began after this call did — shared with concurrent lookups.
        try await indexer.catchUp(coveringCallsBefore: .now)
        let found = try await database.cloudTrailEvents.events(
            EventIndexRepository.Query(
                accountID: context.accountID, start: Self.milliseconds(start), end: Self.milliseconds(end), attribute: attribute,
                managementOnly: true, after: after, limit: limit))
        let page = found.prefix(limit)
        return CloudTrailAPI.LookupEventsResponse(
            events: page.map { Self.answer($0.event) },
            nextToken: found.count > limit ? page.last.map { Self.token(time: $0.event.eventTime, row: $0.row) } : nil)
    }

    static func answer(_ event: IndexedEvent) -> CloudTrailAPI.Event {
        CloudTrailAPI.Event(
            eventId: event.eventID, eventName: event.eventName, readOnly: event.readOnly ? "true" : "false", accessKeyId: event.accessKeyID,
            eventTime: Date(timeIntervalSince1970: Double(event.eventTime) / 1000), eventSource: event.eventSource, username: event.username,
            resources: event.resources.map { CloudTrailAPI.Resource(resourceType: $0.type, resourceName: $0.name) },
            cloudTrailEvent: event.record)
    }

    static func attribute(_ attribute: CloudTrailAPI.LookupAttribute) throws -> EventIndexRepository.Attribute {
        let value = attribute.attributeValue
        switch attribute.attributeKey {
        case "EventId": return .eventID(value)
        case "EventName": return .eventName(value)
        case "ReadOnly":
            switch value {
            case "true": return .readOnly(true)
            case "false": return .readOnly(false)
            default:
                throw CloudTrailError.invalidLookupAttribute("The ReadOnly lookup attribute value must be either true or false.")
            }
        case "Username": return .username(value)
        case "ResourceType": return .resourceType(value)
        case "ResourceName": return .resourceName(value)
        case "EventSource": return .eventSource(value)
        case "AccessKeyId": return .accessKeyID(value)
        default: throw CloudTrailError.invalidLookupAttribute("The attribute key \(attribute.attributeKey) is not supported.")
        }
    }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }

    /// The opaque NextToken of the page that ends with the event at `time` (milliseconds) and `row`.
    static func token(time: Int64, row: Int64) -> String {
        Data("e1:\(time):\(row)".utf8).base64EncodedString()
    }

    static func position(of token: String) throws -> (time: Int64, row: Int64) {
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8) else { throw CloudTrailError.invalidNextToken }
        let parts = text.split(separator: ":")
        guard parts.count == 3, parts[0] == "e1", let time = Int64(parts[1]), let row = Int64(parts[2]) else {
            throw CloudTrailError.invalidNextToken
        }
        return (time, row)
    }
}
