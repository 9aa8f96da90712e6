/// The wire protocols of AWS services, as botocore's `metadata.protocol` names them.
public enum WireProtocol: String, Sendable, Hashable {
    case restJSON = "rest-json"
    case json = "json"
    case query = "query"
    case restXML = "rest-xml"
    case rpcV2CBOR = "smithy-rpc-v2-cbor"
}

/// A service's API model, generated from botocore's `service-2.json` by `bulwark-codegen`.
///
/// It holds every operation's HTTP binding (so that a request for an operation Bulwark does not
/// implement is recognised and refused as such) and the shapes of the operations it implements.
public struct ServiceModel: Sendable {
    /// botocore's service name, e.g. `lambda`.
    public let name: String
    /// The human name for messages, e.g. `Lambda`.
    public let serviceID: String
    public let apiVersion: String
    public let wireProtocol: WireProtocol
    /// The SigV4 signing name (the service part of the credential scope).
    public let signingName: String
    /// The host prefix / CloudTrail event source stem, e.g. `lambda` → `lambda.amazonaws.com`.
    public let endpointPrefix: String
    /// `X-Amz-Target` prefix for the `json` protocol.
    public let targetPrefix: String?
    /// `application/x-amz-json-1.0` or `-1.1` for the `json` protocol.
    public let jsonVersion: String?
    /// The XML namespace of query-protocol and rest-xml answers.
    public let xmlNamespace: String?
    /// A `json` service that still answers errors the way its former `query` protocol did: the
    /// shapes' ``Shape/ErrorInfo/code`` also travel in the `x-amzn-query-error` header.
    public let awsQueryCompatible: Bool
    public let operations: [String: OperationModel]
    public let shapes: [String: Shape]

    public init(
        name: String,
        serviceID: String,
        apiVersion: String,
        wireProtocol: WireProtocol,
        signingName: String,
        endpointPrefix: String,
        targetPrefix: String? = nil,
        jsonVersion: String? = nil,
        xmlNamespace: String? = nil,
        awsQueryCompatible: Bool = false,
        operations: [OperationModel],
        shapes: [Shape]
    ) {
        self.name = name
        self.serviceID = serviceID
        self.apiVersion = apiVersion
        self.wireProtocol = wireProtocol
        self.signingName = signingName
        self.endpointPrefix = endpointPrefix
        self.targetPrefix = targetPrefix
        self.jsonVersion = jsonVersion
        self.xmlNamespace = xmlNamespace
        self.awsQueryCompatible = awsQueryCompatible
        self.operations = Dictionary(operations.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.shapes = Dictionary(shapes.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The shape named `name`. Generated models are closed over their references, so a missing
    /// shape is a generator bug.
    public func shape(_ name: String) -> Shape {
        guard let shape = shapes[name] else {
            preconditionFailure("shape \(name) is not in the \(self.name) model")
        }
        return shape
    }

    /// The event source CloudTrail records for this service, e.g. `lambda.amazonaws.com`.
    public var eventSource: String { "\(endpointPrefix).amazonaws.com" }
}

/// One operation of a service model: its name, HTTP binding and shapes.
public struct OperationModel: Sendable, Hashable {
    public let name: String
    public let httpMethod: String
    /// The request URI template, e.g. `/2015-03-31/functions/{FunctionName}/code` (may carry a query part).
    public let requestURI: String
    /// The status code of a successful answer.
    public let responseCode: Int
    /// The input shape, or nil when the operation takes none or is not implemented.
    public let input: String?
    /// The output shape, or nil when the operation answers none or is not implemented.
    public let output: String?
    /// The element that wraps the output inside a `query` answer, e.g. `GetUserResult`.
    public let resultWrapper: String?
    /// The error shapes the model lists for the operation.
    public let errors: [String]
    /// botocore marks the operation as callable without a signature (`authtype: none`, e.g. STS
    /// `AssumeRoleWithWebIdentity`); the pipeline decides what to make of it.
    public let unsigned: Bool
    /// Clients may send the body gzip-compressed (`Content-Encoding: gzip`, botocore's
    /// `requestcompression`: CloudWatch's PutMetricData past 10 KB); the pipeline inflates it.
    public let gzipRequests: Bool

    public init(
        name: String,
        httpMethod: String,
        requestURI: String,
        responseCode: Int = 200,
        input: String? = nil,
        output: String? = nil,
        resultWrapper: String? = nil,
        errors: [String] = [],
        unsigned: Bool = false,
        gzipRequests: Bool = false
    ) {
        self.name = name
        self.httpMethod = httpMethod
        self.requestURI = requestURI
        self.responseCode = responseCode
        self.input = input
        self.output = output
        self.resultWrapper = resultWrapper
        self.errors = errors
        self.unsigned = unsigned
        self.gzipRequests = gzipRequests
    }
}
