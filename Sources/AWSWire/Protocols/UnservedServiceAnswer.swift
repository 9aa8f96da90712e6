import BulwarkCore
import Foundation

/// The error answer to a request for an AWS service that Bulwark does not serve, in that service's
/// own wire protocol, so that its SDK reads a clear error instead of failing to parse a body in
/// another protocol.
///
/// The protocol is read off the request as the SDKs send it: `smithy-protocol: rpc-v2-cbor`, then
/// `X-Amz-Target` (json), then the signing name of the few services whose protocol is XML.
public struct UnservedServiceAnswer: Sendable, Equatable {
    /// The wire protocols of AWS's services (botocore's `metadata.protocol`).
    public enum WireFamily: Sendable, Equatable {
        case restJSON
        case json(contentType: String)
        case rpcV2CBOR
        case query
        case ec2
        case restXML
    }

    /// The service's signing name, from the request's credential scope.
    public let signingName: String
    public let family: WireFamily

    /// Signing names of the services whose protocols include `query`, or are `rest-xml`, in
    /// botocore's models (`conformance/test_unsupported.py` checks these lists against botocore).
    static let queryServices: Set<String> = [
        "autoscaling", "cloudformation", "elasticache", "elasticbeanstalk", "elasticloadbalancing", "elasticmapreduce",
        "iam", "importexport", "rds", "redshift", "sdb", "ses", "sns", "sts", "cloudsearch", "monitoring",
    ]
    static let restXMLServices: Set<String> = ["s3", "route53", "cloudfront"]

    /// The answer for `request`, when its credential scope names `signingName`.
    public init(request: WireRequest, signingName: String) {
        self.signingName = signingName
        if request.header("smithy-protocol")?.lowercased() == "rpc-v2-cbor" {
            family = .rpcV2CBOR
        } else if request.header("X-Amz-Target") != nil {
            let sent = request.header("Content-Type") ?? ""
            family = .json(contentType: sent.hasPrefix("application/x-amz-json-1.") ? sent : "application/x-amz-json-1.1")
        } else if signingName == "ec2" {
            family = .ec2
        } else if Self.restXMLServices.contains(signingName) {
            family = .restXML
        } else if Self.queryServices.contains(signingName) {
            family = .query
        } else {
            family = .restJSON
        }
    }

    /// AWS's not-implemented error, naming what Bulwark serves instead.
    public static func error(signingName: String, served: [String]) -> AWSError {
        AWSError(
            code: "NotImplemented",
            message: "Bulwark does not serve the AWS service '\(signingName)'; it serves \(served.joined(separator: ", ")).",
            status: 501,
            fault: .receiver
        )
    }

    /// `error` in the service's protocol.
    public func response(_ error: AWSError, requestID: String) -> WireResponse {
        switch family {
        case .restJSON:
            return RestJSONCodec.errorResponse(error, requestID: requestID)
        case .json(let contentType):
            var response = WireResponse(status: error.status)
            response.setHeader("x-amzn-RequestId", requestID)
            response.setHeader("Content-Type", contentType)
            response.body = JSONValue.object(["__type": .string(error.code), "message": .string(error.message)]).serialized()
            return response
        case .rpcV2CBOR:
            var response = WireResponse(status: error.status)
            response.setHeader("x-amzn-RequestId", requestID)
            response.setHeader("smithy-protocol", "rpc-v2-cbor")
            response.setHeader("Content-Type", "application/cbor")
            response.body = CBORTextMap.encode([("__type", error.code), ("message", error.message)])
            return response
        case .query:
            return QueryCodec.errorResponse(error, requestID: requestID, xmlNamespace: nil)
        case .ec2:
            var xml = XMLWriter()
            xml.open("Response")
            xml.open("Errors")
            xml.open("Error")
            xml.element("Code", error.code)
            xml.element("Message", error.message)
            xml.close("Error")
            xml.close("Errors")
            xml.element("RequestID", requestID)
            xml.close("Response")
            return Self.xmlResponse(error.status, xml, requestID: requestID)
        case .restXML:
            var xml = XMLWriter()
            xml.open("Error")
            xml.element("Code", error.code)
            xml.element("Message", error.message)
            xml.element("RequestId", requestID)
            xml.close("Error")
            return Self.xmlResponse(error.status, xml, requestID: requestID)
        }
    }

    private static func xmlResponse(_ status: Int, _ xml: XMLWriter, requestID: String) -> WireResponse {
        var response = WireResponse(status: status, body: Data(("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + xml.text).utf8))
        response.setHeader("x-amzn-RequestId", requestID)
        response.setHeader("x-amz-request-id", requestID)
        response.setHeader("Content-Type", "application/xml")
        return response
    }
}

/// CBOR (RFC 8949) of a map from text to text, the one shape an error body needs.
enum CBORTextMap {
    static func encode(_ pairs: [(String, String)]) -> Data {
        var bytes: [UInt8] = []
        head(major: 5, count: pairs.count, into: &bytes)
        for (key, value) in pairs {
            text(key, into: &bytes)
            text(value, into: &bytes)
        }
        return Data(bytes)
    }

    private static func text(_ string: String, into bytes: inout [UInt8]) {
        let utf8 = Array(string.utf8)
        head(major: 3, count: utf8.count, into: &bytes)
        bytes += utf8
    }

    /// A data item's head: its major type and its length, in the shortest form.
    private static func head(major: UInt8, count: Int, into bytes: inout [UInt8]) {
        let type = major << 5
        switch count {
        case 0..<24: bytes.append(type | UInt8(count))
        case 24..<256: bytes += [type | 24, UInt8(count)]
        case 256..<65536: bytes += [type | 25, UInt8(count >> 8), UInt8(count & 0xFF)]
        default: bytes += [type | 26] + (0..<4).reversed().map { UInt8((count >> ($0 * 8)) & 0xFF) }
        }
    }
}
