import BulwarkCore
import Foundation
import HTTPTypes

/// The `rest-json` protocol (Lambda, API Gateway v2, Signer): the operation is named by method and
/// path, members travel in the URI, the query string, headers and a JSON body.
public struct RestJSONCodec: WireCodec {
    public let model: ServiceModel
    private let router: RestRouter

    public init(model: ServiceModel) {
        self.model = model
        self.router = RestRouter(model: model)
    }

    public func match(_ request: WireRequest) -> OperationMatch? {
        router.match(method: request.method.rawValue, rawPath: request.rawPath, query: request.queryItems)
            .map { OperationMatch(operation: $0.operation, labels: $0.labels) }
    }

    /// Whether the path belongs to this service at all (some operation matches it, whatever the method).
    public func recognizesPath(_ rawPath: String) -> Bool {
        router.hasPath(rawPath)
    }

    public func decodeInput(_ request: WireRequest, match: OperationMatch) throws -> JSONValue {
        try Self.checkPercentEncoding(request)
        guard let inputName = match.operation.input else { return .object([:]) }
        let input = model.shape(inputName)
        var members: [String: JSONValue] = [:]
        let query = request.queryItems
        var boundQueryNames: Set<String> = []
        for member in input.members {
            let memberShape = model.shape(member.shape)
            switch member.location {
            case .uri:
                if let text = match.labels[member.wireName] {
                    members[member.name] = try scalar(text, shape: memberShape, member: member)
                }
            case .querystring:
                boundQueryNames.insert(member.wireName)
                if memberShape.kind == .map { continue }
                let values = query.filter { $0.name == member.wireName }.map(\.value)
                guard !values.isEmpty else { continue }
                if memberShape.kind == .list, let elementShape = memberShape.listMember.map(model.shape) {
                    members[member.name] = .array(try values.map { try scalar($0, shape: elementShape, member: member) })
                } else if let last = values.last {
                    members[member.name] = try scalar(last, shape: memberShape, member: member)
                }
            case .header:
                guard let text = request.header(member.wireName) else { continue }
                if memberShape.kind == .list, let elementShape = memberShape.listMember.map(model.shape) {
                    let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                    members[member.name] = .array(try parts.map { try scalar($0, shape: elementShape, member: member) })
                } else {
                    members[member.name] = try scalar(text, shape: memberShape, member: member)
                }
            case .headers:
                let prefix = member.wireName.lowercased()
                var map: [String: JSONValue] = [:]
                for field in request.headers where field.name.canonicalName.hasPrefix(prefix) {
                    map[String(field.name.canonicalName.dropFirst(prefix.count))] = .string(field.value)
                }
                if !map.isEmpty { members[member.name] = .object(map) }
            case .body, .statusCode:
                continue
            }
        }
        // A map bound to the query string takes every parameter no other member claims.
        for member in input.members where member.location == .querystring && model.shape(member.shape).kind == .map {
            let unbound = query.filter { !boundQueryNames.contains($0.name) }
            if !unbound.isEmpty {
                members[member.name] = .object(
                    Dictionary(unbound.map { ($0.name, JSONValue.string($0.value)) }, uniquingKeysWith: { _, last in last }))
            }
        }
        try decodeBody(request.body, into: &members, input: input)
        return .object(members)
    }

    /// Refuses a path or query string with a malformed `%` escape, whose labels and values could only be
    /// guessed, with the errors the SigV4 verifier answers for them first (`InvalidURIPath`,
    /// `MalformedQueryString`, 400): the router and ``WireRequest/queryItems`` keep such escapes literally.
    static func checkPercentEncoding(_ request: WireRequest) throws(AWSError) {
        do {
            try RequestPath.validate(request.rawPath)
        } catch {
            throw error.awsError(for: .json)
        }
        do {
            _ = try QueryString.parseStrictly(request.rawQuery)
        } catch {
            throw SigV4Failure.malformedQueryString(error.message).awsError(for: .json)
        }
    }

    private func decodeBody(_ body: Data, into members: inout [String: JSONValue], input: Shape) throws {
        if let payloadName = input.payload, let payload = input.member(named: payloadName) {
            let payloadShape = model.shape(payload.shape)
            switch payloadShape.kind {
            case .blob:
                if !body.isEmpty { members[payloadName] = .string(body.base64EncodedString()) }
            case .string:
                if !body.isEmpty { members[payloadName] = .string(String(decoding: body, as: UTF8.self)) }
            default:
                if !body.isEmpty { members[payloadName] = try JSONBody.read(body, as: payloadShape, model: model, invalid: invalidBody) }
            }
            return
        }
        guard !body.isEmpty, input.members.contains(where: { $0.location == .body }) else { return }
        guard case .object(let bodyMembers) = try JSONBody.read(body, as: input, model: model, invalid: invalidBody) else {
            throw invalidBody("the request body must be a JSON object")
        }
        for member in input.members where member.location == .body {
            if let value = bodyMembers[member.name] { members[member.name] = value }
        }
    }

