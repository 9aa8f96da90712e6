import AWSWire
import BulwarkCore
import Foundation
import HTTPTypes

/// Writes an input document as a client writes it on the wire, from the model alone: the query
/// protocol's form parameters (`A.B`, `A.member.N`, `A.entry.N.key`), or rest-json's URI labels,
/// query string, headers and JSON body — so that the walk sends every operation through the
/// pipeline's own routing and decoding.
struct WireEncoder {
    let model: ServiceModel

    /// The unsigned request of `operation` with `input`.
    func request(_ operation: String, input: JSONValue) throws -> WireRequest {
        guard let operationModel = model.operations[operation] else { throw Failure(description: "no operation \(operation)") }
        let shape = operationModel.input.map(model.shape)
        switch model.wireProtocol {
        case .query:
            var parameters: [(String, String)] = [("Action", operation), ("Version", model.apiVersion)]
            if let shape { query(input, shape: shape, prefix: "", into: &parameters) }
            var request = WireRequest(method: .post, target: "/", body: Data(Self.form(parameters).utf8))
            request.headers[.contentType] = "application/x-www-form-urlencoded; charset=utf-8"
            return request
        case .restJSON:
            return try restJSON(operationModel, input: input, shape: shape)
        case .json:
            // One POST / naming the operation in X-Amz-Target; the input, keyed by member names, is the body.
            var request = WireRequest(method: .post, target: "/", body: input.serialized())
            request.headers[.contentType] = "application/x-amz-json-\(model.jsonVersion ?? "1.0")"
            request.headers[HTTPField.Name("X-Amz-Target")!] = "\(model.targetPrefix ?? "").\(operation)"
            return request
        case .rpcV2CBOR:
            // POST /service/<prefix>/operation/<name> with the input as one CBOR map.
            let body = shape.map { CBOREncoder.encode(CBORDocument.item(input, shape: $0, model: model)) } ?? Data()
            var request = WireRequest(method: .post, target: "/service/\(model.targetPrefix ?? "")/operation/\(operation)", body: body)
            request.headers[.contentType] = "application/cbor"
            request.headers[HTTPField.Name("smithy-protocol")!] = "rpc-v2-cbor"
            return request
        case .restXML:
            // S3 is not among the walked services yet (its addressing needs its own encoder).
            throw Failure(description: "the rest-xml protocol of \(model.name) has no walker encoding yet")
        }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    // MARK: Query

    private func query(_ value: JSONValue, shape: Shape, prefix: String, into parameters: inout [(String, String)]) {
        func join(_ name: String) -> String { prefix.isEmpty ? name : "\(prefix).\(name)" }
        switch shape.kind {
        case .structure:
            for member in shape.members {
                guard let memberValue = value[member.name] else { continue }
                let memberShape = model.shape(member.shape)
                let flattened = member.flattened || memberShape.flattened
                var name = member.wireName
                if flattened, memberShape.kind == .list, let entryName = memberShape.listMemberLocationName { name = entryName }
                queryMember(memberValue, shape: memberShape, flattened: flattened, prefix: join(name), into: &parameters)
            }
        default:
            queryMember(value, shape: shape, flattened: false, prefix: prefix, into: &parameters)
        }
    }

    private func queryMember(_ value: JSONValue, shape: Shape, flattened: Bool, prefix: String, into parameters: inout [(String, String)]) {
        switch shape.kind {
        case .structure:
            query(value, shape: shape, prefix: prefix, into: &parameters)
        case .list:
            let items = value.arrayValue ?? []
            guard let element = shape.listMember.map(model.shape) else { return }
            if items.isEmpty { parameters.append((prefix, "")) }
            let container = flattened ? prefix : "\(prefix).\(shape.listMemberLocationName ?? "member")"
            for (index, item) in items.enumerated() {
                queryMember(item, shape: element, flattened: false, prefix: "\(container).\(index + 1)", into: &parameters)
            }
        case .map:
            guard let keyShape = shape.mapKey.map(model.shape), let valueShape = shape.mapValue.map(model.shape) else { return }
            let container = flattened ? prefix : "\(prefix).entry"
            for (index, entry) in (value.objectValue ?? [:]).sorted(by: { $0.key < $1.key }).enumerated() {
                let entryPrefix = "\(container).\(index + 1)"
                queryMember(
                    .string(entry.key), shape: keyShape, flattened: false, prefix: "\(entryPrefix).\(shape.mapKeyLocationName ?? "key")",
                    into: &parameters)
                queryMember(
                    entry.value, shape: valueShape, flattened: false, prefix: "\(entryPrefix).\(shape.mapValueLocationName ?? "value")",
                    into: &parameters)
            }
        default:
            parameters.append((prefix, scalar(value, shape: shape)))
        }
    }

    private func scalar(_ value: JSONValue, shape: Shape) -> String {
        switch value {
        case .string(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .double(let number):
            return shape.kind == .timestamp ? AWSTimestamp.iso8601(Date(timeIntervalSince1970: number)) : String(number)
        default: return String(decoding: value.serialized(), as: UTF8.self)
        }
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")

    static func encode(_ text: String, keeping extra: String = "") -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved.union(CharacterSet(charactersIn: extra))) ?? text
    }

    private static func form(_ parameters: [(String, String)]) -> String {
        parameters.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
    }

    // MARK: rest-json

    private func restJSON(_ operation: OperationModel, input: JSONValue, shape: Shape?) throws -> WireRequest {
        var target = operation.requestURI
        var query: [(String, String)] = []
        var headers = HTTPFields()
        var body: [String: JSONValue] = [:]
        var payload: Data?
        for member in shape?.members ?? [] {
            guard let value = input[member.name] else { continue }
            let memberShape = model.shape(member.shape)
            switch member.location {
            case .uri:
                let label = member.wireName
                if target.contains("{\(label)+}") {
                    target = target.replacingOccurrences(of: "{\(label)+}", with: Self.encode(scalar(value, shape: memberShape), keeping: "/"))
                } else {
                    target = target.replacingOccurrences(of: "{\(label)}", with: Self.encode(scalar(value, shape: memberShape)))
                }
            case .querystring:
                switch memberShape.kind {
                case .list:
                    let element = memberShape.listMember.map(model.shape) ?? memberShape
                    for item in value.arrayValue ?? [] { query.append((member.wireName, scalar(item, shape: element))) }
                case .map:
                    for (key, item) in value.objectValue ?? [:] { query.append((key, scalar(item, shape: memberShape))) }
                default:
                    query.append((member.wireName, scalar(value, shape: memberShape)))
                }
            case .header:
                guard let name = HTTPField.Name(member.wireName) else { continue }
                var text = scalar(value, shape: memberShape)
                if memberShape.kind == .timestamp, let seconds = value.doubleValue {
                    text = AWSTimestamp.rfc7231(Date(timeIntervalSince1970: seconds))
                }
                if member.jsonValue { text = Data(text.utf8).base64EncodedString() }
                headers[name] = text
            case .headers:
                for (key, item) in value.objectValue ?? [:] {
                    if let name = HTTPField.Name(member.wireName + key) { headers[name] = scalar(item, shape: memberShape) }
                }
            case .body, .statusCode:
                if member.name == shape?.payload {
                    switch memberShape.kind {
                    case .blob: payload = Data(base64Encoded: value.stringValue ?? "") ?? Data()
                    case .string: payload = Data((value.stringValue ?? "").utf8)
                    default: payload = value.serialized()
                    }
                } else {
                    body[member.name] = value
                }
            }
        }
        // A template's own query part (`?versions`) stays, the members' are added.
        if !query.isEmpty {
            let joined = query.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
            target += (target.contains("?") ? "&" : "?") + joined
        }
        let data = payload ?? (body.isEmpty ? Data() : JSONValue.object(body).serialized())
        var request = WireRequest(method: HTTPRequest.Method(rawValue: operation.httpMethod) ?? .post, target: target, body: data)
        for field in headers { request.headers.append(field) }
        if !data.isEmpty, request.headers[.contentType] == nil { request.headers[.contentType] = "application/json" }
        return request
    }
}
