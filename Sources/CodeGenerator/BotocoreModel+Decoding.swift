extension BotocoreModel {
    /// Reads a parsed `service-2.json`.
    init(json: OrderedJSON) throws {
        guard let metadata = json["metadata"], let operations = json["operations"]?.objectEntries,
            let shapes = json["shapes"]?.objectEntries
        else { throw CodegenError("not a botocore service model: metadata, operations or shapes missing") }
        self.metadata = try Self.metadata(metadata)
        self.operations = try operations.map { try Self.operation(name: $0.key, $0.value) }
            .sorted { $0.name < $1.name }
        var definitions: [String: ShapeDefinition] = [:]
        for (name, value) in shapes {
            definitions[name] = try Self.shape(name: name, value)
        }
        self.shapes = definitions
    }

    private static func metadata(_ json: OrderedJSON) throws -> Metadata {
        Metadata(
            apiVersion: try required(json, "apiVersion", in: "metadata"),
            endpointPrefix: try required(json, "endpointPrefix", in: "metadata"),
            serviceID: try required(json, "serviceId", in: "metadata"),
            protocolName: try required(json, "protocol", in: "metadata"),
            protocols: json["protocols"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            signingName: json["signingName"]?.stringValue,
            targetPrefix: json["targetPrefix"]?.stringValue,
            jsonVersion: json["jsonVersion"]?.stringValue,
            xmlNamespace: json["xmlNamespace"]?.stringValue,
            // botocore writes `awsQueryCompatible: {}`; its presence is the flag.
            awsQueryCompatible: json["awsQueryCompatible"] != nil
        )
    }

    private static func operation(name: String, _ json: OrderedJSON) throws -> Operation {
        guard let http = json["http"] else { throw CodegenError("operation \(name) has no http binding") }
        let auth = json["auth"]?.arrayValue?.compactMap(\.stringValue) ?? []
        return Operation(
            name: name,
            httpMethod: try required(http, "method", in: "operation \(name)"),
            requestURI: try required(http, "requestUri", in: "operation \(name)"),
            responseCode: http["responseCode"]?.numberValue.map { Int($0) } ?? 200,
            input: json["input"]?["shape"]?.stringValue,
            output: json["output"]?["shape"]?.stringValue,
            resultWrapper: json["output"]?["resultWrapper"]?.stringValue,
            errors: (json["errors"]?.arrayValue ?? []).compactMap { $0["shape"]?.stringValue }.sorted(),
            unsigned: json["authtype"]?.stringValue == "none" || auth == ["smithy.api#noAuth"],
            gzipRequests: json["requestcompression"]?["encodings"]?.arrayValue?.contains { $0.stringValue == "gzip" } ?? false
        )
    }

    private static func shape(name: String, _ json: OrderedJSON) throws -> ShapeDefinition {
        var shape = ShapeDefinition(name: name, type: try required(json, "type", in: "shape \(name)"))
        for (memberName, member) in json["members"]?.objectEntries ?? [] {
            shape.members.append(
                Member(
                    name: memberName,
                    shape: try required(member, "shape", in: "member \(name).\(memberName)"),
                    location: member["location"]?.stringValue,
                    locationName: member["locationName"]?.stringValue,
                    flattened: member["flattened"]?.boolValue ?? false,
                    timestampFormat: member["timestampFormat"]?.stringValue,
                    jsonValue: member["jsonvalue"]?.boolValue ?? false,
                    xmlAttribute: member["xmlAttribute"]?.boolValue ?? false
                ))
        }
        shape.required = json["required"]?.arrayValue?.compactMap(\.stringValue) ?? []
        shape.listMember = try reference(json["member"], in: "list \(name)")
        shape.mapKey = try reference(json["key"], in: "map \(name)")
        shape.mapValue = try reference(json["value"], in: "map \(name)")
        shape.flattened = json["flattened"]?.boolValue ?? false
        shape.min = json["min"]?.numberValue
        shape.max = json["max"]?.numberValue
        shape.pattern = json["pattern"]?.stringValue
        shape.enumValues = json["enum"]?.arrayValue?.compactMap(\.stringValue)
        shape.sensitive = json["sensitive"]?.boolValue ?? false
        shape.isUnion = json["union"]?.boolValue ?? false
        shape.isDocument = json["document"]?.boolValue ?? false
        shape.isEventStream = json["eventstream"]?.boolValue ?? false
        shape.payload = json["payload"]?.stringValue
        shape.timestampFormat = json["timestampFormat"]?.stringValue
        shape.isException = json["exception"]?.boolValue ?? false
        shape.isFault = json["fault"]?.boolValue ?? false
        if let error = json["error"] {
            shape.error = ErrorBinding(
                code: error["code"]?.stringValue,
                httpStatus: error["httpStatusCode"]?.numberValue.map { Int($0) },
                senderFault: error["senderFault"]?.boolValue
            )
        }
        return shape
    }

    private static func reference(_ json: OrderedJSON?, in context: String) throws -> Reference? {
        guard let json else { return nil }
        return Reference(
            shape: try required(json, "shape", in: context),
            locationName: json["locationName"]?.stringValue
        )
    }

    private static func required(_ json: OrderedJSON, _ key: String, in context: String) throws -> String {
        guard let value = json[key]?.stringValue else { throw CodegenError("\(context) has no \(key)") }
        return value
    }
}
