/// The constraints AWS's live API enforces where they differ from the botocore model the shapes are
/// generated from (e.g. function names in the `eusc-` regions of the European Sovereign Cloud, or
/// a runtime list that has grown): validation then answers as AWS does today, while the generated
/// code stays that of the pinned model.
public struct CurrentConstraints: Sendable {
    /// Shape name → the pattern AWS enforces.
    public var patterns: [String: String]
    /// Shape name → the enum values AWS accepts.
    public var enums: [String: [String]]

    public init(patterns: [String: String] = [:], enums: [String: [String]] = [:]) {
        self.patterns = patterns
        self.enums = enums
    }
}

extension ServiceModel {
    /// This model with AWS's current patterns and enums in place of the model's, for the shapes it has.
    public func updating(_ current: CurrentConstraints) -> ServiceModel {
        var updated = self
        for name in Set(current.patterns.keys).union(current.enums.keys) {
            guard let shape = shapes[name] else { continue }
            updated = updated.replacing(
                shape.constrained(pattern: current.patterns[name] ?? shape.pattern, enumValues: current.enums[name] ?? shape.enumValues)
            )
        }
        return updated
    }
}

extension Shape {
    /// The same shape with another pattern and enum.
    func constrained(pattern: String?, enumValues: [String]?) -> Shape {
        Shape(
            name: name, kind: kind, members: members, required: required, listMember: listMember, mapKey: mapKey, mapValue: mapValue,
            listMemberLocationName: listMemberLocationName, mapKeyLocationName: mapKeyLocationName,
            mapValueLocationName: mapValueLocationName, flattened: flattened, min: min, max: max, pattern: pattern,
            enumValues: enumValues, sensitive: sensitive, isUnion: isUnion, isDocument: isDocument, payload: payload,
            timestampFormat: timestampFormat, error: error
        )
    }
}
