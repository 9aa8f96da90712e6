import BulwarkCore
import Foundation
import HTTPTypes

/// The Smithy RPC v2 CBOR protocol (`smithy-rpc-v2-cbor`, CloudWatch in current botocore; decision
/// 0039): every request is a `POST /service/<ServiceName>/operation/<Operation>` carrying
/// `smithy-protocol: rpc-v2-cbor` and the input as one CBOR map; answers carry the same header and
/// `application/cbor` bodies, errors a map `{"__type": code, "message": text}`.
///
/// Timestamps travel as tag 1 (seconds since 1970), blobs as byte strings; the service name in the
/// path is the model's `targetPrefix`, as botocore writes it.
public struct RPCv2CBORCodec: WireCodec {
    public let model: ServiceModel

    public init(model: ServiceModel) {
        self.model = model
    }

    public static let protocolHeader = "rpc-v2-cbor"
    public static let contentType = "application/cbor"

    public func match(_ request: WireRequest) -> OperationMatch? {
        guard request.method == .post, request.header("smithy-protocol") == Self.protocolHeader,
            let operation = operationName(request.rawPath)
        else { return nil }
        return model.operations[operation].map { OperationMatch(operation: $0) }
    }

    /// The operation named by `/service/<targetPrefix>/operation/<Operation>` (the query part aside).
    private func operationName(_ rawPath: String) -> String? {
        guard let prefix = model.targetPrefix else { return nil }
        let path = rawPath.prefix { $0 != "?" }
        let head = "/service/\(prefix)/operation/"
        guard path.hasPrefix(head) else { return nil }
        let name = path.dropFirst(head.count)
        return name.isEmpty || name.contains("/") ? nil : String(name)
    }

    public func decodeInput(_ request: WireRequest, match: OperationMatch) throws -> JSONValue {
        guard let inputName = match.operation.input else { return .object([:]) }
        // An empty body is an input with no members set (the protocol's rule for optional input).
        guard !request.body.isEmpty else { return .object([:]) }
        let document: JSONValue
        do {
            document = try CBORDocument.document(try CBORDecoder.decode(request.body))
        } catch let failure as CBORDecoder.Failure {
            throw Self.serialization("The request body is not valid CBOR: \(failure)")
        } catch let unreadable as CBORDocument.Unreadable {
            throw Self.serialization("The request body cannot be read as the input: \(unreadable.reason)")
        }
        guard case .object = document else { throw Self.serialization("The request body must be a CBOR map") }
        return JSONBody.rename(document, shape: model.shape(inputName), model: model)
    }

    static func serialization(_ detail: String) -> AWSError {
        AWSError(code: "SerializationException", message: detail, status: 400)
    }

    public func serializationError(_ mismatch: ShapeValidator.TypeMismatch) -> AWSError {
        Self.serialization("Cannot deserialize the value at '\(mismatch.path)' as \(mismatch.expected.rawValue).")
    }

    public func encodeOutput(_ output: JSONValue, operation: OperationModel, requestID: String) -> WireResponse {
        var response = WireResponse(status: operation.responseCode)
        setHeaders(&response, requestID: requestID)
        guard let outputName = operation.output else {
            // An operation without output answers an empty body (botocore reads it as no members).
            return response
        }
        let document = output.objectValue.map(JSONValue.object) ?? .object([:])
        response.body = CBOREncoder.encode(CBORDocument.item(document, shape: model.shape(outputName), model: model))
        return response
    }

    /// Writes `{"__type": code, "message": text}` with the error's status; a service that still
    /// answers as its former query protocol did also gets the `x-amzn-query-error` header.
    public func encodeError(_ error: AWSError, requestID: String) -> WireResponse {
        var response = WireResponse(status: error.status)
        setHeaders(&response, requestID: requestID)
        for (name, value) in error.headers { response.setHeader(name, value) }
        if model.awsQueryCompatible, let code = model.shapes[error.code]?.error?.code {
            response.setHeader("x-amzn-query-error", "\(code);\(error.fault == .sender ? "Sender" : "Receiver")")
        }
        var pairs: [(CBORItem, CBORItem)] = [(.text("__type"), .text(error.code)), (.text("message"), .text(error.message))]
        for (name, value) in error.fields.sorted(by: { $0.key < $1.key }) { pairs.append((.text(name), .text(value))) }
        response.body = CBOREncoder.encode(.map(pairs))
        return response
    }

    private func setHeaders(_ response: inout WireResponse, requestID: String) {
        response.setHeader("x-amzn-RequestId", requestID)
        response.setHeader("smithy-protocol", Self.protocolHeader)
        response.setHeader("Content-Type", Self.contentType)
    }

    /// `UnknownOperationException` (404) for a request that names no operation of this service.
    public func unknownOperationError(_ request: WireRequest) -> AWSError? {
        let detail: String
        if request.header("smithy-protocol") != Self.protocolHeader {
            detail = "The request must carry the header smithy-protocol: \(Self.protocolHeader)."
        } else if request.method != .post {
            detail = "Operations must be called with POST."
        } else {
            detail = "The request path \(request.rawPath.prefix { $0 != "?" }) names no operation of this service."
        }
        return AWSError(code: "UnknownOperationException", message: detail, status: 404)
    }
}
