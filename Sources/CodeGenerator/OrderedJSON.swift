/// A JSON value whose objects keep their keys in document order.
///
/// botocore lists structure members in the order the wire formats use (XML answers follow it), and
/// Foundation's JSON readers return unordered dictionaries, so the generator reads models with its own
/// small parser.
enum OrderedJSON: Sendable {
    case object([(key: String, value: OrderedJSON)])
    case array([OrderedJSON])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    subscript(key: String) -> OrderedJSON? {
        guard case .object(let entries) = self else { return nil }
        return entries.first { $0.key == key }?.value
    }

    var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    var numberValue: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    var arrayValue: [OrderedJSON]? {
        if case .array(let value) = self { return value }
        return nil
    }

    var objectEntries: [(key: String, value: OrderedJSON)]? {
        if case .object(let entries) = self { return entries }
        return nil
    }

    /// Parses a complete JSON text.
    static func parse(_ bytes: [UInt8]) throws -> OrderedJSON {
        var parser = OrderedJSONParser(bytes: bytes)
        return try parser.parseDocument()
    }
}
