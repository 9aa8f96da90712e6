import BulwarkCore
import Foundation
import Testing

@Suite("Core values")
struct CoreValueTests {
    @Test func arnsRoundTrip() throws {
        let arn = try #require(ARN("arn:aws:lambda:us-east-1:123456789012:function:hello:1"))
        #expect(arn.service == "lambda")
        #expect(arn.accountID == "123456789012")
        #expect(arn.resource == "function:hello:1")
        #expect(arn.description == "arn:aws:lambda:us-east-1:123456789012:function:hello:1")
        #expect(ARN("arn:aws:iam::123456789012:role/a/b")?.region == "")
    }

    @Test("Not ARNs", arguments: ["", "arn", "arn:aws:lambda", "aws:lambda:us-east-1:1:x:y", "arn::lambda:r:a:x", "*"])
    func notARNs(text: String) {
        #expect(ARN(text) == nil)
    }

    @Test func rootPrincipal() {
        let root = Principal.root(accountID: "123456789012")
        #expect(root.arn == "arn:aws:iam::123456789012:root")
        #expect(root.kind == .root)
    }

    @Test func jsonValuesRoundTrip() throws {
        let document: JSONValue = ["a": [1, .double(2.5), "x", true, .null], "b": ["c": "d/e"]]
        #expect(try JSONValue.parse(document.serialized()) == document)
        #expect(String(decoding: JSONValue.object(["b": 1, "a": 2]).serialized(), as: UTF8.self) == #"{"a":2,"b":1}"#)
    }

    @Test func timestampFormats() throws {
        let date = Date(timeIntervalSince1970: 1_440_938_160.234)
        #expect(AWSTimestamp.iso8601(date) == "2015-08-30T12:36:00Z")
        #expect(AWSTimestamp.basic(date) == "20150830T123600Z")
        #expect(AWSTimestamp.lambda(date) == "2015-08-30T12:36:00.234+0000")
        #expect(AWSTimestamp.rfc7231(date) == "Sun, 30 Aug 2015 12:36:00 GMT")
        #expect(AWSTimestamp.parseISO8601("2015-08-30T12:36:00Z") == Date(timeIntervalSince1970: 1_440_938_160))
        #expect(AWSTimestamp.parseBasic("20150830T123600Z") == Date(timeIntervalSince1970: 1_440_938_160))
        #expect(AWSTimestamp.parseBasic("2015-08-30") == nil)
    }

    /// Found by fuzzing the rest-json decoder: Foundation's `DateFormatter` traps on a combining mark after a
    /// digit, so these inputs once stopped the whole process.
    @Test(arguments: [
        "2015-06-3\u{5AB}0T12:36:00Z", "2015-06-3\u{5AB}\u{FFFD}\u{FFFD}00Z", "2015-06-30T12:36:00\u{5AB}Z",
        "Sun, 3\u{301}0 Aug 2015 12:36:00 GMT", "2015083\u{5AB}0T1236Z", "2015-08-30T12:36:00Z\u{0}",
        String(repeating: "2015-08-30T12:36:00Z", count: 100),
    ])
    func timestampParsersRefuseWhatIsNoTimestamp(_ text: String) {
        #expect(AWSTimestamp.parseISO8601(text) == nil)
        #expect(AWSTimestamp.parseHTTPDate(text) == nil)
        #expect(AWSTimestamp.parseBasic(text) == nil)
    }

    @Test func timestampParsersStillReadEveryFormat() {
        #expect(AWSTimestamp.parseISO8601("2015-08-30T12:36:00.234+00:00") == Date(timeIntervalSince1970: 1_440_938_160.234))
        #expect(AWSTimestamp.parseHTTPDate("Sun, 30 Aug 2015 12:36:00 GMT") == Date(timeIntervalSince1970: 1_440_938_160))
    }

    @Test func errorsCarryTheirFault() {
        #expect(AWSError(code: "X", message: "m", status: 400).fault == .sender)
        #expect(AWSError(code: "X", message: "m", status: 503).fault == .receiver)
        #expect(AWSError.notImplemented(service: "Lambda", operation: "PublishVersion").status == 501)
    }
}
