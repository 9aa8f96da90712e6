import AWSWire
import BulwarkCore
import Foundation
import HTTPTypes
import Testing

/// What the query protocol refuses rather than guess: malformed `%` escapes, list and map indices that are
/// not indices, names too deep to be any member.
@Suite("The query protocol: refusing what cannot be read")
struct QueryMalformedInputTests {
    static func read(_ service: String, _ body: String) throws -> JSONValue {
        try read(service, QueryDecodingTests.request(body))
    }

    static func read(_ service: String, _ request: WireRequest) throws -> JSONValue {
        let codec = try QueryFixtures.codec(service)
        let match = try #require(codec.match(request))
        return try codec.readInput(request, match: match)
    }

    static func malformedQueryString(_ message: String) -> AWSError {
        AWSError(code: "MalformedQueryString", message: message, status: 400)
    }

    @Test(arguments: [
        ("Action=GetUser&Version=2010-05-08&UserName=a%zzb", "Illegal hex character in escape % pattern: %zz"),
        ("Action=GetUser&Version=2010-05-08&UserName=a%2", "Incomplete trailing escape % sequence"),
        ("Action=GetUser&Version=2010-05-08&UserName=a%", "Incomplete trailing escape % sequence"),
        ("Action=GetUser&Version=2010-05-08&UserName=%G1", "Illegal hex character in escape % pattern: %G1"),
        ("Action=GetUser&Version=2010-05-08&User%zzName=a", "Illegal hex character in escape % pattern: %zz"),
        ("Action=GetUser&Version=2010-05-08&UserName=a&Unknown=%%41", "Illegal hex character in escape % pattern: %%4"),
        ("Action=GetUser&Version=2010-05-08&UserName=a%2&x=1", "Incomplete trailing escape % sequence"),
    ])
    func refusesMalformedEscapesInTheBody(_ body: String, _ message: String) {
        #expect(throws: Self.malformedQueryString(message)) { try Self.read("iam", body) }
    }

    @Test func refusesMalformedEscapesInTheQueryStringOfAGet() {
        let request = QueryDecodingTests.request(
            "", method: .get, target: "/?Action=ListUsers&Version=2010-05-08&PathPrefix=%2Fa%zz", contentType: nil)
        #expect(throws: Self.malformedQueryString("Illegal hex character in escape % pattern: %zz")) { try Self.read("iam", request) }
    }

    @Test func anActionWithAMalformedEscapeIsAMalformedQueryStringNotAnUnknownAction() throws {
        let codec = try QueryFixtures.codec("iam")
        let request = QueryDecodingTests.request("Action=Get%zzUser&Version=2010-05-08")
        #expect(codec.match(request) == nil)
        #expect(codec.unknownOperationError(request) == Self.malformedQueryString("Illegal hex character in escape % pattern: %zz"))
    }

    @Test func wellFormedEscapesAndPlusSignsAreDecoded() throws {
        // Decoded only, not validated: the path prefix's pattern would refuse the space.
        let codec = try QueryFixtures.codec("iam")
        let request = QueryDecodingTests.request("Action=ListUsers&Version=2010-05-08&PathPrefix=%2Fa+b%2Bc%C3%A9%2f")
        let input = try codec.decodeInput(request, match: try #require(codec.match(request)))
        #expect(input == ["PathPrefix": "/a b+cé/"])
    }

    @Test(arguments: [
        // The index is not a positive 32-bit decimal.
        ("Tags.member.999999999999999999999.Key=k&Tags.member.999999999999999999999.Value=v", "999999999999999999999"),
        ("Tags.member.2147483648.Key=k", "2147483648"),
        ("Tags.member.0.Key=k", "0"),
        ("Tags.member.-1.Key=k", "-1"),
        ("Tags.member.%2B1.Key=k", "+1"),
        ("Tags.member.01.Key=k", "01"),
        ("Tags.member.one.Key=k", "one"),
        ("Tags.member..Key=k", ""),
        // A bad index beside good ones is refused too.
        ("Tags.member.1.Key=k&Tags.member.1.Value=v&Tags.member.x.Key=j", "x"),
    ])
    func refusesListIndicesThatAreNotIndices(_ tags: String, _ index: String) {
        #expect(throws: AWSError(code: "MalformedInput", message: "\(index) is not a valid index", status: 400)) {
            try Self.read("iam", "Action=TagUser&Version=2010-05-08&UserName=u&" + tags)
        }
    }

    @Test(arguments: [
        "Labels.entry.0.key=a&Labels.entry.0.value=b",
        "Flags.99999999999.Name=a&Flags.99999999999.On=true",
        "Flat.0=a",
        "Parts.member.1.Values.member.0=a",
    ])
    func refusesMapAndFlattenedIndicesThatAreNotIndices(_ parameters: String) {
        let error = #expect(throws: AWSError.self) { try Self.read("features", "Action=PutThing&Version=2020-01-01&Name=n&" + parameters) }
        #expect(error?.code == "MalformedInput")
        #expect(error?.status == 400)
        #expect(error?.message.hasSuffix(" is not a valid index") == true)
    }

    @Test func readsTheLargestIndexAndSparseIndicesInOrder() throws {
        let input = try Self.read(
            "iam",
            "Action=TagUser&Version=2010-05-08&UserName=u&Tags.member.2147483647.Key=last&Tags.member.2147483647.Value=z"
                + "&Tags.member.7.Key=first&Tags.member.7.Value=a")
        #expect(input == ["UserName": "u", "Tags": [["Key": "first", "Value": "a"], ["Key": "last", "Value": "z"]]])
    }

    /// Found by fuzzing: a combining mark in a timestamp made Foundation's date parser trap.
    @Test func aTimestampWithACombiningMarkIsMalformedInput() {
        #expect(
            throws: AWSError(
                code: "MalformedInput", message: "Value '2015-06-3\u{5AB}0T12:36:00Z' at 'when' could not be read as a timestamp.",
                status: 400)
        ) { try Self.read("features", "Action=PutThing&Version=2020-01-01&Name=n&When=2015-06-3%D6%AB0T12:36:00Z") }
    }

    @Test func aNameTooDeepToBeAMemberIsIgnoredWithoutExhaustingTheStack() throws {
        let deep = String(repeating: "Tags.", count: 200_000) + "x=1"
        let input = try Self.read("iam", "Action=GetUser&Version=2010-05-08&UserName=u&" + deep)
        #expect(input == ["UserName": "u"])
    }
}
