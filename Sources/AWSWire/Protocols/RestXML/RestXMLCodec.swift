import BulwarkCore
import Foundation
import HTTPTypes

/// Finds the operation of a rest-xml request and the values of its URI labels. S3's router reads the
/// bucket from the host (virtual-hosted style) or the path, and tells apart the operations that share
/// a method and path by their subresources and headers.
public protocol RestXMLRouter: Sendable {
    /// The operation the request addresses, with its labels (`Bucket`, `Key`), or nil.
    func match(_ request: WireRequest, model: ServiceModel) -> OperationMatch?
    /// Whether the request is addressed to this service at all (by its host), whatever it asks.
    func recognizes(_ request: WireRequest) -> Bool
}

/// The `rest-xml` protocol (S3): the operation is named by method, path, subresource and headers;
/// members travel in the URI, the query string, headers and an XML or raw payload; answers are XML
/// documents (or the raw payload) and errors S3's `<Error>` document, which botocore's rest-xml
/// parser reads for every rest-xml service.
public struct RestXMLCodec: WireCodec {
    public let model: ServiceModel
    let router: any RestXMLRouter
    /// The root element of each operation's answer document (`ListAllMyBucketsResult`); the output
    /// shape's name when absent.
    let outputRoots: [String: String]
    let namespace: String?
    /// The status of a successful answer where the service answers another than the model's
    /// (S3's PutBucketPolicy and PutBucketTagging: 204, which the model does not bind).
    let responseCodes: [String: Int]

    public init(
        model: ServiceModel, router: any RestXMLRouter, outputRoots: [String: String], namespace: String?, responseCodes: [String: Int] = [:]
    ) {
        self.model = model
        self.router = router
        self.outputRoots = outputRoots
        self.namespace = namespace
        self.responseCodes = responseCodes
    }

    public func match(_ request: WireRequest) -> OperationMatch? {
        router.match(request, model: model)
    }

    public func recognizes(_ request: WireRequest) -> Bool {
        router.recognizes(request)
    }

    // MARK: Requests

