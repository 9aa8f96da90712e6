/// Writes `<Prefix>Model.swift`: the service's `ServiceModel` with every operation's binding and the
/// shapes of the implemented operations.
///
/// Each shape is appended in its own statement with explicit argument labels, so the type checker
/// sees many small expressions instead of one large literal.
struct ModelFileEmitter {
    let plan: GenerationPlan
    let header: String

    func emit() throws -> String {
        let model = plan.model
        let metadata = model.metadata
        let property = plan.config.modelProperty
        let operationsFunction = "\(property)Operations"
        let shapesFunction = "\(property)Shapes"
        var arguments: [Code] = [
            .labeled("name", .text(SwiftNaming.stringLiteral(plan.config.service))),
            .labeled("serviceID", .text(SwiftNaming.stringLiteral(metadata.serviceID))),
            .labeled("apiVersion", .text(SwiftNaming.stringLiteral(metadata.apiVersion))),
            .labeled("wireProtocol", .text(try Self.protocolCase(plan.wireProtocol))),
            // botocore signs with the endpoint prefix when the model names no signing name.
            .labeled("signingName", .text(SwiftNaming.stringLiteral(metadata.signingName ?? metadata.endpointPrefix))),
            .labeled("endpointPrefix", .text(SwiftNaming.stringLiteral(metadata.endpointPrefix))),
        ]
        // RPC v2 CBOR names the service in its path by the target prefix, as botocore writes it.
        if plan.wireProtocol == "json" || plan.wireProtocol == "smithy-rpc-v2-cbor" {
            if let targetPrefix = metadata.targetPrefix {
                arguments.append(.labeled("targetPrefix", .text(SwiftNaming.stringLiteral(targetPrefix))))
            }
            if let jsonVersion = metadata.jsonVersion {
                arguments.append(.labeled("jsonVersion", .text(SwiftNaming.stringLiteral(jsonVersion))))
            }
        }
        // A service of several protocols also answers in query when it lists it (CloudWatch).
        let speaksQuery = plan.wireProtocol == "query" || (plan.wireProtocol == "smithy-rpc-v2-cbor" && metadata.protocols.contains("query"))
        if speaksQuery || plan.wireProtocol == "rest-xml", let xmlNamespace = metadata.xmlNamespace {
            arguments.append(.labeled("xmlNamespace", .text(SwiftNaming.stringLiteral(xmlNamespace))))
        }
        if plan.wireProtocol == "json" || plan.wireProtocol == "smithy-rpc-v2-cbor", metadata.awsQueryCompatible {
            arguments.append(.labeled("awsQueryCompatible", .text("true")))
        }
        arguments.append(.labeled("operations", .text("\(operationsFunction)()")))
        arguments.append(.labeled("shapes", .text("\(shapesFunction)()")))

        var out = header + "\n\nimport AWSWire\n\nextension ServiceModel {\n"
        out += "    /// The `\(plan.config.service)` API (\(metadata.apiVersion)): every operation's HTTP binding, and the\n"
        out += "    /// shapes of the operations Bulwark implements.\n"
        let declaration = "    public static let \(property): ServiceModel = "
        out += declaration + Code.call("ServiceModel", arguments).render(indent: 4, column: declaration.count) + "\n\n"

        out += "    private static func \(operationsFunction)() -> [OperationModel] {\n"
        out += "        var operations: [OperationModel] = []\n"
        out += "        operations.reserveCapacity(\(model.operations.count))\n"
        for operation in model.operations {
            out += statement("operations.append", operationCode(operation))
        }
        out += "        return operations\n    }\n\n"

        out += "    private static func \(shapesFunction)() -> [Shape] {\n"
        out += "        var shapes: [Shape] = []\n"
        out += "        shapes.reserveCapacity(\(plan.modelShapes.count))\n"
        for name in plan.modelShapes {
            out += statement("shapes.append", try shapeCode(model.shape(name)))
        }
        out += "        return shapes\n    }\n}\n"
        return out
    }

    private func statement(_ head: String, _ value: Code) -> String {
        "        " + Code.call(head, [value]).render(indent: 8, column: 8) + "\n"
    }

    private static func protocolCase(_ name: String) throws -> String {
        switch name {
        case "rest-json": ".restJSON"
        case "json": ".json"
        case "query": ".query"
        case "rest-xml": ".restXML"
        case "smithy-rpc-v2-cbor": ".rpcV2CBOR"
        default: throw CodegenError("protocol \(name) has no WireProtocol case")
        }
    }

    private func operationCode(_ operation: BotocoreModel.Operation) -> Code {
        var arguments: [Code] = [
            .labeled("name", .text(SwiftNaming.stringLiteral(operation.name))),
            .labeled("httpMethod", .text(SwiftNaming.stringLiteral(operation.httpMethod))),
            .labeled("requestURI", .text(SwiftNaming.stringLiteral(operation.requestURI))),
        ]
        if operation.responseCode != 200 {
            arguments.append(.labeled("responseCode", .text(String(operation.responseCode))))
        }
        // Shapes are carried for implemented operations only; the others are known by their binding.
        if plan.isImplemented(operation) {
            if let input = operation.input {
                arguments.append(.labeled("input", .text(SwiftNaming.stringLiteral(input))))
            }
            if let output = operation.output {
                arguments.append(.labeled("output", .text(SwiftNaming.stringLiteral(output))))
                if let wrapper = operation.resultWrapper {
                    arguments.append(.labeled("resultWrapper", .text(SwiftNaming.stringLiteral(wrapper))))
                }
            }
        }
        let gzipRequests = plan.isImplemented(operation) && operation.gzipRequests
        if !operation.errors.isEmpty {
            arguments.append(.labeled("errors", strings(operation.errors)))
        }
        if operation.unsigned {
            arguments.append(.labeled("unsigned", .text("true")))
        }
        if gzipRequests {
            arguments.append(.labeled("gzipRequests", .text("true")))
        }
        return .call("OperationModel", arguments)
    }

