import AWSWire

/// A rest-json model shaped like Lambda's (paths, labels, qualifiers), with a member in every location
/// the protocol binds and every scalar type, so that the fuzzer reaches each branch of the decoder.
enum FuzzModel {
    static let service = ServiceModel(
        name: "fuzz",
        serviceID: "Fuzz",
        apiVersion: "2015-03-31",
        wireProtocol: .restJSON,
        signingName: "fuzz",
        endpointPrefix: "fuzz",
        operations: [
            OperationModel(
                name: "CreateFunction", httpMethod: "POST", requestURI: "/2015-03-31/functions", responseCode: 201,
                input: "CreateFunctionRequest", output: "CreateFunctionRequest"),
            OperationModel(
                name: "GetFunction", httpMethod: "GET", requestURI: "/2015-03-31/functions/{FunctionName}",
                input: "GetFunctionRequest", output: "GetFunctionRequest"),
            OperationModel(
                name: "Invoke", httpMethod: "POST", requestURI: "/2015-03-31/functions/{FunctionName}/invocations",
                input: "InvokeRequest", output: "InvokeRequest"),
            OperationModel(
                name: "PutConfig", httpMethod: "PUT", requestURI: "/2015-03-31/functions/{FunctionName}/config",
                input: "PutConfigRequest", output: "PutConfigRequest"),
            OperationModel(
                name: "GetObject", httpMethod: "GET", requestURI: "/2015-03-31/objects/{Key+}/content",
                input: "GetObjectRequest", output: "GetObjectRequest"),
            OperationModel(
                name: "ListVersions", httpMethod: "GET", requestURI: "/2015-03-31/layers/{LayerName}/versions?find=LayerVersion",
                input: "ListVersionsRequest", output: "ListVersionsRequest"),
        ],
        shapes: [
            Shape(
                name: "CreateFunctionRequest", kind: .structure,
                members: [
                    .init(name: "FunctionName", shape: "FunctionName"),
                    .init(name: "MemorySize", shape: "Memory"),
                    .init(name: "Timeout", shape: "Integer"),
                    .init(name: "Publish", shape: "Boolean"),
                    .init(name: "Ratio", shape: "Double"),
                    .init(name: "Code", shape: "Code"),
                    .init(name: "Tags", shape: "Tags"),
                    .init(name: "Layers", shape: "Strings"),
                    .init(name: "Environment", shape: "Environment"),
                    .init(name: "Created", shape: "Timestamp"),
                    .init(name: "Size", shape: "Long"),
                    .init(name: "Architectures", shape: "Architectures"),
                    .init(name: "Document", shape: "Document"),
                    .init(name: "Choice", shape: "Choice"),
                ], required: ["FunctionName"]),
            Shape(
                name: "GetFunctionRequest", kind: .structure,
                members: [
                    .init(name: "FunctionName", shape: "FunctionName", location: .uri, locationName: "FunctionName"),
                    .init(name: "Qualifier", shape: "Qualifier", location: .querystring, locationName: "Qualifier"),
                    .init(name: "MaxItems", shape: "Memory", location: .querystring, locationName: "MaxItems"),
                    .init(name: "Versions", shape: "Strings", location: .querystring, locationName: "Version"),
                    .init(name: "Since", shape: "Timestamp", location: .querystring, locationName: "Since"),
                    .init(name: "Rest", shape: "StringMap", location: .querystring),
                ], required: ["FunctionName"]),
            Shape(
                name: "InvokeRequest", kind: .structure,
                members: [
                    .init(name: "FunctionName", shape: "FunctionName", location: .uri, locationName: "FunctionName"),
                    .init(name: "InvocationType", shape: "InvocationType", location: .header, locationName: "X-Amz-Invocation-Type"),
                    .init(name: "ClientContext", shape: "String", location: .header, locationName: "X-Amz-Client-Context"),
                    .init(name: "Retries", shape: "Integer", location: .header, locationName: "X-Amz-Retries"),
                    .init(name: "Flags", shape: "Strings", location: .header, locationName: "X-Amz-Flags"),
                    .init(name: "Modified", shape: "Timestamp", location: .header, locationName: "If-Modified-Since"),
                    .init(name: "Metadata", shape: "StringMap", location: .headers, locationName: "X-Amz-Meta-"),
                    .init(name: "Payload", shape: "Blob"),
                ], required: ["FunctionName"], payload: "Payload"),
            Shape(
                name: "PutConfigRequest", kind: .structure,
                members: [
                    .init(name: "FunctionName", shape: "FunctionName", location: .uri, locationName: "FunctionName"),
                    .init(name: "Config", shape: "Environment"),
                ], required: ["FunctionName"], payload: "Config"),
            Shape(
                name: "GetObjectRequest", kind: .structure,
                members: [
                    .init(name: "Key", shape: "String", location: .uri, locationName: "Key"),
                    .init(name: "Body", shape: "String"),
                ], required: ["Key"], payload: "Body"),
            Shape(
                name: "ListVersionsRequest", kind: .structure,
                members: [
                    .init(name: "LayerName", shape: "FunctionName", location: .uri, locationName: "LayerName"),
                    .init(name: "Marker", shape: "String", location: .querystring, locationName: "Marker"),
                ], required: ["LayerName"]),
            Shape(
                name: "Code", kind: .structure,
                members: [.init(name: "ZipFile", shape: "Blob"), .init(name: "S3Key", shape: "String")]),
            Shape(name: "Environment", kind: .structure, members: [.init(name: "Variables", shape: "StringMap")]),
            Shape(
                name: "Choice", kind: .structure,
                members: [.init(name: "A", shape: "String"), .init(name: "B", shape: "Integer")], isUnion: true),
            Shape(name: "Document", kind: .structure, isDocument: true),
            Shape(name: "FunctionName", kind: .string, min: 1, max: 140, pattern: "[a-zA-Z0-9-_:]+"),
            Shape(name: "Qualifier", kind: .string, min: 1, max: 128, pattern: "(|[a-zA-Z0-9$_-]+)"),
            Shape(name: "InvocationType", kind: .string, enumValues: ["Event", "RequestResponse", "DryRun"]),
            Shape(name: "Architectures", kind: .list, listMember: "Architecture", min: 1, max: 1),
            Shape(name: "Architecture", kind: .string, enumValues: ["x86_64", "arm64"]),
            Shape(name: "Memory", kind: .integer, min: 128, max: 10240),
            Shape(name: "Tags", kind: .map, mapKey: "TagKey", mapValue: "String"),
            Shape(name: "TagKey", kind: .string, min: 1, max: 128),
            Shape(name: "StringMap", kind: .map, mapKey: "String", mapValue: "String"),
            Shape(name: "Strings", kind: .list, listMember: "String", max: 5),
            Shape(name: "String", kind: .string),
            Shape(name: "Integer", kind: .integer),
            Shape(name: "Long", kind: .long),
            Shape(name: "Double", kind: .double),
            Shape(name: "Boolean", kind: .boolean),
            Shape(name: "Blob", kind: .blob),
            Shape(name: "Timestamp", kind: .timestamp),
        ]
    )
}
