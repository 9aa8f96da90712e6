/// The parts of a botocore `service-2.json` the generator uses, read with their order kept.
struct BotocoreModel {
    struct Metadata {
        var apiVersion: String
        var endpointPrefix: String
        var serviceID: String
        /// `metadata.protocol`, the preferred protocol.
        var protocolName: String
        /// `metadata.protocols`, every protocol the service accepts, preferred first.
        var protocols: [String]
        var signingName: String?
        var targetPrefix: String?
        var jsonVersion: String?
        var xmlNamespace: String?
        var awsQueryCompatible: Bool
    }

    struct Operation {
        var name: String
        var httpMethod: String
        var requestURI: String
        var responseCode: Int
        var input: String?
        var output: String?
        var resultWrapper: String?
        var errors: [String]
        var unsigned: Bool
        /// botocore compresses the request body with gzip past a size (`requestcompression`).
        var gzipRequests: Bool
    }

    /// A reference to a shape from a list entry or a map key or value.
    struct Reference {
        var shape: String
        var locationName: String?
    }

    struct Member {
        var name: String
        var shape: String
        var location: String?
        var locationName: String?
        var flattened: Bool
        var timestampFormat: String?
        var jsonValue: Bool
        var xmlAttribute: Bool
    }

    struct ErrorBinding {
        var code: String?
        var httpStatus: Int?
        var senderFault: Bool?
    }

    struct ShapeDefinition {
        var name: String
        var type: String
        var members: [Member] = []
        var required: [String] = []
        var listMember: Reference?
        var mapKey: Reference?
        var mapValue: Reference?
        var flattened = false
        var min: Double?
        var max: Double?
        var pattern: String?
        var enumValues: [String]?
        var sensitive = false
        var isUnion = false
        var isDocument = false
        var isEventStream = false
        var payload: String?
        var timestampFormat: String?
        var isException = false
        var isFault = false
        var error: ErrorBinding?

        /// The names of the shapes this one refers to, in a stable order.
        var references: [String] {
            members.map(\.shape) + [listMember, mapKey, mapValue].compactMap { $0?.shape }
        }
    }

    var metadata: Metadata
    /// All operations, sorted by name.
    var operations: [Operation]
    var shapes: [String: ShapeDefinition]

    func shape(_ name: String) throws -> ShapeDefinition {
        guard let shape = shapes[name] else {
            throw CodegenError("shape \(name) is referenced but not defined in the model")
        }
        return shape
    }

    func operation(_ name: String) -> Operation? {
        operations.first { $0.name == name }
    }
}
