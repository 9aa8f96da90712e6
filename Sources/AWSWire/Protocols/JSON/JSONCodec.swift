import BulwarkCore
import Foundation
import HTTPTypes

/// The `json` protocol (KMS, Secrets Manager, CloudTrail, Logs, Config, Events): every request is a
/// `POST /` whose `X-Amz-Target` header names the operation (`TrentService.Encrypt`) and whose body
/// is the input as one JSON object; answers and errors are JSON under
/// `application/x-amz-json-1.0` or `-1.1`, errors as `{"__type": code, "message": text}`.
///
/// Blobs travel base64-encoded and timestamps as seconds since 1970, the document form itself.
public struct JSONCodec: WireCodec {
    public let model: ServiceModel

    public init(model: ServiceModel) {
        self.model = model
    }

    /// The media type of the service's bodies (`application/x-amz-json-1.1`).
    public var contentType: String { "application/x-amz-json-\(model.jsonVersion ?? "1.0")" }

    public func match(_ request: WireRequest) -> OperationMatch? {
        guard request.method == .post, let operation = operationName(request) else { return nil }
        return model.operations[operation].map { OperationMatch(operation: $0) }
    }

    /// The operation part of `X-Amz-Target` when its prefix is the service's (`TrentService.`).
    private func operationName(_ request: WireRequest) -> String? {
        guard let target = request.header("X-Amz-Target"), let prefix = model.targetPrefix, target.hasPrefix(prefix + ".") else {
            return nil
        }
        return String(target.dropFirst(prefix.count + 1))
    }

    public func decodeInput(_ request: WireRequest, match: OperationMatch) throws -> JSONValue {
        guard let inputName = match.operation.input else { return .object([:]) }
        // The SDKs always send an object; an empty body is read as one with no members, as AWS does.
        guard !request.body.isEmpty else { return .object([:]) }
        let document = try JSONBody.read(request.body, as: model.shape(inputName), model: model, invalid: Self.serialization)
        guard case .object = document else { throw Self.serialization("the request body must be a JSON object") }
        return document
    }

    /// The json protocol's error for a body that cannot be read as the input.
    static func serialization(_ detail: String) -> AWSError {
        AWSError(code: "SerializationException", message: detail, status: 400)
    }

    public func serializationError(_ mismatch: ShapeValidator.TypeMismatch) -> AWSError {
        Self.serialization("Cannot deserialize the value at '\(mismatch.path)' as \(mismatch.expected.rawValue).")
    }

    public func encodeOutput(_ output: JSONValue, operation: OperationModel, requestID: String) -> WireResponse {
        var response = WireResponse(status: operation.responseCode)
        response.setHeader("x-amzn-RequestId", requestID)
        response.setHeader("Content-Type", contentType)
        guard let outputName = operation.output, case .object(let members) = output else {
            response.body = Data("{}".utf8)
            return response
        }
        var body: [String: JSONValue] = [:]
        for member in model.shape(outputName).members {
            guard let value = members[member.name], !value.isNull else { continue }
            body[member.wireName] = value
        }
        response.body = JSONValue.object(body).serialized()
        return response
    }

    /// Writes `{"__type": code, "message": text}` with the error's status; a service that still
    /// answers as its former query protocol did also gets the `x-amzn-query-error` header.
    public func encodeError(_ error: AWSError, requestID: String) -> WireResponse {
        var response = WireResponse(status: error.status)
        response.setHeader("x-amzn-RequestId", requestID)
        response.setHeader("Content-Type", contentType)
        for (name, value) in error.headers { response.setHeader(name, value) }
        if model.awsQueryCompatible, let code = model.shapes[error.code]?.error?.code {
            response.setHeader("x-amzn-query-error", "\(code);\(error.fault == .sender ? "Sender" : "Receiver")")
        }
        var body: [String: JSONValue] = ["__type": .string(error.code), "message": .string(error.message)]
        for (name, value) in error.fields { body[name] = .string(value) }
        response.body = JSONValue.object(body).serialized()
        return response
    }

    /// `UnknownOperationException` (400) for a request without a target of this service or naming an
    /// operation its API does not have, as the json services answer it.
    public func unknownOperationError(_ request: WireRequest) -> AWSError? {
        let detail: String
        if let target = request.header("X-Amz-Target") {
            detail = request.method == .post ? "The operation \(target) is not known." : "The operation \(target) must be called with POST."
        } else {
            detail = "The request names no operation: the X-Amz-Target header is missing."
        }
        return AWSError(code: "UnknownOperationException", message: detail, status: 400)
    }
}
