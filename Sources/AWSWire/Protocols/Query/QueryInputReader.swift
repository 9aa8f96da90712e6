import BulwarkCore
import Foundation

/// Reads query-protocol parameters into a model-keyed document, the way botocore's query serializer
/// writes them: structure members by their wire name (`A.B`), list entries as `A.member.N` (or
/// `A.<name>.N`, or `A.N` when flattened), map entries as `A.entry.N.key` / `A.entry.N.value` (or
/// `A.N.key` when flattened, with the model's key and value names), an empty list as `A=`.
/// Parameters the shape does not know are ignored, as AWS ignores them.
struct QueryInputReader {
    let model: ServiceModel

    /// The document of `shape` from the tree's root, whose children are the top-level members.
    func read(_ root: QueryParameters.Node, as shape: Shape) throws -> JSONValue {
        try structure(root, shape: shape, path: [])
    }

    private func structure(_ node: QueryParameters.Node, shape: Shape, path: [String]) throws -> JSONValue {
        var members: [String: JSONValue] = [:]
        for member in shape.members {
            let memberShape = model.shape(member.shape)
            let flattened = member.flattened || memberShape.flattened
            var name = member.wireName
            // A flattened list whose entries are renamed is written under the entries' name.
            if flattened, memberShape.kind == .list, let entryName = memberShape.listMemberLocationName {
                name = entryName
            }
            guard let child = node.children[name] else { continue }
            if let value = try self.value(child, shape: memberShape, flattened: flattened, path: path + [member.name]) {
                members[member.name] = value
            }
        }
        return .object(members)
    }

    private func value(_ node: QueryParameters.Node, shape: Shape, flattened: Bool, path: [String]) throws -> JSONValue? {
        switch shape.kind {
        case .structure:
            return try structure(node, shape: shape, path: path)
        case .list:
            guard let elementShape = shape.listMember.map(model.shape) else { return nil }
            let container = flattened ? node : node.children[shape.listMemberLocationName ?? "member"]
            let entries = try container?.indexedChildren() ?? []
            return .array(
                try entries.enumerated().compactMap { index, entry in
                    try value(entry, shape: elementShape, flattened: false, path: path + ["\(index + 1)", "member"])
                })
        case .map:
            guard let keyShape = shape.mapKey.map(model.shape), let valueShape = shape.mapValue.map(model.shape) else { return nil }
            let container = flattened ? node : node.children["entry"]
            var entries: [String: JSONValue] = [:]
            for entry in try container?.indexedChildren() ?? [] {
                guard let keyNode = entry.children[shape.mapKeyLocationName ?? "key"],
                    case .string(let key)? = try value(keyNode, shape: keyShape, flattened: false, path: path)
                else { continue }
                if let valueNode = entry.children[shape.mapValueLocationName ?? "value"],
                    let mapped = try value(valueNode, shape: valueShape, flattened: false, path: path + [key])
                {
                    entries[key] = mapped
                }
            }
            return .object(entries)
        default:
            guard let text = node.value else { return nil }
            return try scalar(text, shape: shape, path: path)
        }
    }

    private func scalar(_ text: String, shape: Shape, path: [String]) throws -> JSONValue {
        switch shape.kind {
        case .string:
            return .string(text)
        case .integer, .long:
            let range = shape.kind == .integer ? Int64(Int32.min)...Int64(Int32.max) : Int64.min...Int64.max
            guard let number = Int64(text), range.contains(number) else { throw malformed(text, path, "an integer") }
            return .int(number)
        case .float, .double:
            guard let number = Double(text) else { throw malformed(text, path, "a number") }
            return .double(number)
        case .boolean:
            switch text.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: throw malformed(text, path, "a boolean")
            }
        case .timestamp:
            // botocore writes ISO 8601; the model may ask for seconds since 1970 instead.
            let date = AWSTimestamp.parseISO8601(text) ?? Double(text).map { Date(timeIntervalSince1970: $0) }
            guard let date else { throw malformed(text, path, "a timestamp") }
            return .double(date.timeIntervalSince1970)
        case .blob:
            guard Data(base64Encoded: text) != nil else { throw malformed(text, path, "base64-encoded binary data") }
            return .string(text)
        case .structure, .list, .map:
            throw malformed(text, path, "a structure, list or map")
        }
    }

    private func malformed(_ text: String, _ path: [String], _ expected: String) -> AWSError {
        QueryCodec.malformedInput("Value '\(text)' at '\(ShapeValidator.render(path))' could not be read as \(expected).")
    }
}
