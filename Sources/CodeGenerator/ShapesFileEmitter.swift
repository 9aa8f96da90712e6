/// Writes `<Prefix>Shapes.swift`: the service's namespace enum and one `Codable` struct per structure
/// the implemented operations use, keyed by the model's member names as ``ShapeCoding`` expects.
struct ShapesFileEmitter {
    let plan: GenerationPlan
    let header: String

    /// Standard types the generated code names, spelled module-qualified when a model structure of
    /// the same name would otherwise shadow them inside the namespace.
    private static let standardTypes: [String: String] = [
        "String": "Swift.String", "Int": "Swift.Int", "Int64": "Swift.Int64", "Double": "Swift.Double",
        "Bool": "Swift.Bool", "Data": "Foundation.Data", "Date": "Foundation.Date",
        "JSONValue": "BulwarkCore.JSONValue", "Codable": "Swift.Codable", "Sendable": "Swift.Sendable",
        "Equatable": "Swift.Equatable", "CodingKey": "Swift.CodingKey", "Decoder": "Swift.Decoder",
        "Encoder": "Swift.Encoder",
    ]

    /// The box of recursive members, emitted into the namespace when a structure contains itself.
    private static let indirectName = "Indirect"

    private var structureTypeNames: Set<String> {
        Set(plan.typedStructures.map(SwiftNaming.typeName))
    }

    func emit() throws -> String {
        let names = plan.typedStructures.map(SwiftNaming.typeName)
        if let duplicate = Dictionary(grouping: names, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
            throw CodegenError("\(plan.config.service): two structures map to the Swift type \(duplicate)")
        }
        if structureTypeNames.contains(Self.indirectName) || structureTypeNames.contains(plan.config.namespace) {
            throw CodegenError("\(plan.config.service): a structure is named like a generated helper type")
        }
        let usesDocuments = try plan.modelShapes.contains { try plan.model.shape($0).isDocument }
        var out = header + "\n\n"
        if usesDocuments { out += "import BulwarkCore\n" }
        out += "import Foundation\n\n"
        out += "/// The typed shapes of the `\(plan.config.service)` operations Bulwark implements, keyed by the\n"
        out += "/// model's member names.\n"
        out += "public enum \(plan.config.namespace) {}\n"
        if !plan.boxedMembers.isEmpty {
            out += "\n" + indirectDeclaration()
        }
        for name in plan.typedStructures {
            out += "\n" + (try structDeclaration(plan.model.shape(name)))
        }
        return out
    }

    private func type(_ base: String) -> String {
        structureTypeNames.contains(base) ? (Self.standardTypes[base] ?? base) : base
    }

    private func swiftType(of shapeName: String) throws -> String {
        let shape = try plan.model.shape(shapeName)
        if shape.isDocument { return type("JSONValue") }
        switch shape.type {
        case "structure": return SwiftNaming.typeName(shapeName)
        case "list":
            guard let element = shape.listMember else { throw CodegenError("list \(shapeName) has no member") }
            return "[\(try swiftType(of: element.shape))]"
        case "map":
            guard let key = shape.mapKey, let value = shape.mapValue else {
                throw CodegenError("map \(shapeName) has no key or value")
            }
            guard try plan.model.shape(key.shape).type == "string" else {
                throw CodegenError("map \(shapeName) has keys that are not strings")
            }
            return "[\(type("String")): \(try swiftType(of: value.shape))]"
        case "string": return type("String")
        case "integer": return type("Int")
        case "long": return type("Int64")
        case "float", "double": return type("Double")
        case "boolean": return type("Bool")
        case "blob": return type("Data")
        case "timestamp": return type("Date")
        default: throw CodegenError("shape \(shapeName) has the unknown type \(shape.type)")
        }
    }

    private struct Property {
        let name: String
        let memberName: String
        let type: String
        let isOptional: Bool
        let isBoxed: Bool

