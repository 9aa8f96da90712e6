import AWSWire
import Foundation

/// A bucket's notification configuration as stored (decision 0042): the functions its object events
/// invoke, each for some event types and, optionally, keys of a prefix and a suffix.
public struct BucketNotification: Codable, Sendable, Equatable {
    /// One `LambdaFunctionConfiguration`.
    public struct FunctionDestination: Codable, Sendable, Equatable {
        public var id: String
        public var functionARN: String
        /// Event types as put (`s3:ObjectCreated:*`, `s3:ObjectRemoved:Delete`, …).
        public var events: [String]
        public var prefix: String?
        public var suffix: String?

        /// Whether an event of type `event` (`s3:ObjectCreated:Put`) on `key` goes to this function.
        func matches(_ event: String, key: String) -> Bool {
            events.contains { Self.type($0, covers: event) } && key.hasPrefix(prefix ?? "") && key.hasSuffix(suffix ?? "")
        }

        /// `s3:ObjectCreated:*` covers every `s3:ObjectCreated:…`; other types cover themselves.
        static func type(_ configured: String, covers event: String) -> Bool {
            configured.hasSuffix(":*") ? event.hasPrefix(configured.dropLast()) : configured == event
        }

        /// Whether this destination and `other` could both receive one event: a common event type, and
        /// key filters some key passes both (prefixes and suffixes each one the extension of the other).
        func overlaps(_ other: FunctionDestination) -> Bool {
            let sharesType = events.contains { mine in
                other.events.contains { theirs in Self.type(mine, covers: theirs) || Self.type(theirs, covers: mine) }
            }
            let (myPrefix, theirPrefix) = (prefix ?? "", other.prefix ?? "")
            let (mySuffix, theirSuffix) = (suffix ?? "", other.suffix ?? "")
            return sharesType && (myPrefix.hasPrefix(theirPrefix) || theirPrefix.hasPrefix(myPrefix))
                && (mySuffix.hasSuffix(theirSuffix) || theirSuffix.hasSuffix(mySuffix))
        }
    }

    public var functions: [FunctionDestination]

    /// The most configurations a bucket keeps (S3 documents no limit; each write matches its events
    /// against all of them, and a put checks every pair for overlaps).
    static let maxConfigurations = 100

    /// The destinations of an event of type `event` on `key`.
    func destinations(of event: String, key: String) -> [FunctionDestination] {
        functions.filter { $0.matches(event, key: key) }
    }

    /// The configuration a PutBucketNotificationConfiguration asks for, checked as S3 checks it. Its
    /// event types are those of S3's model (the pipeline refused any other): Bulwark raises the
    /// object-created, object-removed and object-tagging ones; the others name features it does not
    /// have (restores, replication, lifecycle, Intelligent-Tiering, ACLs), so they never occur.
    /// - Throws: `NotImplemented` for SNS, SQS and EventBridge destinations; `InvalidArgument` for a
    ///   filter rule S3 refuses, a repeated id, or overlapping configurations.
    static func parse(_ configuration: S3API.NotificationConfiguration, makeID: () -> String) throws -> BucketNotification {
        if !(configuration.topicConfigurations ?? []).isEmpty { throw S3Error.unsupportedDestination("SNS topics") }
        if !(configuration.queueConfigurations ?? []).isEmpty { throw S3Error.unsupportedDestination("SQS queues") }
        if configuration.eventBridgeConfiguration != nil { throw S3Error.unsupportedDestination("EventBridge") }
        let entries = configuration.lambdaFunctionConfigurations ?? []
        guard entries.count <= maxConfigurations else {
            throw S3Error.invalidArgument(
                "Bulwark accepts at most \(maxConfigurations) notification configurations per bucket.", name: "LambdaFunctionConfiguration",
                value: String(entries.count))
        }
        var functions: [FunctionDestination] = []
        for entry in entries {
            guard !entry.events.isEmpty else { throw S3Error.malformedXML }
            var prefix: String?
            var suffix: String?
            for rule in entry.filter?.key?.filterRules ?? [] {
                let value = rule.value ?? ""
                guard value.utf8.count <= 1024 else {
                    throw S3Error.invalidArgument("The filter rule value is longer than 1024 bytes.", name: "FilterRule", value: value)
                }
                switch rule.name?.lowercased() {
                case "prefix":
                    guard prefix == nil else {
                        throw S3Error.invalidArgument("Cannot specify more than one prefix rule in a filter.", name: "FilterRule", value: "prefix")
                    }
                    prefix = value
                case "suffix":
                    guard suffix == nil else {
                        throw S3Error.invalidArgument("Cannot specify more than one suffix rule in a filter.", name: "FilterRule", value: "suffix")
                    }
                    suffix = value
                default:
                    throw S3Error.malformedXML
                }
            }
            let id = entry.id ?? makeID()
            guard !functions.contains(where: { $0.id == id }) else {
                throw S3Error.invalidArgument("Same ID used for multiple configurations", name: "Id", value: id)
            }
            let destination = FunctionDestination(id: id, functionARN: entry.lambdaFunctionArn, events: entry.events, prefix: prefix, suffix: suffix)
            if functions.contains(where: { $0.overlaps(destination) }) {
                throw S3Error.invalidArgument(
                    "Configurations overlap. Configurations on the same bucket cannot share a common event type.", name: "Event",
                    value: entry.events.joined(separator: ", "))
            }
            functions.append(destination)
        }
        return BucketNotification(functions: functions)
    }

    /// The configuration as GetBucketNotificationConfiguration answers it.
    var answer: S3API.NotificationConfiguration {
        S3API.NotificationConfiguration(
            lambdaFunctionConfigurations: functions.isEmpty
                ? nil
                : functions.map { function in
                    let rules =
                        (function.prefix.map { [S3API.FilterRule(name: "Prefix", value: $0)] } ?? [])
                        + (function.suffix.map { [S3API.FilterRule(name: "Suffix", value: $0)] } ?? [])
                    return S3API.LambdaFunctionConfiguration(
                        id: function.id, lambdaFunctionArn: function.functionARN, events: function.events,
                        filter: rules.isEmpty ? nil : S3API.NotificationConfigurationFilter(key: S3API.S3KeyFilter(filterRules: rules)))
                })
    }
}
