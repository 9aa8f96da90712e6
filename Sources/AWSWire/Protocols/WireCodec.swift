import BulwarkCore

/// An operation identified in a request, with what the route itself carried (REST URI labels).
public struct OperationMatch: Sendable {
    public let operation: OperationModel
    public let labels: [String: String]

    public init(operation: OperationModel, labels: [String: String] = [:]) {
        self.operation = operation
        self.labels = labels
    }
}

/// One AWS wire protocol: how requests name their operation and carry their input, and how answers
/// and errors are written. Implementations are driven entirely by the service's generated model.
public protocol WireCodec: Sendable {
    var model: ServiceModel { get }

    /// The operation a request addresses, or nil when it addresses none of the model's.
    func match(_ request: WireRequest) -> OperationMatch?

    /// Reads the operation's input from the request into a document keyed by model member names.
    ///
    /// - Throws: `AWSError` when the request cannot be read (malformed body, wrong types).
    func decodeInput(_ request: WireRequest, match: OperationMatch) throws -> JSONValue

    /// Writes a successful answer from an output document keyed by model member names.
    func encodeOutput(_ output: JSONValue, operation: OperationModel, requestID: String) -> WireResponse

    /// Writes an error answer.
    func encodeError(_ error: AWSError, requestID: String) -> WireResponse

    /// The error for input that breaks the model's constraints, carrying the validator's message
    /// (`ValidationException` in the JSON protocols, `ValidationError` in the query protocol).
    func validationError(_ message: String) -> AWSError

    /// The error for a request that reached this service but names none of its operations, when the
    /// protocol has its own (the query protocol's `InvalidAction`); nil for the pipeline's generic one.
    func unknownOperationError(_ request: WireRequest) -> AWSError?

    /// The codec that reads and answers `request`: itself, unless the service speaks several
    /// protocols (``NegotiatedCodec``).
    func answering(_ request: WireRequest) -> any WireCodec
}

extension WireCodec {
    public func validationError(_ message: String) -> AWSError {
        .validation(message)
    }

    public func unknownOperationError(_ request: WireRequest) -> AWSError? {
        nil
    }

    public func answering(_ request: WireRequest) -> any WireCodec {
        self
    }

    /// Decodes and validates the input of a matched operation.
    public func readInput(_ request: WireRequest, match: OperationMatch) throws -> JSONValue {
        let document = try decodeInput(request, match: match)
        guard let inputShape = match.operation.input else { return document }
        do {
            try ShapeValidator(model: model).validate(document, as: inputShape)
        } catch let mismatch as ShapeValidator.TypeMismatch {
            throw serializationError(mismatch)
        } catch let error as AWSError where error.code == AWSError.validation("").code {
            throw validationError(error.message)
        }
        return document
    }

    /// The error for a value of the wrong type, as the protocol reports it.
    public func serializationError(_ mismatch: ShapeValidator.TypeMismatch) -> AWSError {
        AWSError(
            code: "SerializationException",
            message: "Cannot deserialize the value at '\(mismatch.path)' as \(mismatch.expected.rawValue).",
            status: 400
        )
    }
}