    public func decodeInput(_ request: WireRequest, match: OperationMatch) throws -> JSONValue {
        guard let inputName = match.operation.input else { return .object([:]) }
        let input = model.shape(inputName)
        var members: [String: JSONValue] = [:]
        let query = request.queryItems
        for member in input.members {
            let memberShape = model.shape(member.shape)
            switch member.location {
            case .uri:
                if let text = match.labels[member.wireName] { members[member.name] = try scalar(text, shape: memberShape, member: member) }
            case .querystring:
                guard memberShape.kind != .map, let value = query.last(where: { $0.name == member.wireName })?.value else { continue }
                members[member.name] = try scalar(value, shape: memberShape, member: member)
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
        if let payloadName = input.payload, let payload = input.member(named: payloadName) {
            let payloadShape = model.shape(payload.shape)
            switch payloadShape.kind {
            case .blob:
                members[payloadName] = .string(request.body.base64EncodedString())
            case .string:
                if !request.body.isEmpty { members[payloadName] = .string(String(decoding: request.body, as: UTF8.self)) }
            case .structure:
                guard !request.body.isEmpty else { break }
                guard let tree = XMLTree.parse(request.body), tree.name == (payload.locationName ?? payloadShape.name) else {
                    throw Self.malformedXML
                }
                let document = try read(tree, shape: payloadShape)
                // A document that breaks its schema (`<Delete>` without an `<Object>`) is S3's
                // MalformedXML, not a parameter error.
                do {
                    try ShapeValidator(model: model).validate(document, as: payload.shape)
                } catch {
                    throw Self.malformedXML
                }
                members[payloadName] = document
            default:
                break
            }
        }
        return .object(members)
    }

    /// S3's answer to a body that is not the document the operation takes.
    public static let malformedXML = AWSError(
        code: "MalformedXML",
        message: "The XML you provided was not well-formed or did not validate against our published schema",
        status: 400
    )

    /// The document member of an XML element, by its shape.
    private func read(_ element: XMLTree, shape: Shape) throws -> JSONValue {
        switch shape.kind {
        case .structure:
            var members: [String: JSONValue] = [:]
            for member in shape.members where member.location == .body {
                let memberShape = model.shape(member.shape)
                let name = member.locationName ?? member.name
                if member.xmlAttribute {
                    if let value = element.attribute(name) { members[member.name] = .string(value) }
                    continue
                }
                if memberShape.kind == .list, let elementShape = memberShape.listMember.map(model.shape) {
                    let entries: [XMLTree]
                    if member.flattened || memberShape.flattened {
                        entries = element.children(named: name)
                    } else {
                        entries = element.children(named: name).first?.children(named: memberShape.listMemberLocationName ?? "member") ?? []
                    }
                    if !entries.isEmpty || !element.children(named: name).isEmpty {
                        members[member.name] = .array(try entries.map { try read($0, shape: elementShape) })
                    }
                } else if let child = element.children(named: name).last {
                    members[member.name] = try read(child, shape: memberShape)
                }
            }
            return .object(members)
        case .list, .map:
            throw Self.malformedXML
        default:
            do {
                return try scalar(element.text, shape: shape, member: Shape.Member(name: element.name, shape: shape.name))
            } catch {
                throw Self.malformedXML
            }
        }
    }

    /// Converts a URI label, query value, header or XML text to the member's type.
    private func scalar(_ text: String, shape: Shape, member: Shape.Member) throws -> JSONValue {
        switch shape.kind {
        case .string: return .string(text)
        case .integer, .long:
            guard let number = Int64(text.trimmingCharacters(in: .whitespaces)) else { throw invalidArgument(text, member) }
            return .int(number)
        case .float, .double:
            guard let number = Double(text) else { throw invalidArgument(text, member) }
            return .double(number)
        case .boolean:
            switch text.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: throw invalidArgument(text, member)
            }
        case .timestamp:
            let date = AWSTimestamp.parseHTTPDate(text) ?? AWSTimestamp.parseISO8601(text) ?? Double(text).map { Date(timeIntervalSince1970: $0) }
            guard let date, ShapeValidator.timestampRange.contains(date.timeIntervalSince1970) else { throw invalidArgument(text, member) }
            return .double(date.timeIntervalSince1970)
        case .blob:
            return .string(Data(text.utf8).base64EncodedString())
        case .structure, .list, .map:
            throw invalidArgument(text, member)
        }
    }

    private func invalidArgument(_ text: String, _ member: Shape.Member) -> AWSError {
        AWSError(
            code: "InvalidArgument", message: "Invalid value '\(text)' for \(member.wireName)", status: 400,
            fields: ["ArgumentName": member.wireName, "ArgumentValue": text])
    }

    public func validationError(_ message: String) -> AWSError {
        AWSError(code: "InvalidArgument", message: message, status: 400)
    }

    public func serializationError(_ mismatch: ShapeValidator.TypeMismatch) -> AWSError {
        Self.malformedXML
    }

    // MARK: Answers

    public func encodeOutput(_ output: JSONValue, operation: OperationModel, requestID: String) -> WireResponse {
        var response = WireResponse(status: responseCodes[operation.name] ?? operation.responseCode)
        setRequestHeaders(&response, requestID: requestID)
        guard let outputName = operation.output, case .object(let members) = output else { return response }
        let shape = model.shape(outputName)
        var bodyMembers: [String: JSONValue] = [:]
        for member in shape.members {
            guard let value = members[member.name], !value.isNull else { continue }
            let memberShape = model.shape(member.shape)
            switch member.location {
            case .statusCode:
                if case .int(let status) = value { response.status = Int(status) }
            case .header:
                response.setHeader(member.wireName, Self.headerText(value, shape: memberShape, member: member))
            case .headers:
                for (key, entry) in (value.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
                    response.setHeader(member.wireName + key, entry.stringValue ?? "")
                }
            case .body, .uri, .querystring:
                if member.name == shape.payload {
                    writePayload(value, member: member, shape: memberShape, into: &response)
                } else {
                    bodyMembers[member.name] = value
                }
            }
        }
        // A partial body (S3's ranged GetObject) is answered 206, which the model does not bind to a member.
        if response.status == 200, response.header("Content-Range") != nil, !response.body.isEmpty { response.status = 206 }
        if shape.payload == nil, shape.members.contains(where: { $0.location == .body }) {
            response.body = document(root: outputRoots[operation.name] ?? shape.name, members: .object(bodyMembers), shape: shape)
            response.setHeader("Content-Type", "application/xml")
        }
        return response
    }

    /// An XML answer document. A root named like the shape's only body member holds that member's
    /// text itself (`<LocationConstraint>eu-west-1</LocationConstraint>`).
    private func document(root: String, members: JSONValue, shape: Shape) -> Data {
        var xml = XMLWriter()
        let bodyMembers = shape.members.filter { $0.location == .body }
        if bodyMembers.count == 1, let only = bodyMembers.first, only.wireName == root {
            let text = members.objectValue?[only.name]?.stringValue ?? ""
            let start = "<\(root)" + (namespace.map { " xmlns=\"\(XMLWriter.escaped($0))\"" } ?? "")
            let element = text.isEmpty ? start + "/>" : start + ">" + XMLWriter.escaped(text) + "</\(root)>"
            return Data((Self.declaration + element).utf8)
        }
        xml.open(root, namespace: namespace)
        QueryOutputWriter(model: model).writeMembers(of: members, shape: shape, into: &xml)
        xml.close(root)
        return Data((Self.declaration + xml.text).utf8)
    }

    static let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"

    private func writePayload(_ value: JSONValue, member: Shape.Member, shape: Shape, into response: inout WireResponse) {
        switch shape.kind {
        case .blob:
            response.body = value.stringValue.flatMap { Data(base64Encoded: $0) } ?? Data()
        case .string:
            response.body = Data((value.stringValue ?? "").utf8)
        default:
            var xml = XMLWriter()
            let root = member.locationName ?? shape.name
            xml.open(root, namespace: namespace)
            QueryOutputWriter(model: model).writeMembers(of: value, shape: shape, into: &xml)
            xml.close(root)
            response.body = Data((Self.declaration + xml.text).utf8)
            response.setHeader("Content-Type", "application/xml")
        }
    }

    private static func headerText(_ value: JSONValue, shape: Shape, member: Shape.Member) -> String {
        switch value {
        case .string(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .double(let number):
            if shape.kind == .timestamp { return AWSTimestamp.rfc7231(Date(timeIntervalSince1970: number)) }
            if shape.kind == .integer || shape.kind == .long { return String(Int64(number)) }
            return String(number)
        case .array(let elements): return elements.map { headerText($0, shape: shape, member: member) }.joined(separator: ",")
        case .null, .object: return ""
        }
    }

    private func setRequestHeaders(_ response: inout WireResponse, requestID: String) {
        response.setHeader("x-amz-request-id", requestID)
        response.setHeader("x-amz-id-2", Self.hostID(requestID))
    }

    /// S3's extended request id (`HostId`): here a digest of the request id, so that both name one call.
    static func hostID(_ requestID: String) -> String {
        Data(SigV4Crypto.sha256Hex(Data(requestID.utf8)).utf8.prefix(48)).base64EncodedString()
    }

    // MARK: Errors

    public func encodeError(_ error: AWSError, requestID: String) -> WireResponse {
        Self.errorResponse(Self.translate(error), requestID: requestID)
    }

    /// S3's `<Error>` document: `Code`, `Message`, the members S3 adds (`BucketName`, `Key`,
    /// `Condition`, ...), `RequestId` and `HostId`.
    public static func errorResponse(_ error: AWSError, requestID: String) -> WireResponse {
        var response = WireResponse(status: error.status)
        response.setHeader("x-amz-request-id", requestID)
        response.setHeader("x-amz-id-2", hostID(requestID))
        // 304 Not Modified carries no body (RFC 9110 §15.4.5).
        guard error.status != 304 else { return response }
        response.setHeader("Content-Type", "application/xml")
        for (name, value) in error.headers { response.setHeader(name, value) }
        var xml = XMLWriter()
        xml.open("Error")
        xml.element("Code", error.code)
        xml.element("Message", error.message)
        for (name, value) in error.fields.sorted(by: { $0.key < $1.key }) { xml.element(name, value) }
        xml.element("RequestId", requestID)
        xml.element("HostId", hostID(requestID))
        xml.close("Error")
        response.body = Data((declaration + xml.text).utf8)
        return response
    }

    /// The pipeline's errors under the codes S3 answers them with.
    static func translate(_ error: AWSError) -> AWSError {
        var translated = error
        switch error.code {
        case "InvalidClientTokenId":
            translated.code = "InvalidAccessKeyId"
            translated.message = "The AWS Access Key Id you provided does not exist in our records."
        case "MissingAuthenticationToken":
            translated.code = "AccessDenied"
            translated.message = "Access Denied"
        case "RequestEntityTooLargeException":
            translated.code = "EntityTooLarge"
            translated.message = "Your proposed upload exceeds the maximum allowed size"
            translated.status = 400
        case "InternalFailure":
            translated.code = "InternalError"
            translated.message = "We encountered an internal error. Please try again."
        case "UnknownOperationException":
            translated.code = "MethodNotAllowed"
            translated.message = "The specified method is not allowed against this resource."
            translated.status = 405
        default:
            break
        }
        return translated
    }
}
