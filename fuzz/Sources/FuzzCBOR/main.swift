import AWSWire
import BulwarkCore
import Foundation
import FuzzSupport
import HTTPTypes

/// A model of nested structures, lists, maps, timestamps, blobs and numbers: every path of the
/// document conversion.
private let model = ServiceModel(
    name: "gauge", serviceID: "Gauge", apiVersion: "2020-01-01", wireProtocol: .rpcV2CBOR, signingName: "gauge",
    endpointPrefix: "gauge", targetPrefix: "Gauge",
    operations: [OperationModel(name: "Put", httpMethod: "POST", requestURI: "/", input: "Input", output: "Input")],
    shapes: [
        Shape(
            name: "Input", kind: .structure,
            members: [
                .init(name: "Name", shape: "Text"), .init(name: "Items", shape: "Items"), .init(name: "At", shape: "Time"),
                .init(name: "Data", shape: "Blob"), .init(name: "Count", shape: "Count"), .init(name: "Value", shape: "Value"),
                .init(name: "Tags", shape: "Tags"), .init(name: "Flag", shape: "Flag"),
            ]),
        Shape(name: "Items", kind: .list, listMember: "Input"),
        Shape(name: "Tags", kind: .map, mapKey: "Text", mapValue: "Text"),
        Shape(name: "Text", kind: .string, max: 64),
        Shape(name: "Time", kind: .timestamp), Shape(name: "Blob", kind: .blob), Shape(name: "Count", kind: .integer),
        Shape(name: "Value", kind: .double), Shape(name: "Flag", kind: .boolean),
    ])
private let codec = RPCv2CBORCodec(model: model)
private let headers: HTTPFields = [HTTPField.Name("smithy-protocol")!: "rpc-v2-cbor", .contentType: "application/cbor"]

/// The CBOR decoder and the RPC v2 CBOR codec on any bytes. Nothing traps; every item the decoder
/// accepts encodes to bytes that decode to the same item; the codec reads a body or refuses it with a
/// 400, and what it reads encodes back as an answer.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCBOR(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let body = Data(FuzzDriver.bytes(start, count))
    if let item = try? CBORDecoder.decode(body) {
        let again = try? CBORDecoder.decode(CBOREncoder.encode(item))
        precondition(again == item, "the encoding of a decoded item does not decode to it")
    }
    let request = WireRequest(method: .post, rawPath: "/service/Gauge/operation/Put", headers: headers, body: body)
    guard let match = codec.match(request) else { fatalError("the operation's path does not match") }
    do {
        let input = try codec.readInput(request, match: match)
        let response = codec.encodeOutput(input, operation: match.operation, requestID: "fuzz")
        precondition((try? CBORDecoder.decode(response.body)) != nil, "an answer is not CBOR")
    } catch let error as AWSError {
        precondition(error.status == 400 && !error.code.isEmpty && !error.message.isEmpty, "\(error)")
    } catch {
        fatalError("the codec threw something else than an AWSError: \(error)")
    }
    return 0
}

@_cdecl("FuzzCBOR_main")
func fuzzCBORMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, fuzzCBOR)
}
