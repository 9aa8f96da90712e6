import AWSWire

/// A small rest-json model with the features the codec and the validator must handle.
enum TestModel {
    static let service = ServiceModel(
        name: "widgets",
        serviceID: "Widgets",
        apiVersion: "2020-01-01",
        wireProtocol: .restJSON,
        signingName: "widgets",
        endpointPrefix: "widgets",
        operations: [
            OperationModel(
                name: "CreateWidget", httpMethod: "POST", requestURI: "/2020-01-01/widgets", responseCode: 201,
                input: "CreateWidgetRequest", output: "Widget", errors: ["NotFoundException"]),
            OperationModel(
                name: "GetWidget", httpMethod: "GET", requestURI: "/2020-01-01/widgets/{Name}",
                input: "GetWidgetRequest", output: "Widget"),
            OperationModel(
                name: "ListWidgets", httpMethod: "GET", requestURI: "/2020-01-01/widgets",
                input: "ListWidgetsRequest", output: "Widget"),
            OperationModel(
                name: "GetBlob", httpMethod: "GET", requestURI: "/2020-01-01/blobs/{Key+}/content",
                input: "GetBlobRequest", output: "BlobOutput"),
            OperationModel(name: "FindLayer", httpMethod: "GET", requestURI: "/2020-01-01/layers?find=LayerVersion"),
            OperationModel(name: "ListLayers", httpMethod: "GET", requestURI: "/2020-01-01/layers"),
            OperationModel(name: "DeleteWidget", httpMethod: "DELETE", requestURI: "/2020-01-01/widgets/{Name}", responseCode: 204),
        ],
        shapes: [
            Shape(
                name: "CreateWidgetRequest", kind: .structure,
                members: [
                    .init(name: "Name", shape: "WidgetName"),
                    .init(name: "Size", shape: "Size"),
                    .init(name: "Color", shape: "Color"),
                    .init(name: "Secret", shape: "SecretText"),
                    .init(name: "Labels", shape: "Labels"),
                    .init(name: "Tags", shape: "TagMap"),
                    .init(name: "Options", shape: "Options"),
                    .init(name: "Trace", shape: "String", location: .header, locationName: "X-Trace"),
                ], required: ["Name"]),
            Shape(
                name: "GetWidgetRequest", kind: .structure,
                members: [
                    .init(name: "Name", shape: "WidgetName", location: .uri, locationName: "Name"),
                    .init(name: "Verbose", shape: "Boolean", location: .querystring, locationName: "verbose"),
                    .init(name: "Limit", shape: "Size", location: .querystring, locationName: "limit"),
                    .init(name: "Keys", shape: "Labels", location: .querystring, locationName: "key"),
                ], required: ["Name"]),
            Shape(
                name: "ListWidgetsRequest", kind: .structure,
                members: [
                    .init(name: "Marker", shape: "String", location: .querystring, locationName: "Marker")
                ]),
            Shape(
                name: "GetBlobRequest", kind: .structure,
                members: [
                    .init(name: "Key", shape: "String", location: .uri, locationName: "Key")
                ], required: ["Key"]),
            Shape(
                name: "BlobOutput", kind: .structure,
                members: [
                    .init(name: "Body", shape: "Blob"),
                    .init(name: "ContentKind", shape: "String", location: .header, locationName: "Content-Type"),
                ], payload: "Body"),
            Shape(
                name: "Widget", kind: .structure,
                members: [
                    .init(name: "Name", shape: "WidgetName"),
                    .init(name: "Size", shape: "Size"),
                    .init(name: "Version", shape: "String", location: .header, locationName: "X-Widget-Version"),
                    .init(name: "Status", shape: "Integer", location: .statusCode),
                    .init(name: "Secret", shape: "SecretText"),
                ]),
            Shape(name: "Options", kind: .structure, members: [.init(name: "Depth", shape: "Size")], required: ["Depth"]),
            Shape(name: "WidgetName", kind: .string, min: 1, max: 8, pattern: "[a-z][a-z0-9-]*"),
            Shape(name: "Size", kind: .integer, min: 1, max: 10),
            Shape(name: "Integer", kind: .integer),
            Shape(name: "Boolean", kind: .boolean),
            Shape(name: "String", kind: .string),
            Shape(name: "Blob", kind: .blob),
            Shape(name: "Color", kind: .string, enumValues: ["red", "green"]),
            Shape(name: "SecretText", kind: .string, max: 4, sensitive: true),
            Shape(name: "Labels", kind: .list, listMember: "Label", max: 2),
            Shape(name: "Label", kind: .string, max: 3),
            Shape(name: "TagMap", kind: .map, mapKey: "TagKey", mapValue: "String"),
            Shape(name: "TagKey", kind: .string, pattern: "[a-z]+"),
            Shape(
                name: "NotFoundException", kind: .structure,
                members: [
                    .init(name: "Type", shape: "String"), .init(name: "Message", shape: "String"),
                ], error: .init(httpStatus: 404, senderFault: true)),
        ]
    )
}