        var declaredType: String { isOptional ? type + "?" : type }
        /// The stored property of a boxed member, named after the public one.
        var storage: String { "_" + name.filter { $0 != "`" } }
    }

    private func properties(of shape: BotocoreModel.ShapeDefinition) throws -> [Property] {
        let required = Set(shape.required)
        let boxed = plan.boxedMembers[shape.name] ?? []
        let properties = try shape.members.map { member in
            Property(
                name: SwiftNaming.propertyName(member.name),
                memberName: member.name,
                type: try swiftType(of: member.shape),
                isOptional: !required.contains(member.name),
                isBoxed: boxed.contains(member.name)
            )
        }
        if Set(properties.map(\.name)).count != properties.count {
            throw CodegenError("\(plan.config.service): members of \(shape.name) map to the same Swift name")
        }
        return properties
    }

    private func structDeclaration(_ shape: BotocoreModel.ShapeDefinition) throws -> String {
        let properties = try properties(of: shape)
        let conformances = [type("Codable"), type("Sendable"), type("Equatable")].joined(separator: ", ")
        var out = "extension \(plan.config.namespace) {\n"
        out += "    public struct \(SwiftNaming.typeName(shape.name)): \(conformances) {\n"
        for property in properties {
            if property.isBoxed {
                out += boxedAccessors(property)
            } else {
                out += "        public var \(property.name): \(property.declaredType)\n"
            }
        }
        if !properties.isEmpty { out += "\n" }
        out += initializer(properties)
        if !properties.isEmpty {
            out += "\n        enum CodingKeys: \(type("String")), \(type("CodingKey")) {\n"
            for property in properties {
                let caseName = property.isBoxed ? property.storage : property.name
                out += "            case \(caseName) = \(SwiftNaming.stringLiteral(property.memberName))\n"
            }
            out += "        }\n"
        }
        out += "    }\n}\n"
        return out
    }

    private func initializer(_ properties: [Property]) -> String {
        guard !properties.isEmpty else { return "        public init() {}\n" }
        let parameters = properties.map { property in
            "\(property.name): \(property.declaredType)" + (property.isOptional ? " = nil" : "")
        }
        var out = "        public init(\n"
        out += parameters.map { "            " + $0 }.joined(separator: ",\n") + "\n        ) {\n"
        for property in properties {
            if property.isBoxed {
                let wrap = property.isOptional ? "\(property.name).map(Indirect.wrapped)" : ".wrapped(\(property.name))"
                out += "            self.\(property.storage) = \(wrap)\n"
            } else {
                out += "            self.\(property.name) = \(property.name)\n"
            }
        }
        return out + "        }\n"
    }

    private func boxedAccessors(_ property: Property) -> String {
        let optional = property.isOptional ? "?" : ""
        let wrap = property.isOptional ? "newValue.map(Indirect.wrapped)" : ".wrapped(newValue)"
        return """
                    public var \(property.name): \(property.declaredType) {
                        get { \(property.storage)\(optional).value }
                        set { \(property.storage) = \(wrap) }
                    }
                    private var \(property.storage): \(Self.indirectName)<\(property.type)>\(optional)

            """
    }

    private func indirectDeclaration() -> String {
        let decoder = type("Decoder")
        let encoder = type("Encoder")
        return """
            extension \(plan.config.namespace) {
                /// Holds a member whose structure contains itself, so that the structure has a finite
                /// size; it encodes as the value it holds.
                public indirect enum \(Self.indirectName)<Wrapped: \(type("Codable")) & \(type("Sendable")) & \(type("Equatable"))>: \(type("Codable")), \(type("Sendable")), \(type("Equatable")) {
                    case wrapped(Wrapped)

                    public var value: Wrapped {
                        switch self {
                        case .wrapped(let value): value
                        }
                    }

                    public init(from decoder: any \(decoder)) throws {
                        self = .wrapped(try Wrapped(from: decoder))
                    }

                    public func encode(to encoder: any \(encoder)) throws {
                        try value.encode(to: encoder)
                    }
                }
            }

            """
    }
}
