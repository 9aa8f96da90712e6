import BulwarkCore
import Foundation

/// The `query` protocol (IAM, STS, CloudWatch): the operation is the `Action` parameter (with the
/// API's `Version`) of a form-encoded `POST` body or of the query string; answers and errors are XML
/// in the service's namespace.
public struct QueryCodec: WireCodec {
    public let model: ServiceModel

    public init(model: ServiceModel) {
        self.model = model
    }

    public func match(_ request: WireRequest) -> OperationMatch? {
        let parameters = QueryParameters(request: request)
        guard let action = parameters.values["Action"], let operation = model.operations[action] else { return nil }
        // AWS dispatches on the pair; a request without a version is read as the current one.
        if let version = parameters.values["Version"], version != model.apiVersion { return nil }
        return OperationMatch(operation: operation)
    }

    public func decodeInput(_ request: WireRequest, match: OperationMatch) throws -> JSONValue {
        let parameters = try QueryParameters(validating: request)
        guard let inputName = match.operation.input else { return .object([:]) }
        return try QueryInputReader(model: model).read(parameters.root, as: model.shape(inputName))
    }

    public func encodeOutput(_ output: JSONValue, operation: OperationModel, requestID: String) -> WireResponse {
        var xml = XMLWriter()
        xml.open("\(operation.name)Response", namespace: model.xmlNamespace)
        if let outputName = operation.output {
            let wrapper = operation.resultWrapper ?? "\(operation.name)Result"
            xml.open(wrapper)
            QueryOutputWriter(model: model).writeMembers(of: output, shape: model.shape(outputName), into: &xml)
            xml.close(wrapper)
        }
        xml.open("ResponseMetadata")
        xml.element("RequestId", requestID)
        xml.close("ResponseMetadata")
        xml.close("\(operation.name)Response")
        return Self.response(status: operation.responseCode, xml: xml, requestID: requestID)
    }

    /// Writes the error in the query form. An error thrown with an exception shape's name
    /// (`NoSuchEntityException`) travels under the shape's query code (`NoSuchEntity`).
    public func encodeError(_ error: AWSError, requestID: String) -> WireResponse {
        var error = error
        if let code = model.shapes[error.code]?.error?.code { error.code = code }
        return Self.errorResponse(error, requestID: requestID, xmlNamespace: model.xmlNamespace)
    }

    /// An error answer in the query form:
    /// `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`, the
    /// error's extra fields as further elements of `<Error>`.
    public static func errorResponse(_ error: AWSError, requestID: String, xmlNamespace: String?) -> WireResponse {
        var xml = XMLWriter()
        xml.open("ErrorResponse", namespace: xmlNamespace)
        xml.open("Error")
        xml.element("Type", error.fault.rawValue)
        xml.element("Code", error.code)
        // Some answers carry no message at all (IAM's ReportNotPresent); SDKs then say "Unknown".
        if !error.message.isEmpty { xml.element("Message", error.message) }
        for (name, value) in error.fields.sorted(by: { $0.key < $1.key }) { xml.element(name, value) }
        xml.close("Error")
        xml.element("RequestId", requestID)
        xml.close("ErrorResponse")
        var answer = response(status: error.status, xml: xml, requestID: requestID)
        for (name, value) in error.headers { answer.setHeader(name, value) }
        return answer
    }

    private static func response(status: Int, xml: XMLWriter, requestID: String) -> WireResponse {
        var response = WireResponse(status: status, body: Data(xml.text.utf8))
        response.setHeader("x-amzn-RequestId", requestID)
        response.setHeader("Content-Type", "text/xml")
        return response
    }

    public func validationError(_ message: String) -> AWSError {
        AWSError(code: "ValidationError", message: message, status: 400)
    }

    /// `MalformedQueryString` when the parameters cannot be read, else `MissingAction` without an
    /// `Action`, `InvalidAction` for one the API (at that version) lacks.
    public func unknownOperationError(_ request: WireRequest) -> AWSError? {
        let parameters: QueryParameters
        do {
            parameters = try QueryParameters(validating: request)
        } catch {
            return error
        }
        guard let action = parameters.values["Action"], !action.isEmpty else {
            return AWSError(code: "MissingAction", message: "The request must contain the parameter Action.", status: 400)
        }
        let version = parameters.values["Version"] ?? model.apiVersion
        return AWSError(code: "InvalidAction", message: "Could not find operation \(action) for version \(version)", status: 400)
    }

    /// A parameter whose text cannot be read as its model type (an integer that is not one, bad base64),
    /// or a list or map entry whose index is not one (`0 is not a valid index`, AWS's words in
    /// rusoto/rusoto#324 for `AttributeNameList.0` sent to SQS, a query-protocol service).
    static func malformedInput(_ message: String) -> AWSError {
        AWSError(code: "MalformedInput", message: message, status: 400)
    }

    /// A query string or form body with a malformed `%` escape: the code of AWS's common errors ("The
    /// query string contains a syntax error") and the messages IAM and STS answer, with 400 as they
    /// answer it (the common-errors pages say 404; `dacut/scratchstack-aws-signature` observed 400). The
    /// SigV4 verifier answers the same for a malformed query string (``SigV4Failure/malformedQueryString(_:)``).
    static func malformedQueryString(_ malformed: MalformedPercentEncoding) -> AWSError {
        SigV4Failure.malformedQueryString(malformed.message).awsError(for: .query)
    }
}
