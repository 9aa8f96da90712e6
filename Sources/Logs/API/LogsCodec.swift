import AWSWire
import BulwarkCore

/// The `json` protocol as CloudWatch Logs speaks it: input that breaks the model's constraints is
/// answered `InvalidParameterException` (with the usual "1 validation error detected: …" message),
/// not `ValidationException`.
struct LogsCodec: WireCodec {
    private let json: JSONCodec

    init(model: ServiceModel) {
        json = JSONCodec(model: model)
    }

    var model: ServiceModel { json.model }

    func match(_ request: WireRequest) -> OperationMatch? { json.match(request) }

    func decodeInput(_ request: WireRequest, match: OperationMatch) throws -> JSONValue { try json.decodeInput(request, match: match) }

    func encodeOutput(_ output: JSONValue, operation: OperationModel, requestID: String) -> WireResponse {
        json.encodeOutput(output, operation: operation, requestID: requestID)
    }

    func encodeError(_ error: AWSError, requestID: String) -> WireResponse { json.encodeError(error, requestID: requestID) }

    func validationError(_ message: String) -> AWSError { LogsError.invalidParameter(message) }

    func unknownOperationError(_ request: WireRequest) -> AWSError? { json.unknownOperationError(request) }
}
