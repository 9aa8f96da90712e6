import AWSWire
import BulwarkCore
import Foundation
import HTTPTypes
import Testing

@Suite("The Smithy RPC v2 CBOR protocol")
struct RPCv2CBORCodecTests {
    static let model = ServiceModel(
        name: "gauge",
        serviceID: "Gauge",
        apiVersion: "2020-01-01",
        wireProtocol: .rpcV2CBOR,
        signingName: "gauge",
        endpointPrefix: "gauge",
        targetPrefix: "GaugeService",
        awsQueryCompatible: true,
        operations: [
            OperationModel(name: "Put", httpMethod: "POST", requestURI: "/", input: "PutInput"),
            OperationModel(name: "Get", httpMethod: "POST", requestURI: "/", input: "GetInput", output: "GetOutput"),
        ],
        shapes: [
            Shape(
                name: "PutInput", kind: .structure,
                members: [.init(name: "Namespace", shape: "Name"), .init(name: "MetricData", shape: "Data")], required: ["Namespace"]),
            Shape(name: "Data", kind: .list, listMember: "Datum"),
            Shape(
                name: "Datum", kind: .structure,
                members: [
                    .init(name: "MetricName", shape: "Name"), .init(name: "Dimensions", shape: "Dimensions"),
                    .init(name: "Timestamp", shape: "Time"), .init(name: "Value", shape: "Value"), .init(name: "Unit", shape: "Name"),
                ]),
            Shape(name: "Dimensions", kind: .list, listMember: "Dimension", max: 2),
            Shape(name: "Dimension", kind: .structure, members: [.init(name: "Name", shape: "Name"), .init(name: "Value", shape: "Name")]),
            Shape(name: "GetInput", kind: .structure, members: [.init(name: "Period", shape: "Period"), .init(name: "Key", shape: "Blob")]),
            Shape(
                name: "GetOutput", kind: .structure,
                members: [
                    .init(name: "Label", shape: "Name"), .init(name: "Timestamps", shape: "Times"), .init(name: "Values", shape: "Values"),
                    .init(name: "Key", shape: "Blob"),
                ]),
            Shape(name: "Times", kind: .list, listMember: "Time"),
            Shape(name: "Values", kind: .list, listMember: "Value"),
            Shape(name: "Name", kind: .string, min: 1, max: 16),
            Shape(name: "Time", kind: .timestamp),
            Shape(name: "Value", kind: .double),
            Shape(name: "Period", kind: .integer, min: 1),
            Shape(name: "Blob", kind: .blob),
            Shape(
                name: "InvalidParameterValueException", kind: .structure, members: [.init(name: "message", shape: "Name")],
                error: .init(code: "InvalidParameterValue", httpStatus: 400, senderFault: true)),
        ]
    )
    let codec = RPCv2CBORCodec(model: Self.model)

    private func request(
        _ operation: String, body: Data, protocolHeader: String? = "rpc-v2-cbor", method: HTTPRequest.Method = .post
    )
        -> WireRequest
    {
        var headers = HTTPFields()
        if let protocolHeader { headers[HTTPField.Name("smithy-protocol")!] = protocolHeader }
        headers[.contentType] = "application/cbor"
        return WireRequest(method: method, target: "/service/GaugeService/operation/\(operation)", headers: headers, body: body)
    }

    private func read(_ body: Data, operation: String = "Put") throws -> JSONValue {
        let wire = request(operation, body: body)
        return try codec.readInput(wire, match: try #require(codec.match(wire)))
    }

    @Test("reads what botocore 1.43 writes for PutMetricData: tag 1 timestamps, doubles, nested lists")
    func botocoreBody() throws {
        // botocore's RpcV2CBORSerializer for {Namespace: App, MetricData: [{MetricName: Latency, Dimensions:
        // [{Name: Host, Value: a}], Timestamp: 2026-01-02T03:04:05Z, Value: 1.5, Unit: Milliseconds}]}.
        let body = hexBytes(
            "a2694e616d657370616365634170706a4d65747269634461746181a56a4d65747269634e616d65674c6174656e63796a44696d656e73696f6e7381"
                + "a2644e616d6564486f73746556616c756561616954696d657374616d70c11a695735a56556616c7565fb3ff800000000000064556e69746c4d69"
                + "6c6c697365636f6e6473")
        let document = try read(body)
        #expect(
            document
                == .object([
                    "Namespace": .string("App"),
                    "MetricData": .array([
                        .object([
                            "MetricName": .string("Latency"),
                            "Dimensions": .array([.object(["Name": .string("Host"), "Value": .string("a")])]),
                            "Timestamp": .int(1_767_323_045), "Value": .double(1.5), "Unit": .string("Milliseconds"),
                        ])
                    ]),
                ]))
    }

