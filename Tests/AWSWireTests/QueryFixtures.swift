import AWSWire
import BulwarkCore
import Foundation

/// The query-protocol fixtures written by `Fixtures/query/generate.py` with botocore: service models
/// (subsets of IAM's and STS's, and a made-up one with every feature of the protocol), request bodies
/// as botocore's clients send them, and answers botocore's parser reads back.
enum QueryFixtures {
    static let directory = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/query")

    static func json(_ relativePath: String) throws -> JSONValue {
        try JSONValue.parse(Data(contentsOf: directory.appendingPathComponent(relativePath)))
    }

    /// A codec for `models/<service>.json`.
    static func codec(_ service: String) throws -> QueryCodec {
        QueryCodec(model: try model(service))
    }

    /// Reads a botocore `service-2.json` (the parts the query protocol uses) into a `ServiceModel`.
    static func model(_ service: String) throws -> ServiceModel {
        let json = try json("models/\(service).json")
        let metadata = json["metadata"]?.objectValue ?? [:]
        let operations = (json["operations"]?.objectValue ?? [:]).map { name, operation in
            OperationModel(
                name: name,
                httpMethod: operation["http"]?["method"]?.stringValue ?? "POST",
                requestURI: operation["http"]?["requestUri"]?.stringValue ?? "/",
                input: operation["input"]?["shape"]?.stringValue,
                output: operation["output"]?["shape"]?.stringValue,
                resultWrapper: operation["output"]?["resultWrapper"]?.stringValue,
                errors: (operation["errors"]?.arrayValue ?? []).compactMap { $0["shape"]?.stringValue }
            )
        }
        let shapes = (json["shapes"]?.objectValue ?? [:]).map(shape)
        return ServiceModel(
            name: service,
            serviceID: metadata["serviceId"]?.stringValue ?? service,
            apiVersion: metadata["apiVersion"]?.stringValue ?? "",
            wireProtocol: .query,
            signingName: metadata["endpointPrefix"]?.stringValue ?? service,
            endpointPrefix: metadata["endpointPrefix"]?.stringValue ?? service,
            xmlNamespace: metadata["xmlNamespace"]?.stringValue,
            operations: operations,
            shapes: shapes
        )
    }

    private static func shape(name: String, json: JSONValue) -> Shape {
        let members = (json["members"]?.objectValue ?? [:]).sorted { $0.key < $1.key }.map { memberName, member in
            Shape.Member(
                name: memberName,
                shape: member["shape"]?.stringValue ?? "",
                locationName: member["locationName"]?.stringValue,
                flattened: member["flattened"] == .bool(true),
                timestampFormat: member["timestampFormat"]?.stringValue
            )
        }
        let error = json["error"].map { error in
            Shape.ErrorInfo(
                code: error["code"]?.stringValue,
                httpStatus: Int(error["httpStatusCode"]?.doubleValue ?? 400),
                senderFault: error["senderFault"] == .bool(true)
            )
        }
        return Shape(
            name: name,
            kind: Shape.Kind(rawValue: json["type"]?.stringValue ?? "") ?? .string,
            members: members,
            required: (json["required"]?.arrayValue ?? []).compactMap(\.stringValue),
            listMember: json["member"]?["shape"]?.stringValue,
            mapKey: json["key"]?["shape"]?.stringValue,
            mapValue: json["value"]?["shape"]?.stringValue,
            listMemberLocationName: json["member"]?["locationName"]?.stringValue,
            mapKeyLocationName: json["key"]?["locationName"]?.stringValue,
            mapValueLocationName: json["value"]?["locationName"]?.stringValue,
            flattened: json["flattened"] == .bool(true),
            min: json["min"]?.doubleValue,
            max: json["max"]?.doubleValue,
            pattern: json["pattern"]?.stringValue,
            enumValues: json["enum"]?.arrayValue?.compactMap(\.stringValue),
            sensitive: json["sensitive"] == .bool(true),
            timestampFormat: json["timestampFormat"]?.stringValue,
            error: error
        )
    }

    /// Whether two documents hold the same values, a whole `double` equal to the same `int`
    /// (fixtures write timestamps as JSON numbers, the codec reads them as seconds).
    static func same(_ left: JSONValue, _ right: JSONValue) -> Bool {
        switch (left, right) {
        case (.object(let a), .object(let b)):
            return a.count == b.count && a.allSatisfy { key, value in b[key].map { same(value, $0) } ?? false }
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy(same)
        case (.int, .double), (.double, .int), (.double, .double):
            return left.doubleValue == right.doubleValue
        default:
            return left == right
        }
    }
}
