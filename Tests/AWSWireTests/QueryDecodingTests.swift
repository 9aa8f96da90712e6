import AWSWire
import BulwarkCore
import Foundation
import HTTPTypes
import Testing

/// A request body botocore serialized (`Fixtures/query/requests.json`).
struct QueryRequestFixture: Sendable, CustomTestStringConvertible {
    let service: String
    let operation: String
    let method: String
    let contentType: String
    let body: String
    let input: JSONValue

    var testDescription: String { "\(service) \(operation): \(body.prefix(60))" }

    static let all: [QueryRequestFixture] = {
        guard let cases = try? QueryFixtures.json("requests.json")["requests"]?.arrayValue else { return [] }
        return cases.map { entry in
            QueryRequestFixture(
                service: entry["service"]?.stringValue ?? "",
                operation: entry["operation"]?.stringValue ?? "",
                method: entry["method"]?.stringValue ?? "",
                contentType: entry["contentType"]?.stringValue ?? "",
                body: entry["body"]?.stringValue ?? "",
                input: entry["input"] ?? .null
            )
        }
    }()
}

@Suite("The query protocol: reading requests")
struct QueryDecodingTests {
    static func request(
        _ body: String, method: HTTPRequest.Method = .post, target: String = "/",
        contentType: String? = "application/x-www-form-urlencoded; charset=utf-8"
    ) -> WireRequest {
        var headers = HTTPFields()
        if let contentType { headers[.contentType] = contentType }
        return WireRequest(method: method, target: target, headers: headers, body: Data(body.utf8))
    }

    static func read(_ service: String, _ body: String) throws -> JSONValue {
        let codec = try QueryFixtures.codec(service)
        let request = request(body)
        let match = try #require(codec.match(request))
        return try codec.readInput(request, match: match)
    }

    @Test func fixturesArePresent() {
        #expect(QueryRequestFixture.all.count >= 17)
    }

    @Test(arguments: QueryRequestFixture.all)
    func readsWhatBotocoreSends(_ fixture: QueryRequestFixture) throws {
        let codec = try QueryFixtures.codec(fixture.service)
        let request = Self.request(fixture.body, contentType: fixture.contentType)
        #expect(fixture.method == "POST")
        let match = try #require(codec.match(request))
        #expect(match.operation.name == fixture.operation)
        let input = try codec.readInput(request, match: match)
        #expect(QueryFixtures.same(input, fixture.input), "read \(input), botocore sent \(fixture.input)")
    }

    @Test func acceptsTheParametersInTheQueryStringOfAGet() throws {
        let codec = try QueryFixtures.codec("iam")
        let request = Self.request(
            "", method: .get, target: "/?Action=ListUsers&Version=2010-05-08&MaxItems=3&PathPrefix=%2Fa%2F", contentType: nil)
        let match = try #require(codec.match(request))
        #expect(match.operation.name == "ListUsers")
        #expect(try codec.readInput(request, match: match) == ["MaxItems": 3, "PathPrefix": "/a/"])
    }

    @Test func readsAFormBodyWithoutContentType() throws {
        let codec = try QueryFixtures.codec("sts")
        let request = Self.request("Action=GetCallerIdentity&Version=2011-06-15", contentType: nil)
        #expect(codec.match(request)?.operation.name == "GetCallerIdentity")
    }

    @Test func ignoresBodiesThatAreNotForms() throws {
        let codec = try QueryFixtures.codec("sts")
        let request = Self.request("Action=GetCallerIdentity&Version=2011-06-15", contentType: "application/json")
        #expect(codec.match(request) == nil)
    }

    @Test func matchesOnlyTheModelsVersion() throws {
        let iam = try QueryFixtures.codec("iam")
        let sts = try QueryFixtures.codec("sts")
        let request = Self.request("Action=GetCallerIdentity&Version=2011-06-15")
        #expect(iam.match(request) == nil)
        #expect(sts.match(request) != nil)
        #expect(sts.match(Self.request("Action=GetCallerIdentity&Version=2010-05-08")) == nil)
        #expect(sts.match(Self.request("Action=GetCallerIdentity")) != nil)
    }

    @Test func namesUnknownAndMissingActions() throws {
        let codec = try QueryFixtures.codec("iam")
        let unknown = Self.request("Action=StealEverything&Version=2010-05-08")
        #expect(codec.match(unknown) == nil)
        #expect(
            codec.unknownOperationError(unknown)
                == AWSError(code: "InvalidAction", message: "Could not find operation StealEverything for version 2010-05-08", status: 400))
        let missing = codec.unknownOperationError(Self.request("Version=2010-05-08"))
        #expect(missing?.code == "MissingAction")
        #expect(missing?.status == 400)
    }

    @Test(arguments: [
        ("iam", "Action=ListUsers&Version=2010-05-08&MaxItems=ten", "Value 'ten' at 'maxItems' could not be read as an integer."),
        ("iam", "Action=ListUsers&Version=2010-05-08&MaxItems=4294967296", "Value '4294967296' at 'maxItems' could not be read as an integer."),
        ("iam", "Action=ListPolicies&Version=2010-05-08&OnlyAttached=yes", "Value 'yes' at 'onlyAttached' could not be read as a boolean."),
        ("features", "Action=PutThing&Version=2020-01-01&Name=n&Ratio=half", "Value 'half' at 'ratio' could not be read as a number."),
        ("features", "Action=PutThing&Version=2020-01-01&Name=n&When=yesterday", "Value 'yesterday' at 'when' could not be read as a timestamp."),
        (
            "features", "Action=PutThing&Version=2020-01-01&Name=n&Payload=%21%21",
            "Value '!!' at 'payload' could not be read as base64-encoded binary data."
        ),
        (
            "features", "Action=PutThing&Version=2020-01-01&Name=n&Parts.member.1.Values.member.1.x=1&Inner.Depth=x",
            "Value 'x' at 'inner.depth' could not be read as an integer."
        ),
    ])
    func refusesValuesOfTheWrongType(_ service: String, _ body: String, _ message: String) {
        #expect(throws: AWSError(code: "MalformedInput", message: message, status: 400)) { try Self.read(service, body) }
    }

    @Test func reportsConstraintsAsValidationError() {
        let error = #expect(throws: AWSError.self) { try Self.read("iam", "Action=ListUsers&Version=2010-05-08&MaxItems=0") }
        #expect(error?.code == "ValidationError")
        #expect(error?.status == 400)
        #expect(
            error?.message
                == "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1"
        )
        let missing = #expect(throws: AWSError.self) { try Self.read("iam", "Action=CreateUser&Version=2010-05-08") }
        #expect(missing?.code == "ValidationError")
        #expect(missing?.message.contains("Value null at 'userName' failed to satisfy constraint: Member must not be null") == true)
    }

    @Test func readsListsInIndexOrderAndIgnoresUnknownParameters() throws {
        let input = try Self.read(
            "iam",
            "Action=GetAccountAuthorizationDetails&Version=2010-05-08&Filter.member.10=Role&Filter.member.2=User"
                + "&Filter.x=Group&Unknown=1&Filter.member.1=AWSManagedPolicy")
        #expect(input == ["Filter": ["AWSManagedPolicy", "User", "Role"]])
    }

    @Test func theLastOfARepeatedParameterWins() throws {
        let input = try Self.read("iam", "Action=GetUser&Version=2010-05-08&UserName=a&UserName=b")
        #expect(input == ["UserName": "b"])
    }
}
