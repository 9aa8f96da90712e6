import AWSWire
import Foundation
import HTTPTypes
import Testing

@Suite("Answers to services Bulwark does not serve")
struct UnservedServiceAnswerTests {
    private func request(_ headers: [String: String] = [:]) -> WireRequest {
        var fields = HTTPFields()
        for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
        return WireRequest(method: .post, target: "/", headers: fields)
    }

    @Test("The protocol comes from the request's headers, then from the signing name")
    func families() {
        #expect(UnservedServiceAnswer(request: request(["smithy-protocol": "rpc-v2-cbor"]), signingName: "monitoring").family == .rpcV2CBOR)
        #expect(
            UnservedServiceAnswer(
                request: request(["X-Amz-Target": "DynamoDB_20120810.ListTables", "Content-Type": "application/x-amz-json-1.0"]),
                signingName: "dynamodb"
            ).family == .json(contentType: "application/x-amz-json-1.0"))
        #expect(UnservedServiceAnswer(request: request(), signingName: "ec2").family == .ec2)
        #expect(UnservedServiceAnswer(request: request(), signingName: "s3").family == .restXML)
        #expect(UnservedServiceAnswer(request: request(), signingName: "sns").family == .query)
        #expect(UnservedServiceAnswer(request: request(), signingName: "monitoring").family == .query)
        #expect(UnservedServiceAnswer(request: request(), signingName: "apigateway").family == .restJSON)
    }

    @Test("The CBOR error body is a map of __type and message")
    func cbor() {
        let error = UnservedServiceAnswer.error(signingName: "monitoring", served: ["Lambda"])
        let answer = UnservedServiceAnswer(request: request(["smithy-protocol": "rpc-v2-cbor"]), signingName: "monitoring")
        let response = answer.response(error, requestID: "r-1")
        #expect(response.status == 501)
        #expect(response.header("smithy-protocol") == "rpc-v2-cbor")
        let bytes = [UInt8](response.body)
        // map(2), text(6) "__type", text(14) "NotImplemented", text(7) "message", text(n) ...
        #expect(Array(bytes.prefix(24)) == [0xA2, 0x66] + Array("__type".utf8) + [0x6E] + Array("NotImplemented".utf8) + [0x67])
        let message = "Bulwark does not serve the AWS service 'monitoring'; it serves Lambda."
        #expect(Array(bytes.suffix(message.utf8.count + 2)) == [0x78, UInt8(message.utf8.count)] + Array(message.utf8))
    }

    @Test("EC2 and S3 errors are XML in their own shapes")
    func xml() throws {
        let error = UnservedServiceAnswer.error(signingName: "ec2", served: ["Lambda", "IAM"])
        let ec2 = UnservedServiceAnswer(request: request(), signingName: "ec2").response(error, requestID: "r-2")
        let text = try #require(String(data: ec2.body, encoding: .utf8))
        #expect(
            text.hasSuffix(
                "<Response><Errors><Error><Code>NotImplemented</Code><Message>Bulwark does not serve the AWS service &apos;ec2&apos;; "
                    + "it serves Lambda, IAM.</Message></Error></Errors><RequestID>r-2</RequestID></Response>"))
        let s3 = UnservedServiceAnswer(request: request(), signingName: "s3").response(error, requestID: "r-3")
        #expect(String(data: s3.body, encoding: .utf8)?.contains("<Error><Code>NotImplemented</Code>") == true)
        #expect(s3.header("x-amz-request-id") == "r-3")
    }
}
