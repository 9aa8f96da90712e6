import BulwarkCore
import Foundation

/// Projects a model-keyed document into the form CloudTrail records it in `requestParameters` and
/// `responseElements`: member names in lower camel case, and the value of every sensitive shape
/// (secrets, environment variables, code bytes) replaced by `HIDDEN_DUE_TO_SECURITY_REASONS`.
public struct AuditProjection: Sendable {
    public static let hidden: JSONValue = "HIDDEN_DUE_TO_SECURITY_REASONS"

    private let model: ServiceModel

    public init(model: ServiceModel) {
        self.model = model
    }

    /// The audit form of `document`, an instance of `shapeName`; nil when there is nothing to record.
    public func project(_ document: JSONValue, as shapeName: String?) -> JSONValue? {
        guard let shapeName, let shape = model.shapes[shapeName] else { return nil }
        let projected = project(document, shape: shape)
        if case .object(let members) = projected, members.isEmpty { return nil }
        return projected
    }

    private func project(_ value: JSONValue, shape: Shape) -> JSONValue {
        if shape.sensitive || shape.kind == .blob { return Self.hidden }
        switch (shape.kind, value) {
        case (.structure, .object(let members)):
            var projected: [String: JSONValue] = [:]
            // The status code is the answer's, not one of its elements.
            for member in shape.members where member.location != .statusCode {
                guard let memberValue = members[member.name], let memberShape = model.shapes[member.shape] else { continue }
                projected[Self.lowerCamel(member.name)] = project(memberValue, shape: memberShape)
            }
            return .object(projected)
        case (.list, .array(let elements)):
            guard let elementShape = shape.listMember.flatMap({ model.shapes[$0] }) else { return value }
            return .array(elements.map { project($0, shape: elementShape) })
        case (.map, .object(let entries)):
            if shape.mapKey.flatMap({ model.shapes[$0] })?.sensitive == true { return Self.hidden }
            guard let valueShape = shape.mapValue.flatMap({ model.shapes[$0] }) else { return value }
            return .object(entries.mapValues { project($0, shape: valueShape) })
        case (.timestamp, _):
            guard let seconds = value.doubleValue else { return value }
            return .string(AWSTimestamp.iso8601(.init(timeIntervalSince1970: seconds)))
        default:
            return value
        }
    }

    static func lowerCamel(_ name: String) -> String {
        guard let first = name.first, first.isUppercase else { return name }
        return first.lowercased() + name.dropFirst()
    }
}
