import BulwarkCore
import Foundation

/// A service that accepts several protocols (botocore's `protocols`: CloudWatch's `smithy-rpc-v2-cbor`,
/// `json` and `query`), each request answered in the protocol it was sent in (decision 0039).
///
/// Clients pick by their own preference: botocore 1.43 sends CloudWatch `json`, AWS's other SDKs
/// RPC v2 CBOR, older clients `query`. The pipeline asks ``answering(_:)`` for the codec of each
/// request; the protocol methods below serve the primary one.
public struct NegotiatedCodec: WireCodec {
    public let primary: any WireCodec
    public let alternatives: [any WireCodec]

    public init(primary: any WireCodec, alternatives: [any WireCodec]) {
        self.primary = primary
        self.alternatives = alternatives
    }

    /// The protocols of a model that lists several: RPC v2 CBOR first, then json and query when the
    /// model carries what they need (the target prefix and JSON version, the XML namespace).
    public static func forModel(_ model: ServiceModel) -> NegotiatedCodec {
        var alternatives: [any WireCodec] = []
        if model.targetPrefix != nil, model.jsonVersion != nil { alternatives.append(JSONCodec(model: model)) }
        if model.xmlNamespace != nil { alternatives.append(QueryCodec(model: model)) }
        return NegotiatedCodec(primary: RPCv2CBORCodec(model: model), alternatives: alternatives)
    }

    public var model: ServiceModel { primary.model }

    /// The codec of the protocol `request` speaks: the first whose operation it names, else the one
    /// its headers point to (an `X-Amz-Target` is json's, a form body query's), else the primary.
    public func answering(_ request: WireRequest) -> any WireCodec {
        for codec in [primary] + alternatives where codec.match(request) != nil { return codec }
        if request.header("smithy-protocol") != nil { return primary }
        if request.header("X-Amz-Target") != nil, let json = alternatives.first(where: { $0 is JSONCodec }) { return json }
        let isForm = request.header("Content-Type")?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true
        if isForm || request.queryItems.contains(where: { $0.name == "Action" }), let query = alternatives.first(where: { $0 is QueryCodec }) {
            return query
        }
        return primary
    }

    public func match(_ request: WireRequest) -> OperationMatch? { answering(request).match(request) }

    public func decodeInput(_ request: WireRequest, match: OperationMatch) throws -> JSONValue {
        try answering(request).decodeInput(request, match: match)
    }

    public func encodeOutput(_ output: JSONValue, operation: OperationModel, requestID: String) -> WireResponse {
        primary.encodeOutput(output, operation: operation, requestID: requestID)
    }

    public func encodeError(_ error: AWSError, requestID: String) -> WireResponse { primary.encodeError(error, requestID: requestID) }

    public func validationError(_ message: String) -> AWSError { primary.validationError(message) }

    public func unknownOperationError(_ request: WireRequest) -> AWSError? { answering(request).unknownOperationError(request) }
}
