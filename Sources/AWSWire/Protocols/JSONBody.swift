import BulwarkCore
import Foundation

/// Reading of JSON request bodies (rest-json and json protocols) into model-keyed documents.
enum JSONBody {
    /// Parses `body` and renames the members of every structure from their wire names to their model
    /// names, dropping keys the shape does not know; `invalid` makes the protocol's error for a body
    /// that is not JSON.
    static func read(_ body: Data, as shape: Shape, model: ServiceModel, invalid: (String) -> AWSError) throws -> JSONValue {
        let document: JSONValue
        do {
            document = try JSONValue.parse(body)
        } catch {
            throw invalid("the body is not valid JSON")
        }
        return rename(document, shape: shape, model: model)
    }

    static func rename(_ value: JSONValue, shape: Shape, model: ServiceModel) -> JSONValue {
        switch (shape.kind, value) {
        case (.structure, .object(let wire)):
            var members: [String: JSONValue] = [:]
            for member in shape.members where member.location == .body {
                if let memberValue = wire[member.locationName ?? member.name] {
                    members[member.name] = rename(memberValue, shape: model.shape(member.shape), model: model)
                }
            }
            return .object(members)
        case (.list, .array(let elements)):
            guard let elementShape = shape.listMember.map(model.shape) else { return value }
            return .array(elements.map { rename($0, shape: elementShape, model: model) })
        case (.map, .object(let entries)):
            guard let valueShape = shape.mapValue.map(model.shape) else { return value }
            return .object(entries.mapValues { rename($0, shape: valueShape, model: model) })
        default:
            return value
        }
    }
}
