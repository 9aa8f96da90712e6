import Foundation

/// A trail's basic event selectors: validated as PutEventSelectors validates them, and matched
/// against indexed events at delivery (decision 0040). Data events are those of S3 objects and of
/// Lambda functions, the two kinds Bulwark records.
struct EventSelectors: Sendable, Equatable {
    let selectors: [CloudTrailAPI.EventSelector]

    static let dataResourceTypes = ["AWS::S3::Object", "AWS::Lambda::Function"]
    static let excludableSources = ["kms.amazonaws.com", "rdsdata.amazonaws.com"]
    /// Services whose events are global: a trail delivers them only when it includes global service events.
    static let globalSources: Set<String> = ["iam.amazonaws.com"]

    /// Every management event, read and write: a new trail's selectors.
    static let `default` = EventSelectors(selectors: [
        CloudTrailAPI.EventSelector(readWriteType: "All", includeManagementEvents: true, dataResources: [], excludeManagementEventSources: [])
    ])

    init(selectors: [CloudTrailAPI.EventSelector]) {
        self.selectors = selectors
    }

    /// The selectors as stored, or the default when none were put.
    init(stored: String?) {
        guard let stored, let selectors = try? JSONDecoder().decode([CloudTrailAPI.EventSelector].self, from: Data(stored.utf8)) else {
            self = .default
            return
        }
        self.selectors = selectors
    }

    var stored: String { String(decoding: (try? JSONEncoder().encode(selectors)) ?? Data("[]".utf8), as: UTF8.self) }

    /// The selectors as GetEventSelectors answers them, with AWS's defaults filled in.
    var answered: [CloudTrailAPI.EventSelector] {
        selectors.map {
            CloudTrailAPI.EventSelector(
                readWriteType: $0.readWriteType ?? "All", includeManagementEvents: $0.includeManagementEvents ?? true,
                dataResources: $0.dataResources ?? [], excludeManagementEventSources: $0.excludeManagementEventSources ?? [])
        }
    }

    /// Checks selectors as PutEventSelectors does. - Throws: `InvalidEventSelectorsException`.
    static func validate(_ selectors: [CloudTrailAPI.EventSelector]) throws {
        guard !selectors.isEmpty else { throw CloudTrailError.invalidSelectors("You must specify at least one event selector.") }
        guard selectors.count <= 5 else {
            throw CloudTrailError.invalidSelectors("You have exceeded the maximum number of event selectors (5) allowed per trail.")
        }
        var total = 0
        for selector in selectors {
            for source in selector.excludeManagementEventSources ?? [] where !excludableSources.contains(source) {
                throw CloudTrailError.invalidSelectors(
                    "Value \(source) for ExcludeManagementEventSources is invalid. Valid values are \(excludableSources.joined(separator: ", ")).")
            }
            for resource in selector.dataResources ?? [] {
                guard let type = resource.type, dataResourceTypes.contains(type) else {
                    throw CloudTrailError.invalidSelectors(
                        "Value \(resource.type ?? "null") for DataResources.Type is invalid. Bulwark records data events of "
                            + dataResourceTypes.joined(separator: " and ") + ".")
                }
                let values = resource.values ?? []
                guard !values.isEmpty else { throw CloudTrailError.invalidSelectors("DataResources.Values must not be empty.") }
                for value in values where !isValid(value, type: type) {
                    throw CloudTrailError.invalidSelectors("Value \(value) for DataResources.Values is invalid.")
                }
                total += values.count
            }
        }
        guard total <= 250 else {
            throw CloudTrailError.invalidSelectors("You have exceeded the maximum number of data resources (250) allowed per trail.")
        }
    }

    private static func isValid(_ value: String, type: String) -> Bool {
        switch type {
        case "AWS::S3::Object":
            if value == "arn:aws:s3" || value == "arn:aws:s3:::" { return true }
            guard value.hasPrefix("arn:aws:s3:::") else { return false }
            let path = value.dropFirst("arn:aws:s3:::".count)
            return path.contains("/") && !path.hasPrefix("/")
        default:
            if value == "arn:aws:lambda" { return true }
            let parts = value.split(separator: ":", omittingEmptySubsequences: false)
            return parts.count == 7 && parts[0] == "arn" && parts[1] == "aws" && parts[2] == "lambda" && !parts[3].isEmpty
                && parts[4].count == 12 && parts[5] == "function" && !parts[6].isEmpty
        }
    }

    /// Whether a trail with these selectors records `event`.
    func selects(_ event: IndexedEvent) -> Bool {
        selectors.contains { selector in
            switch selector.readWriteType ?? "All" {
            case "ReadOnly": guard event.readOnly else { return false }
            case "WriteOnly": guard !event.readOnly else { return false }
            default: break
            }
            if event.managementEvent {
                return selector.includeManagementEvents ?? true
                    && !(selector.excludeManagementEventSources ?? []).contains(event.eventSource)
            }
            return (selector.dataResources ?? []).contains { resource in
                event.resources.contains { named in
                    named.type == resource.type && (resource.values ?? []).contains { Self.value($0, covers: named.arn) }
                }
            }
        }
    }

    private static func value(_ value: String, covers arn: String) -> Bool {
        switch value {
        case "arn:aws:s3", "arn:aws:s3:::", "arn:aws:lambda": arn.hasPrefix(value)
        default: arn == value || arn.hasPrefix(value.hasPrefix("arn:aws:s3:::") ? value : value + ":")
        }
    }
}
