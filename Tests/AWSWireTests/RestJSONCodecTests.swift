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

    @Test(arguments: [
        ("/2020-01-01/widgets/ok?limit=%zz", "Illegal hex character in escape % pattern: %zz"),
        ("/2020-01-01/widgets/ok?limit=3&key=a%", "Incomplete trailing escape % sequence"),
        ("/2020-01-01/widgets/ok?ke%yy=a", "Illegal hex character in escape % pattern: %yy"),
    ])
    func refusesMalformedEscapesInTheQuery(target: String, message: String) {
        #expect(throws: AWSError(code: "MalformedQueryString", message: message, status: 400)) { try read(.get, target) }
    }

    @Test func refusesAMalformedEscapeInThePath() throws {
        // The router matches no such path; a match found for the request otherwise is refused all the same.
        #expect(codec.match(WireRequest(method: .get, target: "/2020-01-01/widgets/a%zz")) == nil)
        let match = try #require(codec.match(WireRequest(method: .get, target: "/2020-01-01/widgets/a")))
        #expect(throws: AWSError(code: "InvalidURIPath", message: "Malformed percent-encoding in path: /2020-01-01/widgets/a%zz", status: 400)) {
            try codec.decodeInput(WireRequest(method: .get, target: "/2020-01-01/widgets/a%zz"), match: match)
        }
    }

    @Test func readsLabelsAndQueryValuesWithWellFormedEscapes() throws {
        // Decoded only, not validated: the name's pattern would refuse the space.
        let request = WireRequest(method: .get, target: "/2020-01-01/widgets/a%20b?key=x%2By&key=%C3%A9")
        let input = try codec.decodeInput(request, match: try #require(codec.match(request)))
        #expect(input == ["Name": "a b", "Keys": ["x+y", "é"]])
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