    /// Converts a URI label, query value or header to the member's type.
    private func scalar(_ text: String, shape: Shape, member: Shape.Member) throws -> JSONValue {
        switch shape.kind {
        case .string: return .string(text)
        case .integer, .long:
            guard let number = Int64(text) else { throw notA("an integer", text, member) }
            return .int(number)
        case .float, .double:
            guard let number = Double(text) else { throw notA("a number", text, member) }
            return .double(number)
        case .boolean:
            switch text.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: throw notA("a boolean", text, member)
            }
        case .timestamp:
            let date = AWSTimestamp.parseISO8601(text) ?? AWSTimestamp.parseHTTPDate(text) ?? Double(text).map { Date(timeIntervalSince1970: $0) }
            guard let date, ShapeValidator.timestampRange.contains(date.timeIntervalSince1970) else { throw notA("a timestamp", text, member) }
            return .double(date.timeIntervalSince1970)
        case .blob:
            return .string(Data(text.utf8).base64EncodedString())
        case .structure, .list, .map:
            throw notA("a scalar", text, member)
        }
    }

    private func notA(_ kind: String, _ text: String, _ member: Shape.Member) -> AWSError {
        .validation(
            "1 validation error detected: Value '\(text)' at '\(ShapeValidator.render([member.name]))' failed to satisfy constraint: Member must be \(kind)"
        )
    }

    /// The error for an unreadable body, in the service's own code when its model has one.
    func invalidBody(_ detail: String) -> AWSError {
        if model.shapes["InvalidRequestContentException"] != nil {
            return AWSError(code: "InvalidRequestContentException", message: "Could not parse request body into json: \(detail)", status: 400)
        }
        return AWSError(code: "SerializationException", message: detail, status: 400)
    }

    public func serializationError(_ mismatch: ShapeValidator.TypeMismatch) -> AWSError {
        invalidBody("Cannot deserialize value of type \(mismatch.expected.rawValue) at '\(mismatch.path)'")
    }

    public func encodeOutput(_ output: JSONValue, operation: OperationModel, requestID: String) -> WireResponse {
        var response = WireResponse(status: operation.responseCode)
        response.setHeader("x-amzn-RequestId", requestID)
        guard let outputName = operation.output, case .object(let members) = output else {
            return response
        }
        let shape = model.shape(outputName)
        var body: [String: JSONValue] = [:]
        for member in shape.members {
            guard let value = members[member.name], !value.isNull else { continue }
            let memberShape = model.shape(member.shape)
            switch member.location {
            case .statusCode:
                if case .int(let status) = value { response.status = Int(status) }
            case .header:
                response.setHeader(member.wireName, Self.headerText(value, shape: memberShape))
            case .headers:
                for (key, entry) in value.objectValue ?? [:] {
                    response.setHeader(member.wireName + key, entry.stringValue ?? Self.headerText(entry, shape: memberShape))
                }
            case .body, .uri, .querystring:
                if member.name == shape.payload {
                    writePayload(value, shape: memberShape, into: &response)
                } else {
                    body[member.wireName] = value
                }
            }
        }
        if shape.payload == nil {
            response.body = JSONValue.object(body).serialized()
            response.setHeader("Content-Type", "application/json")
        }
        return response
    }

    private func writePayload(_ value: JSONValue, shape: Shape, into response: inout WireResponse) {
        switch shape.kind {
        case .blob:
            response.body = value.stringValue.flatMap { Data(base64Encoded: $0) } ?? Data()
            if response.header("Content-Type") == nil { response.setHeader("Content-Type", "application/octet-stream") }
        case .string:
            response.body = Data((value.stringValue ?? "").utf8)
            if response.header("Content-Type") == nil { response.setHeader("Content-Type", "text/plain") }
        default:
            response.body = value.serialized()
            response.setHeader("Content-Type", "application/json")
        }
    }

    private static func headerText(_ value: JSONValue, shape: Shape) -> String {
        switch value {
        case .string(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .double(let number):
            if shape.kind == .timestamp { return AWSTimestamp.rfc7231(Date(timeIntervalSince1970: number)) }
            return String(number)
        case .array(let elements): return elements.map { headerText($0, shape: shape) }.joined(separator: ",")
        case .null, .object: return ""
        }
    }

    public func encodeError(_ error: AWSError, requestID: String) -> WireResponse {
        RestJSONCodec.errorResponse(error, requestID: requestID, shape: model.shapes[error.code])
    }

    /// An error answer in the rest-json form: `x-amzn-ErrorType` and a JSON body whose message member
    /// is spelt as the error's model shape spells it (`Message` or `message`).
    public static func errorResponse(_ error: AWSError, requestID: String, shape: Shape? = nil) -> WireResponse {
        var response = WireResponse(status: error.status)
        response.setHeader("x-amzn-RequestId", requestID)
        response.setHeader("x-amzn-ErrorType", error.code)
        response.setHeader("Content-Type", "application/json")
        for (name, value) in error.headers { response.setHeader(name, value) }
        var body: [String: JSONValue] = [:]
        let messageKey = shape?.members.contains { $0.name == "Message" } == true ? "Message" : "message"
        body[messageKey] = .string(error.message)
        if shape?.members.contains(where: { $0.name == "Type" }) == true {
            body["Type"] = .string(error.fault == .sender ? "User" : "Service")
        }
        for (name, value) in error.fields { body[name] = .string(value) }
        response.body = JSONValue.object(body).serialized()
        return response
    }
}
