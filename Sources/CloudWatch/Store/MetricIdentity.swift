import BulwarkCore

/// A metric as CloudWatch identifies it: namespace, name and the exact set of its dimensions
/// (order does not matter; a dimension name appears once).
public struct MetricIdentity: Sendable, Hashable {
    public struct Dimension: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public var namespace: String
    public var name: String
    /// Sorted by name: the canonical order, in which they are stored and answered.
    public let dimensions: [Dimension]

    public init(namespace: String, name: String, dimensions: [Dimension]) {
        self.namespace = namespace
        self.name = name
        self.dimensions = dimensions.sorted { ($0.name, $0.value) < ($1.name, $1.value) }
    }

    /// The stored form of the dimensions: one JSON array of `[name, value]` pairs in canonical
    /// order, equal for equal sets.
    var dimensionsKey: String {
        String(decoding: JSONValue.array(dimensions.map { .array([.string($0.name), .string($0.value)]) }).serialized(), as: UTF8.self)
    }

    /// The dimensions of a stored key; nil when the text is not one (never written by this module).
    static func dimensions(fromKey key: String) -> [Dimension]? {
        guard case .array(let pairs)? = try? JSONValue.parse(Array(key.utf8)) else { return nil }
        var dimensions: [Dimension] = []
        for pair in pairs {
            guard case .array(let parts) = pair, parts.count == 2, let name = parts[0].stringValue, let value = parts[1].stringValue else {
                return nil
            }
            dimensions.append(Dimension(name: name, value: value))
        }
        return dimensions
    }
}
