import AWSWire
import BulwarkCore
import Foundation
import HTTPTypes
import Testing

@Suite("A service of several protocols")
struct NegotiatedCodecTests {
    static let model = ServiceModel(
        name: "gauge", serviceID: "Gauge", apiVersion: "2020-01-01", wireProtocol: .rpcV2CBOR, signingName: "gauge",
        endpointPrefix: "gauge", targetPrefix: "GaugeService", jsonVersion: "1.0", xmlNamespace: "http://gauge/doc/2020-01-01/",
        awsQueryCompatible: true,
        operations: [OperationModel(name: "List", httpMethod: "POST", requestURI: "/", input: "ListInput", output: "ListOutput")],
        shapes: [
            Shape(name: "ListInput", kind: .structure, members: [.init(name: "Name", shape: "Name")]),
            Shape(name: "ListOutput", kind: .structure, members: [.init(name: "Name", shape: "Name")]),
            Shape(name: "Name", kind: .string),
        ])
    let codec = NegotiatedCodec.forModel(Self.model)

    @Test("each request is read and answered in the protocol it speaks")
    func answering() throws {
        let cbor = WireRequest(
            method: .post, target: "/service/GaugeService/operation/List", headers: [HTTPField.Name("smithy-protocol")!: "rpc-v2-cbor"],
            body: CBOREncoder.encode(.map([(.text("Name"), .text("a"))])))
        let json = WireRequest(
            method: .post, target: "/", headers: [HTTPField.Name("X-Amz-Target")!: "GaugeService.List"], body: Data(#"{"Name":"a"}"#.utf8))
        let query = WireRequest(
            method: .post, target: "/", headers: [.contentType: "application/x-www-form-urlencoded"],
            body: Data("Action=List&Version=2020-01-01&Name=a".utf8))
        #expect(codec.answering(cbor) is RPCv2CBORCodec)
        #expect(codec.answering(json) is JSONCodec)
        #expect(codec.answering(query) is QueryCodec)
        for request in [cbor, json, query] {
            let chosen = codec.answering(request)
            let match = try #require(chosen.match(request))
            #expect(try chosen.readInput(request, match: match) == .object(["Name": .string("a")]))
        }
        let answer = codec.answering(json).encodeOutput(.object(["Name": .string("a")]), operation: Self.model.operations["List"]!, requestID: "r")
        #expect(answer.header("Content-Type") == "application/x-amz-json-1.0")
        let xml = codec.answering(query).encodeOutput(.object(["Name": .string("a")]), operation: Self.model.operations["List"]!, requestID: "r")
        #expect(String(decoding: xml.body, as: UTF8.self).contains("<ListResponse xmlns=\"http://gauge/doc/2020-01-01/\">"))
    }

    @Test("a request naming no operation gets the error of the protocol it points to")
    func unknown() {
        let json = WireRequest(method: .post, target: "/", headers: [HTTPField.Name("X-Amz-Target")!: "GaugeService.Nope"])
        #expect(codec.unknownOperationError(json)?.code == "UnknownOperationException")
        #expect(codec.answering(json) is JSONCodec)
        let cbor = WireRequest(
            method: .post, target: "/service/GaugeService/operation/Nope", headers: [HTTPField.Name("smithy-protocol")!: "rpc-v2-cbor"])
        #expect(codec.answering(cbor) is RPCv2CBORCodec)
        #expect(codec.unknownOperationError(cbor)?.status == 404)
        let bare = WireRequest(method: .get, target: "/")
        #expect(codec.answering(bare) is RPCv2CBORCodec)
    }
}
