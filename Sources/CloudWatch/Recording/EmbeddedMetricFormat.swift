import AWSWire
import BulwarkCore

/// Reads CloudWatch's embedded metric format (EMF): a log line that is a JSON object whose `_aws` member
/// carries `Timestamp` (milliseconds) and `CloudWatchMetrics` directives — each a `Namespace`, `Dimensions`
/// (sets of member names) and `Metrics` (`Name`, optional `Unit`) — the values and dimension values being
/// the object's own members (what aws-lambda-powertools' Metrics prints).
///
/// A line that is not EMF, or breaks its rules (no timestamp, or one outside years 1–9999, more than 30 dimension
/// sets in a directive or dimensions in a set, a dimension named twice in a set, more than 100 metrics in a
/// directive or values in a metric, more than 100 metric datums in the line, a namespace, metric or dimension name
/// longer than 255 characters or a dimension value longer than 1024, a unit that is not one of CloudWatch's, a value that is not a finite number, a
/// dimension value that is not a string, an `AWS/` namespace), yields no metric, as CloudWatch then extracts none
/// from it.
public enum EmbeddedMetricFormat {
    /// One metric value set the line defines.
    public struct Datum: Sendable, Equatable {
        public var metric: MetricIdentity
        public var unit: String
        public var values: [Double]
        /// Seconds since 1970.
        public var timestamp: Int64
    }

    static let maxDimensions = 30
    static let maxMetrics = 100
    static let maxValues = 100
    static let maxDimensionSets = 30
    /// The most datums (metric × dimension set) one line may define.
    static let maxData = 100
    /// The longest namespace, metric name and dimension name, and dimension value, as PutMetricData allows.
    static let maxNameLength = 255
    static let maxDimensionValueLength = 1024
    /// The units a metric may have (the model's `StandardUnit`).
    static let units = Set(ServiceModel.cloudwatch.shape("StandardUnit").enumValues ?? [])
    /// Milliseconds since 1970 of 0001-01-01T00:00:00Z and 10000-01-01T00:00:00Z: timestamps lie between.
    static let timestampRange = -62_135_596_800_000.0..<253_402_300_800_000.0

    /// Whether the line may be EMF at all: a cheap test before any parsing.
    public static func mayContainMetrics(_ line: String) -> Bool {
        line.utf8.first == UInt8(ascii: "{") && line.contains("\"_aws\"")
    }

    /// The metrics a line defines; empty when it defines none or breaks the format's rules.
    public static func data(in line: String) -> [Datum] {
        guard mayContainMetrics(line), case .object(let root)? = try? JSONValue.parse(Array(line.utf8)),
            case .object(let aws)? = root["_aws"], let milliseconds = aws["Timestamp"]?.doubleValue, milliseconds.isFinite,
            timestampRange.contains(milliseconds),
            case .array(let directives)? = aws["CloudWatchMetrics"]
        else { return [] }
        let timestamp = Int64((milliseconds / 1000).rounded(.down))
        var data: [Datum] = []
        for directive in directives {
            guard let namespace = directive["Namespace"]?.stringValue, !namespace.isEmpty, !namespace.hasPrefix("AWS/"),
                namespace.count <= maxNameLength,
                case .array(let metrics)? = directive["Metrics"], metrics.count <= maxMetrics,
                case .array(let dimensionSets)? = directive["Dimensions"], dimensionSets.count <= maxDimensionSets
            else { return [] }
            var sets: [[MetricIdentity.Dimension]] = []
            for set in dimensionSets {
                guard case .array(let names) = set, names.count <= maxDimensions else { return [] }
                var dimensions: [MetricIdentity.Dimension] = []
                for name in names {
                    guard let name = name.stringValue, !name.isEmpty, name.count <= maxNameLength, let value = root[name]?.stringValue,
                        !value.isEmpty, value.count <= maxDimensionValueLength, !dimensions.contains(where: { $0.name == name })
                    else { return [] }
                    dimensions.append(.init(name: name, value: value))
                }
                sets.append(dimensions)
            }
            // A directive without dimension sets publishes its metrics without dimensions.
            if sets.isEmpty { sets = [[]] }
            guard data.count + metrics.count * sets.count <= maxData else { return [] }
            for metric in metrics {
                guard let name = metric["Name"]?.stringValue, !name.isEmpty, name.count <= maxNameLength, let values = values(root[name]) else {
                    return []
                }
                let unit = metric["Unit"]?.stringValue ?? "None"
                guard units.contains(unit) else { return [] }
                for dimensions in sets {
                    data.append(
                        Datum(
                            metric: MetricIdentity(namespace: namespace, name: name, dimensions: dimensions), unit: unit, values: values,
                            timestamp: timestamp))
                }
            }
        }
        return data
    }

    /// A member's values: one number, or an array of up to 100 numbers.
    private static func values(_ value: JSONValue?) -> [Double]? {
        if let number = value?.doubleValue { return [number] }
        guard case .array(let elements)? = value, !elements.isEmpty, elements.count <= maxValues else { return nil }
        let numbers = elements.compactMap(\.doubleValue)
        return numbers.count == elements.count ? numbers : nil
    }
}
