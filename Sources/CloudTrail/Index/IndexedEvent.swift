import BulwarkCore
import Foundation

/// What the event index keeps of one line of the audit trail: the columns LookupEvents filters
/// on, the resources it names, and the line itself (CloudTrail's `CloudTrailEvent`).
struct IndexedEvent: Sendable, Equatable {
    struct Resource: Sendable, Equatable {
        /// CloudTrail's type, `AWS::Lambda::Function`.
        var type: String
        /// The name LookupEvents shows and matches: the last segment of the ARN's resource.
        var name: String
        var arn: String
    }

    var accountID: String
    var region: String
    /// Milliseconds since 1970.
    var eventTime: Int64
    var eventID: String
    var eventName: String
    var eventSource: String
    var readOnly: Bool
    var managementEvent: Bool
    var username: String?
    var accessKeyID: String?
    var resources: [Resource]
    var record: String
}

extension IndexedEvent {
    /// The fields of a trail line this index reads; the rest stays in `record`.
    fileprivate struct Line: Decodable {
        struct Identity: Decodable {
            var type: String
            var arn: String?
            var userName: String?
            var accessKeyId: String?
        }

        struct Named: Decodable {
            var ARN: String
            var type: String
        }

        var userIdentity: Identity
        var eventTime: String
        var eventSource: String
        var eventName: String
        var awsRegion: String
        var eventID: String
        var readOnly: Bool
        var managementEvent: Bool
        var recipientAccountId: String?
        var resources: [Named]?
    }

    /// The event a line records, or nil for a line that names no account (a caller that did not
    /// authenticate: it belongs to no account's trail) or that is not a trail record.
    init?(line: Data) {
        guard let decoded = try? JSONDecoder().decode(Line.self, from: line), let accountID = decoded.recipientAccountId,
            let time = AWSTimestamp.parseISO8601(decoded.eventTime), let record = Self.published(line)
        else { return nil }
        self.accountID = accountID
        region = decoded.awsRegion
        eventTime = Int64((time.timeIntervalSince1970 * 1000).rounded(.down))
        eventID = decoded.eventID
        eventName = decoded.eventName
        eventSource = decoded.eventSource
        readOnly = decoded.readOnly
        managementEvent = decoded.managementEvent
        username = Self.username(decoded.userIdentity)
        accessKeyID = decoded.userIdentity.accessKeyId
        resources = (decoded.resources ?? []).map { Resource(type: $0.type, name: Self.resourceName($0.ARN), arn: $0.ARN) }
        self.record = record
    }

    /// What Bulwark adds to a record for its operator (`bulwark iam explain`): which policies decided
    /// a denial and why. CloudTrail's own records carry none of it, and a reader of the trail (LookupEvents,
    /// the trail's bucket) is not thereby entitled to the account's policies: it is left out of what
    /// CloudTrail publishes (decision 0040).
    static let operatorFacts = ["authorization", "encodedAuthorizationMessage", "reason", "refusedChecks"]

    /// The line as CloudTrail publishes it: without the operator's facts.
    static func published(_ line: Data) -> String? {
        guard var object = (try? JSONSerialization.jsonObject(with: line)) as? [String: Any] else { return nil }
        if var facts = object["additionalEventData"] as? [String: Any] {
            for key in operatorFacts { facts[key] = nil }
            object["additionalEventData"] = facts.isEmpty ? nil : facts
        }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return nil }
        return String(data: data, encoding: .utf8)
    }

    /// LookupEvents' `Username`: the IAM user's name, `root`, or a session's name (the last segment
    /// of an assumed role's or federated user's ARN), as CloudTrail shows them.
    fileprivate static func username(_ identity: Line.Identity) -> String? {
        if let name = identity.userName { return name }
        if identity.type == "Root" { return "root" }
        guard let arn = identity.arn, let slash = arn.lastIndex(of: "/") else { return nil }
        return String(arn[arn.index(after: slash)...])
    }

    /// The name of the resource an ARN names, as LookupEvents shows it: a log group's name, a
    /// function's (without its qualifier), what follows the last `/` of a path (a role's, a user's),
    /// else the resource (a bucket's name, an object's `bucket/key`).
    static func resourceName(_ arnText: String) -> String {
        guard let arn = ARN(arnText) else { return arnText }
        let resource = arn.resource
        if resource.hasPrefix("log-group:") {
            let name = resource.dropFirst("log-group:".count)
            return String(name.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? name)
        }
        if resource.hasPrefix("function:") {
            return String(resource.dropFirst("function:".count).split(separator: ":").first ?? "")
        }
        if arn.service == "s3" { return resource }
        if let slash = resource.lastIndex(of: "/") { return String(resource[resource.index(after: slash)...]) }
        if let colon = resource.firstIndex(of: ":") { return String(resource[resource.index(after: colon)...]) }
        return resource
    }
}
