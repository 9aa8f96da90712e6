import Foundation

/// Encodes a value straight into a ``JSONValue``: the same document that `JSONEncoder` (dates as
/// seconds since 1970, blobs as base64) followed by ``JSONValue/parse(_:)`` gives, without writing
/// and reading the text in between (issue #10). A number that is a whole value that fits 64 bits is
/// an `.int`, as the text round trip made it.
public enum JSONValueEncoder {
    public static func encode(_ value: some Encodable) throws -> JSONValue {
        let root = Node()
        try encode(value, into: root, codingPath: [])
        return root.resolved()
    }

    fileprivate static func encode(_ value: some Encodable, into node: Node, codingPath: [any CodingKey]) throws {
        switch value {
        case let date as Date: node.value = number(date.timeIntervalSince1970)
        case let data as Data: node.value = .string(data.base64EncodedString())
        default: try value.encode(to: NodeEncoder(node: node, codingPath: codingPath))
        }
    }

    fileprivate static func number(_ value: Double) -> JSONValue {
        if value.rounded(.towardZero) == value, let exact = Int64(exactly: value) { return .int(exact) }
        return .double(value)
    }

    fileprivate static func number(_ value: some BinaryInteger) -> JSONValue {
        Int64(exactly: value).map(JSONValue.int) ?? .double(Double(value))
    }

    /// A value being built: a leaf, an object or an array, filled by the containers.
    fileprivate final class Node {
        var value: JSONValue = .null
        var members: [String: Node]?
        var elements: [Node]?

        func member(_ key: String) -> Node {
            let node = Node()
            if members == nil { members = [:] }
            members![key] = node
            return node
        }

        func appended() -> Node {
            let node = Node()
            if elements == nil { elements = [] }
            elements!.append(node)
            return node
        }

        func resolved() -> JSONValue {
            if let members { return .object(members.mapValues { $0.resolved() }) }
            if let elements { return .array(elements.map { $0.resolved() }) }
            return value
        }
    }

    fileprivate struct NodeEncoder: Encoder {
        let node: Node
        let codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            if node.members == nil { node.members = [:] }
            return KeyedEncodingContainer(KeyedContainer<Key>(node: node, codingPath: codingPath))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            if node.elements == nil { node.elements = [] }
            return UnkeyedContainer(node: node, codingPath: codingPath)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer {
            SingleContainer(node: node, codingPath: codingPath)
        }
    }

    fileprivate struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let node: Node
        let codingPath: [any CodingKey]

