/// What to generate for one service: the operations Bulwark implements, the shapes the runtime model
/// carries, the structures that become Swift types, and the members that must be boxed because a
/// structure contains itself.
struct GenerationPlan {
    let config: ServiceConfig
    let model: BotocoreModel
    let wireProtocol: String
    /// Names of the implemented operations.
    let implemented: Set<String>
    /// The shapes of the runtime model, sorted by name.
    let modelShapes: [String]
    /// The structures that become Swift types, sorted by name.
    let typedStructures: [String]
    /// Per structure, the members whose structure lies on a cycle through it.
    let boxedMembers: [String: Set<String>]

    /// The protocols the runtime can serve, in botocore's spelling.
    static let supportedProtocols = ["rest-json", "json", "query", "rest-xml", "smithy-rpc-v2-cbor"]

    init(config: ServiceConfig, model: BotocoreModel) throws {
        self.config = config
        self.model = model
        self.wireProtocol = try Self.chooseProtocol(config: config, metadata: model.metadata)

        var implemented = Set<String>()
        for name in config.operations {
            guard model.operation(name) != nil else {
                throw CodegenError("\(config.service): operation \(name) is configured but not in the model")
            }
            guard implemented.insert(name).inserted else {
                throw CodegenError("\(config.service): operation \(name) is configured twice")
            }
        }
        self.implemented = implemented

        let typedRoots = model.operations.filter { implemented.contains($0.name) }.flatMap {
            [$0.input, $0.output].compactMap { $0 }
        }
        let typed = try Self.closure(of: typedRoots, in: model)
        let errorRoots =
            model.operations.flatMap(\.errors)
            + model.shapes.values.filter { $0.isException || $0.error != nil }.map(\.name)
        let all = try Self.closure(of: Array(typed) + errorRoots, in: model)
        self.modelShapes = all.sorted()

        for name in typed.sorted() where try model.shape(name).isEventStream {
            throw CodegenError("\(config.service): shape \(name) is an event stream, which Bulwark cannot serve")
        }
        let structures = try typed.filter {
            let shape = try model.shape($0)
            return shape.type == "structure" && !shape.isDocument
        }
        self.typedStructures = structures.sorted()
        self.boxedMembers = try Self.recursiveMembers(of: self.typedStructures, in: model)
    }

    func isImplemented(_ operation: BotocoreModel.Operation) -> Bool {
        implemented.contains(operation.name)
    }

    /// The configured protocol, or the first of the service's protocols the runtime can serve.
    private static func chooseProtocol(config: ServiceConfig, metadata: BotocoreModel.Metadata) throws -> String {
        let offered = metadata.protocols.isEmpty ? [metadata.protocolName] : metadata.protocols
        if let wanted = config.wireProtocol {
            guard offered.contains(wanted), supportedProtocols.contains(wanted) else {
                throw CodegenError("\(config.service): protocol \(wanted) is not one of \(offered) that Bulwark serves")
            }
            return wanted
        }
        guard let chosen = offered.first(where: supportedProtocols.contains) else {
            throw CodegenError("\(config.service): none of its protocols \(offered) is one Bulwark serves")
        }
        return chosen
    }

    /// Every shape reachable from `roots` through members, list entries and map keys and values.
    private static func closure(of roots: [String], in model: BotocoreModel) throws -> Set<String> {
        var seen = Set<String>()
        var pending = roots
        while let name = pending.popLast() {
            guard seen.insert(name).inserted else { continue }
            pending.append(contentsOf: try model.shape(name).references)
        }
        return seen
    }

    /// Members that would give a structure infinite size: those whose structure is in the same
    /// strongly connected component of the "contains directly" graph (Tarjan's algorithm).
    /// Lists and maps already store their elements out of line, so they break cycles by themselves.
    private static func recursiveMembers(of structures: [String], in model: BotocoreModel) throws -> [String: Set<String>] {
        let nodes = Set(structures)
        var edges: [String: [String]] = [:]
        for name in structures {
            edges[name] = try model.shape(name).members.map(\.shape).filter(nodes.contains)
        }
        var tarjan = StronglyConnectedComponents(edges: edges)
        let component = tarjan.run(nodes: structures)
        var boxed: [String: Set<String>] = [:]
        for name in structures {
            for member in try model.shape(name).members where nodes.contains(member.shape) {
                if component[member.shape] == component[name] {
                    boxed[name, default: []].insert(member.name)
                }
            }
        }
        return boxed
    }
}
