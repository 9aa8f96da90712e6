import AWSWire
import BulwarkCore
import Foundation
import Testing

/// An answer written as AWS writes it and read back by botocore's query parser to exactly `output`
/// (`Fixtures/query/responses.json`).
struct QueryResponseFixture: Sendable, CustomTestStringConvertible {
    let service: String
    let operation: String
    let output: JSONValue
    let xml: String

    var testDescription: String { "\(service) \(operation)" }

    static let requestID = (try? QueryFixtures.json("responses.json")["requestId"]?.stringValue) ?? ""

    static let all: [QueryResponseFixture] = {
        guard let cases = try? QueryFixtures.json("responses.json")["responses"]?.arrayValue else { return [] }
        return cases.map { entry in
            QueryResponseFixture(
                service: entry["service"]?.stringValue ?? "",
                operation: entry["operation"]?.stringValue ?? "",
                output: entry["output"] ?? .null,
                xml: entry["xml"]?.stringValue ?? ""
            )
        }
    }()
}

/// An error answer botocore reads back to its code, message and type.
struct QueryErrorFixture: Sendable, CustomTestStringConvertible {
    let service: String
    let error: AWSError
    let xml: String

    var testDescription: String { "\(service) \(error.code)" }

    static let all: [QueryErrorFixture] = {
        guard let cases = try? QueryFixtures.json("responses.json")["errors"]?.arrayValue else { return [] }
        return cases.map { entry in
            QueryErrorFixture(
                service: entry["service"]?.stringValue ?? "",
                error: AWSError(
                    code: entry["code"]?.stringValue ?? "",
                    message: entry["message"]?.stringValue ?? "",
                    status: Int(entry["status"]?.doubleValue ?? 0),
                    fault: AWSError.Fault(rawValue: entry["type"]?.stringValue ?? "")
                ),
                xml: entry["xml"]?.stringValue ?? ""
            )
        }
    }()
}

@Suite("The query protocol: writing answers")
struct QueryEncodingTests {
    @Test func fixturesArePresent() {
        #expect(QueryResponseFixture.all.count >= 10)
        #expect(QueryErrorFixture.all.count >= 5)
        #expect(!QueryResponseFixture.requestID.isEmpty)
    }

    @Test(arguments: QueryResponseFixture.all)
    func writesWhatBotocoreReadsBack(_ fixture: QueryResponseFixture) throws {
        let codec = try QueryFixtures.codec(fixture.service)
        let operation = try #require(codec.model.operations[fixture.operation])
        let response = codec.encodeOutput(fixture.output, operation: operation, requestID: QueryResponseFixture.requestID)
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "text/xml")
        #expect(response.header("x-amzn-RequestId") == QueryResponseFixture.requestID)
        #expect(String(decoding: response.body, as: UTF8.self) == fixture.xml)
    }

    @Test(arguments: QueryErrorFixture.all)
    func writesErrorsBotocoreReadsBack(_ fixture: QueryErrorFixture) throws {
        let codec = try QueryFixtures.codec(fixture.service)
        let response = codec.encodeError(fixture.error, requestID: QueryResponseFixture.requestID)
        #expect(response.status == fixture.error.status)
        #expect(response.header("Content-Type") == "text/xml")
        #expect(response.header("x-amzn-RequestId") == QueryResponseFixture.requestID)
        #expect(String(decoding: response.body, as: UTF8.self) == fixture.xml)
    }

    @Test func errorsThrownUnderTheShapeNameTravelUnderTheQueryCode() throws {
        let codec = try QueryFixtures.codec("iam")
        let response = codec.encodeError(
            AWSError(code: "NoSuchEntityException", message: "gone", status: 404), requestID: "r")
        let body = String(decoding: response.body, as: UTF8.self)
        #expect(body.contains("<Code>NoSuchEntity</Code>"))
        #expect(response.status == 404)
    }

    @Test func writesErrorFieldsAndHeaders() throws {
        let codec = try QueryFixtures.codec("sts")
        let error = AWSError(
            code: "Throttling", message: "Rate exceeded", status: 400, fields: ["Detail": "a<b"], headers: ["Retry-After": "2"])
        let response = codec.encodeError(error, requestID: "r-1")
        #expect(response.header("Retry-After") == "2")
        #expect(
            String(decoding: response.body, as: UTF8.self)
                == #"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>Throttling</Code>"#
                + "<Message>Rate exceeded</Message><Detail>a&lt;b</Detail></Error><RequestId>r-1</RequestId></ErrorResponse>")
    }

    @Test func serverFaultsAreReceiverErrors() throws {
        let codec = try QueryFixtures.codec("iam")
        let response = codec.encodeError(.internalFailure(), requestID: "r")
        #expect(response.status == 500)
        #expect(String(decoding: response.body, as: UTF8.self).contains("<Type>Receiver</Type><Code>InternalFailure</Code>"))
    }

    @Test(arguments: [
        ("plain", "plain"),
        ("a & b", "a &amp; b"),
        ("<tag attr=\"v\">'</tag>", "&lt;tag attr=&quot;v&quot;&gt;&apos;&lt;/tag&gt;"),
        ("line\r\nbreak", "line&#xD;\nbreak"),
        ("ünïcødé ✓", "ünïcødé ✓"),
    ])
    func escapesCharacterData(_ text: String, _ escaped: String) throws {
        let codec = try QueryFixtures.codec("sts")
        let operation = try #require(codec.model.operations["GetCallerIdentity"])
        let response = codec.encodeOutput(["Arn": .string(text)], operation: operation, requestID: "r")
        #expect(String(decoding: response.body, as: UTF8.self).contains("<Arn>\(escaped)</Arn>"))
    }

    @Test(
        arguments: [
            (1_795_608_000.0, nil, "2026-11-25T12:00:00Z"),
            (1_795_608_000.001, nil, "2026-11-25T12:00:00.001Z"),
            (1_795_608_000.9996, nil, "2026-11-25T12:00:01Z"),
            (1_795_608_000.5, "unixTimestamp", "1795608000.5"),
            (1_795_608_000.0, "unixTimestamp", "1795608000"),
        ] as [(Double, String?, String)])
    func writesTimestamps(_ seconds: Double, _ format: String?, _ text: String) throws {
        let codec = try QueryFixtures.codec("features")
        let operation = try #require(codec.model.operations["PutThing"])
        let member = format == "unixTimestamp" ? "Epoch" : "When"
        let response = codec.encodeOutput(["Name": "n", member: .double(seconds)], operation: operation, requestID: "r")
        #expect(String(decoding: response.body, as: UTF8.self).contains("<\(member)>\(text)</\(member)>"))
    }

    @Test func writesAnswersWithoutOutputAsMetadataOnly() throws {
        let codec = try QueryFixtures.codec("iam")
        let operation = try #require(codec.model.operations["DeleteUser"])
        let response = codec.encodeOutput(.object([:]), operation: operation, requestID: "r-2")
        #expect(
            String(decoding: response.body, as: UTF8.self)
                == #"<DeleteUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata><RequestId>r-2</RequestId></ResponseMetadata></DeleteUserResponse>"#
        )
    }
}
