import AWSWire
import BulwarkCore
import Foundation
import HTTPTypes
import Testing

@Suite("The rest-json protocol")
struct RestJSONCodecTests {
    let codec = RestJSONCodec(model: TestModel.service)

    private func read(_ method: HTTPRequest.Method, _ target: String, body: String = "", headers: HTTPFields = [:]) throws -> JSONValue {
        let request = WireRequest(method: method, target: target, headers: headers, body: Data(body.utf8))
        let match = try #require(codec.match(request))
        return try codec.readInput(request, match: match)
    }

    @Test func readsEveryLocation() throws {
        var headers = HTTPFields()
        headers[HTTPField.Name("X-Trace")!] = "t-1"
        let input = try read(.post, "/2020-01-01/widgets", body: #"{"Name":"ok","Size":2,"Unknown":1}"#, headers: headers)
        #expect(input == ["Name": "ok", "Size": 2, "Trace": "t-1"])

        let get = try read(.get, "/2020-01-01/widgets/ok?verbose=true&limit=3&key=a&key=b")
        #expect(get == ["Name": "ok", "Verbose": true, "Limit": 3, "Keys": ["a", "b"]])
    }

    @Test func refusesBodiesThatAreNotJSONObjects() {
        for body in ["{", "[1]", "\"x\"", "{\"Name\": 5}"] {
            #expect(throws: AWSError.self) { try read(.post, "/2020-01-01/widgets", body: body) }
        }
    }

    @Test func refusesQueryValuesOfTheWrongType() {
        #expect(throws: AWSError.self) { try read(.get, "/2020-01-01/widgets/ok?limit=many") }
        #expect(throws: AWSError.self) { try read(.get, "/2020-01-01/widgets/ok?verbose=maybe") }
    }

    @Test func validatesAfterDecoding() {
        #expect(
            throws: AWSError.validation(
                "1 validation error detected: Value 'BAD' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-z][a-z0-9-]*"
            )
        ) {
            try read(.get, "/2020-01-01/widgets/BAD")
        }
    }

    @Test func writesHeadersStatusAndBody() throws {
        let operation = try #require(TestModel.service.operations["CreateWidget"])
        let response = codec.encodeOutput(["Name": "ok", "Size": 2, "Version": "7", "Status": 202], operation: operation, requestID: "r-1")
        #expect(response.status == 202)
        #expect(response.header("X-Widget-Version") == "7")
        #expect(response.header("x-amzn-RequestId") == "r-1")
        #expect(try JSONValue.parse(response.body) == ["Name": "ok", "Size": 2])
    }

    @Test func writesBlobPayloadsRaw() throws {
        let operation = try #require(TestModel.service.operations["GetBlob"])
        let bytes = Data([0, 1, 2, 255])
        let response = codec.encodeOutput(["Body": .string(bytes.base64EncodedString())], operation: operation, requestID: "r")
        #expect(response.body == bytes)
        #expect(response.header("Content-Type") == "application/octet-stream")
    }

    @Test func modeledErrorsUseTheShapesMessageMember() throws {
        let response = codec.encodeError(AWSError(code: "NotFoundException", message: "gone", status: 404), requestID: "r")
        #expect(response.status == 404)
        #expect(response.header("x-amzn-ErrorType") == "NotFoundException")
        #expect(try JSONValue.parse(response.body) == ["Type": "User", "Message": "gone"])
    }

    @Test func unmodeledErrorsUseLowerCaseMessage() throws {
        let error = AWSError(
            code: "TooManyRequestsException", message: "slow down", status: 429,
            fields: ["Reason": "ReservedFunctionConcurrentInvocationLimitExceeded"], headers: ["Retry-After": "1"])
        let response = codec.encodeError(error, requestID: "r")
        #expect(response.status == 429)
        #expect(response.header("Retry-After") == "1")
        #expect(try JSONValue.parse(response.body) == ["message": "slow down", "Reason": "ReservedFunctionConcurrentInvocationLimitExceeded"])
    }
}