    @Test("routes by path and the smithy-protocol header, POST only")
    func routing() {
        #expect(codec.match(request("Put", body: Data()))?.operation.name == "Put")
        #expect(codec.match(request("Put", body: Data(), protocolHeader: nil)) == nil)
        #expect(codec.match(request("Put", body: Data(), protocolHeader: "rpc-v2-json")) == nil)
        #expect(codec.match(request("Put", body: Data(), method: .get)) == nil)
        #expect(codec.match(request("Nope", body: Data())) == nil)
        #expect(codec.match(request("Put/x", body: Data())) == nil)
        let other = WireRequest(
            method: .post, target: "/service/OtherService/operation/Put", headers: [HTTPField.Name("smithy-protocol")!: "rpc-v2-cbor"])
        #expect(codec.match(other) == nil)
        #expect(codec.unknownOperationError(request("Nope", body: Data()))?.status == 404)
    }

    @Test("an empty body is an input with no members; unknown members are dropped; null members are absent")
    func emptyAndUnknown() throws {
        #expect(try read(Data(), operation: "Get") == .object([:]))
        // {"Period": 60, "Extra": 1, "Key": null}
        let body = CBOREncoder.encode(
            .map([(.text("Period"), .unsigned(60)), (.text("Extra"), .unsigned(1)), (.text("Key"), .null)]))
        #expect(try read(body, operation: "Get") == .object(["Period": .int(60)]))
        // Indefinite-length map, as another SDK may send it.
        #expect(try read(hexBytes("bf66506572696f64183cff"), operation: "Get") == .object(["Period": .int(60)]))
    }

    @Test("blobs arrive as byte strings and go back as byte strings")
    func blobs() throws {
        let body = CBOREncoder.encode(.map([(.text("Key"), .bytes(Data([0, 1, 2])))]))
        #expect(try read(body, operation: "Get") == .object(["Key": .string("AAEC")]))
    }

    static let refused: [(String, String)] = [
        ("ff", "SerializationException"),  // not CBOR
        ("83010203", "SerializationException"),  // not a map
        ("a1010203", "SerializationException"),  // a key that is not text
        ("a1694e616d657370616365c2410a", "SerializationException"),  // an unknown tag
        ("a1694e616d65737061636501", "SerializationException"),  // a number for a string
        ("a1694e616d657370616365c1636e6f77", "SerializationException"),  // a timestamp that is not a number
        ("a16a4d65747269634461746181a16a44696d656e73696f6e7383a0a0a0", "ValidationException"),  // three dimensions, max 2
        ("a0", "ValidationException"),  // Namespace missing
    ]

    @Test("malformed and invalid input is answered with the protocol's errors", arguments: refused)
    func refusedInput(_ hex: String, _ code: String) {
        #expect {
            try read(hexBytes(hex))
        } throws: { error in
            (error as? AWSError)?.code == code && (error as? AWSError)?.status == 400
        }
    }

    @Test("answers: CBOR map with tag 1 timestamps, doubles for whole values, smithy-protocol header")
    func output() throws {
        let output: JSONValue = .object([
            "Label": .string("Sum"), "Timestamps": .array([.int(1_767_323_040), .double(1_767_323_100.5)]),
            "Values": .array([.int(3), .double(0.25)]), "Key": .string("AAEC"), "Unknown": .string("x"), "Absent": .null,
        ])
        let response = codec.encodeOutput(output, operation: Self.model.operations["Get"]!, requestID: "r-1")
        #expect(response.status == 200)
        #expect(response.header("smithy-protocol") == "rpc-v2-cbor")
        #expect(response.header("Content-Type") == "application/cbor")
        #expect(response.header("x-amzn-RequestId") == "r-1")
        let item = try CBORDecoder.decode(response.body)
        #expect(
            item
                == .map([
                    (.text("Label"), .text("Sum")),
                    (.text("Timestamps"), .array([.tag(1, .unsigned(1_767_323_040)), .tag(1, .double(1_767_323_100.5))])),
                    (.text("Values"), .array([.double(3), .double(0.25)])),
                    (.text("Key"), .bytes(Data([0, 1, 2]))),
                ]))
    }

    @Test("an operation without output answers an empty body")
    func noOutput() {
        let response = codec.encodeOutput(.object([:]), operation: Self.model.operations["Put"]!, requestID: "r-2")
        #expect(response.status == 200)
        #expect(response.body.isEmpty)
    }

    @Test("errors: __type and message, status, and the query-compatible code header")
    func errors() throws {
        let error = AWSError(code: "InvalidParameterValueException", message: "The value is bad.", status: 400)
        let response = codec.encodeError(error, requestID: "r-3")
        #expect(response.status == 400)
        #expect(response.header("x-amzn-query-error") == "InvalidParameterValue;Sender")
        #expect(response.header("smithy-protocol") == "rpc-v2-cbor")
        #expect(
            try CBORDecoder.decode(response.body)
                == .map([(.text("__type"), .text("InvalidParameterValueException")), (.text("message"), .text("The value is bad."))]))
        let unmodelled = codec.encodeError(AWSError(code: "ThrottlingException", message: "Rate exceeded", status: 400), requestID: "r-4")
        #expect(unmodelled.header("x-amzn-query-error") == nil)
    }
}