        mutating func encodeNil(forKey key: Key) throws { node.member(key.stringValue).value = .null }
        mutating func encode(_ value: Bool, forKey key: Key) throws { node.member(key.stringValue).value = .bool(value) }
        mutating func encode(_ value: String, forKey key: Key) throws { node.member(key.stringValue).value = .string(value) }
        mutating func encode(_ value: Double, forKey key: Key) throws { node.member(key.stringValue).value = number(value) }
        mutating func encode(_ value: Float, forKey key: Key) throws {
            node.member(key.stringValue).value = number(Double("\(value)") ?? Double(value))
        }
        mutating func encode(_ value: Int, forKey key: Key) throws { node.member(key.stringValue).value = number(value) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { node.member(key.stringValue).value = number(value) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { node.member(key.stringValue).value = number(value) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { node.member(key.stringValue).value = number(value) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { node.member(key.stringValue).value = number(value) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { node.member(key.stringValue).value = number(value) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { node.member(key.stringValue).value = number(value) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { node.member(key.stringValue).value = number(value) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { node.member(key.stringValue).value = number(value) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { node.member(key.stringValue).value = number(value) }
        mutating func encode(_ value: some Encodable, forKey key: Key) throws {
            try JSONValueEncoder.encode(value, into: node.member(key.stringValue), codingPath: codingPath + [key])
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type, forKey key: Key
        )
            -> KeyedEncodingContainer<NestedKey>
        {
            NodeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key]).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            NodeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key]).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder { NodeEncoder(node: node.member("super"), codingPath: codingPath) }
        mutating func superEncoder(forKey key: Key) -> any Encoder {
            NodeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key])
        }
    }

    fileprivate struct IndexKey: CodingKey {
        let intValue: Int?
        var stringValue: String { "Index \(intValue ?? 0)" }
        init(intValue: Int) { self.intValue = intValue }
        init?(stringValue: String) { nil }
    }

    fileprivate struct UnkeyedContainer: UnkeyedEncodingContainer {
        let node: Node
        let codingPath: [any CodingKey]
        var count: Int { node.elements?.count ?? 0 }

        private var nextPath: [any CodingKey] { codingPath + [IndexKey(intValue: count)] }

        mutating func encodeNil() throws { node.appended().value = .null }
        mutating func encode(_ value: Bool) throws { node.appended().value = .bool(value) }
        mutating func encode(_ value: String) throws { node.appended().value = .string(value) }
        mutating func encode(_ value: Double) throws { node.appended().value = number(value) }
        mutating func encode(_ value: Float) throws { node.appended().value = number(Double("\(value)") ?? Double(value)) }
        mutating func encode(_ value: Int) throws { node.appended().value = number(value) }
        mutating func encode(_ value: Int8) throws { node.appended().value = number(value) }
        mutating func encode(_ value: Int16) throws { node.appended().value = number(value) }
        mutating func encode(_ value: Int32) throws { node.appended().value = number(value) }
        mutating func encode(_ value: Int64) throws { node.appended().value = number(value) }
        mutating func encode(_ value: UInt) throws { node.appended().value = number(value) }
        mutating func encode(_ value: UInt8) throws { node.appended().value = number(value) }
        mutating func encode(_ value: UInt16) throws { node.appended().value = number(value) }
        mutating func encode(_ value: UInt32) throws { node.appended().value = number(value) }
        mutating func encode(_ value: UInt64) throws { node.appended().value = number(value) }
        mutating func encode(_ value: some Encodable) throws {
            let path = nextPath
            try JSONValueEncoder.encode(value, into: node.appended(), codingPath: path)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let path = nextPath
            return NodeEncoder(node: node.appended(), codingPath: path).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let path = nextPath
            return NodeEncoder(node: node.appended(), codingPath: path).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder {
            let path = nextPath
            return NodeEncoder(node: node.appended(), codingPath: path)
        }
    }

    fileprivate struct SingleContainer: SingleValueEncodingContainer {
        let node: Node
        let codingPath: [any CodingKey]

        mutating func encodeNil() throws { node.value = .null }
        mutating func encode(_ value: Bool) throws { node.value = .bool(value) }
        mutating func encode(_ value: String) throws { node.value = .string(value) }
        mutating func encode(_ value: Double) throws { node.value = number(value) }
        mutating func encode(_ value: Float) throws { node.value = number(Double("\(value)") ?? Double(value)) }
        mutating func encode(_ value: Int) throws { node.value = number(value) }
        mutating func encode(_ value: Int8) throws { node.value = number(value) }
        mutating func encode(_ value: Int16) throws { node.value = number(value) }
        mutating func encode(_ value: Int32) throws { node.value = number(value) }
        mutating func encode(_ value: Int64) throws { node.value = number(value) }
        mutating func encode(_ value: UInt) throws { node.value = number(value) }
        mutating func encode(_ value: UInt8) throws { node.value = number(value) }
        mutating func encode(_ value: UInt16) throws { node.value = number(value) }
        mutating func encode(_ value: UInt32) throws { node.value = number(value) }
        mutating func encode(_ value: UInt64) throws { node.value = number(value) }
        mutating func encode(_ value: some Encodable) throws { try JSONValueEncoder.encode(value, into: node, codingPath: codingPath) }
    }
}