    private func shapeCode(_ shape: BotocoreModel.ShapeDefinition) throws -> Code {
        var arguments: [Code] = [
            .labeled("name", .text(SwiftNaming.stringLiteral(shape.name))),
            .labeled("kind", .text(try kindCase(shape))),
        ]
        func add(_ label: String, _ value: String?) {
            if let value { arguments.append(.labeled(label, .text(SwiftNaming.stringLiteral(value)))) }
        }
        func flag(_ label: String, _ value: Bool) {
            if value { arguments.append(.labeled(label, .text("true"))) }
        }
        if !shape.members.isEmpty, !shape.isDocument {
            arguments.append(.labeled("members", .array(try shape.members.map(memberCode))))
        }
        if !shape.required.isEmpty {
            arguments.append(.labeled("required", strings(shape.required)))
        }
        add("listMember", shape.listMember?.shape)
        add("mapKey", shape.mapKey?.shape)
        add("mapValue", shape.mapValue?.shape)
        add("listMemberLocationName", shape.listMember?.locationName)
        add("mapKeyLocationName", shape.mapKey?.locationName)
        add("mapValueLocationName", shape.mapValue?.locationName)
        flag("flattened", shape.flattened)
        if let min = shape.min { arguments.append(.labeled("min", .text(SwiftNaming.numberLiteral(min)))) }
        if let max = shape.max { arguments.append(.labeled("max", .text(SwiftNaming.numberLiteral(max)))) }
        if let pattern = shape.pattern {
            arguments.append(.labeled("pattern", .text(SwiftNaming.rawStringLiteral(pattern))))
        }
        if let values = shape.enumValues {
            arguments.append(.labeled("enumValues", strings(values)))
        }
        flag("sensitive", shape.sensitive)
        flag("isUnion", shape.isUnion)
        flag("isDocument", shape.isDocument)
        add("payload", shape.payload)
        add("timestampFormat", shape.timestampFormat)
        if shape.isException || shape.error != nil {
            arguments.append(.labeled("error", errorCode(shape)))
        }
        return .call("Shape", arguments)
    }

    private func kindCase(_ shape: BotocoreModel.ShapeDefinition) throws -> String {
        let kinds = ["structure", "list", "map", "string", "integer", "long", "float", "double", "boolean", "blob", "timestamp"]
        guard kinds.contains(shape.type) else {
            throw CodegenError("\(plan.config.service): shape \(shape.name) has the unknown type \(shape.type)")
        }
        return "." + shape.type
    }

    private func memberCode(_ member: BotocoreModel.Member) throws -> Code {
        var arguments: [Code] = [
            .labeled("name", .text(SwiftNaming.stringLiteral(member.name))),
            .labeled("shape", .text(SwiftNaming.stringLiteral(member.shape))),
        ]
        if let location = member.location {
            let locations = ["body", "uri", "querystring", "header", "headers", "statusCode"]
            guard locations.contains(location) else {
                throw CodegenError("\(plan.config.service): member \(member.name) has the unknown location \(location)")
            }
            if location != "body" { arguments.append(.labeled("location", .text("." + location))) }
        }
        if let locationName = member.locationName {
            arguments.append(.labeled("locationName", .text(SwiftNaming.stringLiteral(locationName))))
        }
        if member.flattened { arguments.append(.labeled("flattened", .text("true"))) }
        if let format = member.timestampFormat {
            arguments.append(.labeled("timestampFormat", .text(SwiftNaming.stringLiteral(format))))
        }
        if member.jsonValue { arguments.append(.labeled("jsonValue", .text("true"))) }
        if member.xmlAttribute { arguments.append(.labeled("xmlAttribute", .text("true"))) }
        return .call("Shape.Member", arguments)
    }

    private func errorCode(_ shape: BotocoreModel.ShapeDefinition) -> Code {
        // An exception without an HTTP binding is a client error unless the model calls it a fault.
        let status = shape.error?.httpStatus ?? (shape.isFault ? 500 : 400)
        let senderFault = shape.error?.senderFault ?? (status < 500)
        var arguments: [Code] = []
        if let code = shape.error?.code {
            arguments.append(.labeled("code", .text(SwiftNaming.stringLiteral(code))))
        }
        arguments.append(.labeled("httpStatus", .text(String(status))))
        arguments.append(.labeled("senderFault", .text(String(senderFault))))
        return .call("Shape.ErrorInfo", arguments)
    }

    private func strings(_ values: [String]) -> Code {
        .array(values.map { .text(SwiftNaming.stringLiteral($0)) })
    }
}
