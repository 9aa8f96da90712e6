import AWSWire
import BulwarkCore
import Foundation
import HTTPTypes
import Testing

@Suite("The json protocol")
struct JSONCodecTests {
    static let model = ServiceModel(
        name: "vault",
        serviceID: "Vault",
        apiVersion: "2020-01-01",
        wireProtocol: .json,
        signingName: "vault",
        endpointPrefix: "vault",
        targetPrefix: "VaultService",
        jsonVersion: "1.1",
        operations: [
            OperationModel(name: "Seal", httpMethod: "POST", requestURI: "/", input: "SealRequest", output: "SealResponse"),
            OperationModel(name: "Forget", httpMethod: "POST", requestURI: "/", input: "ForgetRequest"),
        ],
        shapes: [
            Shape(
                name: "SealRequest", kind: .structure,
                members: [
                    .init(name: "KeyId", shape: "KeyId"),
                    .init(name: "Plaintext", shape: "Plaintext"),
                    .init(name: "Context", shape: "Context"),
                    .init(name: "Count", shape: "Count"),
                ], required: ["KeyId"]),
            Shape(
                name: "SealResponse", kind: .structure,
                members: [
                    .init(name: "CiphertextBlob", shape: "Plaintext"),
                    .init(name: "CreationDate", shape: "Date"),
                    .init(name: "KeyId", shape: "KeyId"),
                ]),
            Shape(name: "ForgetRequest", kind: .structure, members: [.init(name: "KeyId", shape: "KeyId")]),
            Shape(name: "KeyId", kind: .string, min: 1, max: 8),
            Shape(name: "Plaintext", kind: .blob, min: 1, max: 4, sensitive: true),
            Shape(name: "Context", kind: .map, mapKey: "KeyId", mapValue: "KeyId"),
            Shape(name: "Count", kind: .integer, min: 1, max: 10),
            Shape(name: "Date", kind: .timestamp),
            Shape(
                name: "NotFoundException", kind: .structure, members: [.init(name: "message", shape: "KeyId")],
                error: .init(httpStatus: 400, senderFault: true)),
        ]
    )
    let codec = JSONCodec(model: Self.model)

    private func request(_ target: String?, body: String, method: HTTPRequest.Method = .post) -> WireRequest {
        var headers = HTTPFields()
        if let target { headers[HTTPField.Name("X-Amz-Target")!] = target }
        headers[.contentType] = "application/x-amz-json-1.1"
        return WireRequest(method: method, target: "/", headers: headers, body: Data(body.utf8))
    }

    private func read(_ body: String, target: String = "VaultService.Seal") throws -> JSONValue {
        let wire = request(target, body: body)
        return try codec.readInput(wire, match: try #require(codec.match(wire)))
    }

    @Test func routesByTheTargetHeader() {
        #expect(codec.match(request("VaultService.Seal", body: "{}"))?.operation.name == "Seal")
        #expect(codec.match(request("VaultService.Forget", body: "{}"))?.operation.name == "Forget")
        for target in ["VaultService.Nope", "OtherService.Seal", "VaultServiceSeal", "Seal"] as [String?] + [nil] {
            #expect(codec.match(request(target, body: "{}")) == nil)
        }
        #expect(codec.match(request("VaultService.Seal", body: "{}", method: .get)) == nil)
    }

    @Test func readsTheBodyByMemberNameWithBlobsInBase64() throws {
        let input = try read(#"{"KeyId":"k","Plaintext":"AAEC","Context":{"a":"b"},"Count":2,"Unknown":true}"#)
        #expect(input == ["KeyId": "k", "Plaintext": "AAEC", "Context": ["a": "b"], "Count": 2])
        // The SDKs always send a body; an empty one has no members.
        let forget = request("VaultService.Forget", body: "")
        #expect(try codec.readInput(forget, match: try #require(codec.match(forget))) == [:])
    }

    @Test(arguments: ["{", "[]", "\"x\"", "12"])
    func refusesBodiesThatAreNotObjects(_ body: String) throws {
        #expect(throws: AWSError.self) {
            do {
                _ = try read(body)
            } catch let error as AWSError {
                #expect(error.code == "SerializationException")
                #expect(error.status == 400)
                throw error
            }
        }
    }

    @Test func refusesMembersOfTheWrongTypeAndBrokenConstraints() throws {
        #expect(throws: AWSError(code: "SerializationException", message: "Cannot deserialize the value at 'Count' as integer.", status: 400)) {
            try read(#"{"KeyId":"k","Count":"two"}"#)
        }
        #expect(throws: AWSError.self) { try read(#"{"KeyId":"k","Count":11}"#) }
        do {
            _ = try read(#"{"Count":1}"#)
            Issue.record("a missing required member was accepted")
        } catch let error as AWSError {
            #expect(error.code == "ValidationException")
        }
        // Plaintext longer than its 4 bytes (AAECAwQ= is five).
        #expect(throws: AWSError.self) { try read(#"{"KeyId":"k","Plaintext":"AAECAwQ="}"#) }
    }

    @Test func writesOutputsAsJSONWithTimestampsInSeconds() throws {
        let response = codec.encodeOutput(
            ["CiphertextBlob": "AAEC", "CreationDate": .double(1_700_000_000.5), "KeyId": "k", "Ignored": 1, "Absent": .null],
            operation: Self.model.operations["Seal"]!, requestID: "r-1")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/x-amz-json-1.1")
        #expect(response.header("x-amzn-RequestId") == "r-1")
        #expect(try JSONValue.parse(response.body) == ["CiphertextBlob": "AAEC", "CreationDate": .double(1_700_000_000.5), "KeyId": "k"])
        let empty = codec.encodeOutput(.object([:]), operation: Self.model.operations["Forget"]!, requestID: "r-2")
        #expect(try JSONValue.parse(empty.body) == [:])
    }

    @Test func writesErrorsWithTypeAndMessage() throws {
        let response = codec.encodeError(AWSError(code: "NotFoundException", message: "gone", status: 400), requestID: "r-3")
        #expect(response.status == 400)
        #expect(response.header("Content-Type") == "application/x-amz-json-1.1")
        #expect(try JSONValue.parse(response.body) == ["__type": "NotFoundException", "message": "gone"])
    }

    @Test func namesUnknownOperationsInItsOwnShape() {
        let error = codec.unknownOperationError(request("VaultService.Nope", body: "{}"))
        #expect(error?.code == "UnknownOperationException")
        #expect(error?.status == 400)
        #expect(codec.unknownOperationError(request(nil, body: "{}"))?.code == "UnknownOperationException")
    }
}
