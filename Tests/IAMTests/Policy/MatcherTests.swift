import BulwarkCore
import Foundation
import Testing

@testable import IAM

/// The matchers the evaluator runs on every request: glob patterns by shape, resource entries read
/// in place, and the byte-wise readers of ASCII text, each held to the character-wise reading it
/// replaced.
@Suite("Matchers")
struct MatcherTests {
    /// A reference glob match over Unicode scalars: `*` any run, `?` one scalar, the rest literal.
    static func reference(_ pattern: [Unicode.Scalar], _ text: [Unicode.Scalar]) -> Bool {
        guard let first = pattern.first else { return text.isEmpty }
        switch first {
        case "*":
            let rest = Array(pattern.dropFirst())
            return (0...text.count).contains { reference(rest, Array(text.dropFirst($0))) }
        case "?":
            return !text.isEmpty && reference(Array(pattern.dropFirst()), Array(text.dropFirst()))
        default:
            return text.first == first && reference(Array(pattern.dropFirst()), Array(text.dropFirst()))
        }
    }

    /// Strings made of a small alphabet, so that patterns and texts meet often.
    static func samples(_ alphabet: [String], length: Int, count: Int, seed: UInt64) -> [String] {
        var state = seed
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33)
        }
        return (0..<count).map { _ in (0..<(next() % (length + 1))).map { _ in alphabet[next() % alphabet.count] }.joined() }
    }

    @Test func globShapesAreFoundOnce() {
        #expect(GlobPattern(wildcards: "*").shape == .everything)
        #expect(GlobPattern(wildcards: "lambda:getfunction").shape == .exact)
        #expect(GlobPattern(wildcards: "lambda:get*").shape == .prefix)
        #expect(GlobPattern(wildcards: "lambda:*function").shape == .general)
        #expect(GlobPattern(wildcards: "lambda:get?").shape == .general)
        #expect(GlobPattern(wildcards: "a**").shape == .general)
        #expect(GlobPattern(wildcards: "").shape == .exact)
        #expect(GlobPattern(literal: "a*").shape == .exact)
    }

    @Test func everyShapeMatchesAsTheReference() {
        let patterns = Self.samples(["a", "b", ":", "*", "?", "é"], length: 6, count: 300, seed: 1) + ["*", "a*", "ab", "", "é*", "?"]
        let texts = Self.samples(["a", "b", ":", "é", "*"], length: 6, count: 120, seed: 2) + ["", "a", "ab", "é"]
        for pattern in patterns {
            let glob = GlobPattern(wildcards: pattern)
            for text in texts {
                let expected = Self.reference(Array(pattern.unicodeScalars), Array(text.unicodeScalars))
                #expect(glob.matches(text) == expected, "\(pattern) against \(text)")
            }
        }
    }

    @Test func theLiteralPartOfAPrefixMustBeThere() {
        let prefix = GlobPattern(wildcards: "lambda:get*")
        #expect(prefix.matches("lambda:get"))
        #expect(prefix.matches("lambda:getfunction"))
        #expect(!prefix.matches("lambda:ge"))
        #expect(!prefix.matches("lambda:listfunctions"))
        let exact = GlobPattern(wildcards: "lambda:getfunction")
        #expect(exact.matches("lambda:getfunction"))
        #expect(!exact.matches("lambda:getfunctions"))
        #expect(!exact.matches("lambda:getfunctio"))
    }

    @Test func actionsIgnoreCaseAndResourcesDoNot() {
        #expect(ActionPattern("Lambda:Get*").matches("lambda:GETFUNCTION"))
        #expect(ActionPattern("lambda:invokefunction").matches("lambda:InvokeFunction"))
        #expect(ActionPattern("lambda:Invoke?unction").matches("LAMBDA:INVOKEFUNCTION"))
        #expect(!ActionPattern("lambda:Get*").matches("lambda:ListFunctions"))
        let resource = ResourcePattern("arn:aws:lambda:*:111122223333:function:App-*", variables: true)
        #expect(resource.matches("arn:aws:lambda:us-east-1:111122223333:function:App-1") { _ in nil } == true)
        #expect(resource.matches("arn:aws:lambda:us-east-1:111122223333:function:app-1") { _ in nil } == false)
        #expect(resource.matches("arn:aws:LAMBDA:us-east-1:111122223333:function:App-1") { _ in nil } == false)
    }

    @Test func resourcesReadInPlaceMatchAsWhenSplit() {
        let patterns = [
            "*", "arn:aws:lambda:*:111122223333:function:*", "arn:aws:lambda:us-east-1:111122223333:function:hello",
            "arn:aws:s3:*", "arn:aws:s3:::b/*", "arn:aws:s3:::b/${aws:username}/*", "arn:aws:iam::*:user/${aws:username}",
            "arn:*:lambda:*:*:function:f:?", "arn:aws:lambda", "arn:aws:lambda:us-east-1:111122223333:function:f*x",
            "arn:aws:sqs:us-east-1:111122223333:queue", "arn:aws:lambda:*:*:function:${aws:PrincipalTag/team, 'shared'}-*",
            "arn:aws:iam::111122223333:role/${aws:principaltag/missing}", "function:*", "arn:aws:lambda:*:*:*",
        ]
        let resources = [
            "*", "arn:aws:lambda:us-east-1:111122223333:function:hello", "arn:aws:lambda:us-east-1:111122223333:function:f:1",
            "arn:aws:s3:::b/alice/key", "arn:aws:s3:::b", "arn:aws:iam::111122223333:user/alice", "arn:aws:lambda",
            "arn:aws:lambda:us-east-1:111122223333:function:fyx", "arn:aws:sqs:us-east-1:111122223333:queue",
            "arn:aws:lambda:eu-west-1:111122223333:function:shared-api", "not-an-arn", "arn:aws:lambda:us-east-1:1:function:é",
            "arn:aws:s3:::b/é/key", "arn::lambda:::", "arn:aws:lambda:us-east-1:111122223333:function:f:",
        ]
        let values = ["aws:username": "alice"]
        for text in patterns {
            let pattern = ResourcePattern(text, variables: true)
            for resource in resources {
                let expected = pattern.splitMatches(resource) { values[$0] }
                #expect(pattern.matches(ResourceText(resource)) { values[$0] } == expected, "\(text) against \(resource)")
            }
        }
    }

    @Test func asciiTextIsSplitAsCharactersWould() {
        let texts =
            Self.samples(["a", ":", "$", "{", "}", "*", "?", ",", "'", " "], length: 14, count: 400, seed: 3) + [
                "arn:aws:s3:::b/${aws:username}/*", "${aws:PrincipalTag/team, 'x:y'}:a:b:c:d:e:f", "${*}${?}${$}x", "${", "a${b",
            ]
        for text in texts {
            for variables in [true, false] {
                #expect(ResourcePattern.splitASCII(text, variables: variables) == ResourcePattern.splitCharacters(text, variables: variables))
                for wildcards in [true, false] {
                    let bytes = PolicyString.asciiSegments(text, wildcards: wildcards, variables: variables)
                    #expect(bytes == PolicyString.segments(text, wildcards: wildcards, variables: variables), "\(text)")
                }
            }
        }
    }

    @Test func fieldsKeptInPlaceAreTheFieldsSplitApart() {
        let texts =
            Self.samples(["a", ":", "*", "?", "$", "{", "}", "B"], length: 16, count: 400, seed: 4) + [
                "arn:aws:lambda:*:111122223333:function:app-*", "*", "arn:aws:s3:::b/*", "arn::::::", "a:b:c:d:e:f:g:h", "arn:aws:s3:*",
            ]
        var inPlace = 0
        for text in texts {
            for variables in [true, false] {
                let pattern = ResourcePattern(text, variables: variables)
                let separate = ResourcePattern.splitCharacters(text, variables: variables).map {
                    PolicyString($0, wildcards: true, variables: variables)
                }
                #expect(pattern.fieldCount == separate.count, "\(text)")
                guard case .inPlace(let ranges) = pattern.fields, let units = pattern.whole.constantPattern?.units else { continue }
                inPlace += 1
                for (range, field) in zip(ranges, separate) {
                    let expected = field.constantPattern
                    #expect(expected != nil, "\(text)")
                    #expect(Array(units[range.start..<range.end]) == expected?.units, "\(text)")
                    #expect(range.shape == expected?.shape, "\(text)")
                }
            }
        }
        #expect(inPlace > 300)
        // A variable (or its escape) needs the text split apart; so does text that is not ASCII.
        for text in ["arn:aws:s3:::b/${aws:username}", "arn:aws:s3:::b/${*}", "arn:aws:s3:::é"] {
            guard case .separate = ResourcePattern(text, variables: true).fields else {
                Issue.record("\(text) was kept in place")
                continue
            }
        }
        guard case .inPlace = ResourcePattern("arn:aws:s3:::b/${aws:username}", variables: false).fields else {
            Issue.record("without variables, `${` is literal text")
            return
        }
    }

    @Test func policyVariablesResolveOnTheFastPath() {
        let pattern = ResourcePattern("arn:aws:iam::111122223333:user/${aws:username}", variables: true)
        let alice = ResourceText("arn:aws:iam::111122223333:user/alice")
        #expect(pattern.matches(alice) { $0 == "aws:username" ? "alice" : nil } == true)
        #expect(pattern.matches(alice) { $0 == "aws:username" ? "bob" : nil } == false)
        // No value for the variable: the entry covers nothing (nil voids a NotResource).
        #expect(pattern.matches(alice) { _ in nil } == nil)
        // A value is literal: a user named `*` covers only the resource named `*`.
        #expect(pattern.matches(alice) { _ in "*" } == false)
        #expect(pattern.matches(ResourceText("arn:aws:iam::111122223333:user/*")) { _ in "*" } == true)
    }

    @Test func accountsAreReadAsARNReadsThem() {
        let texts = [
            "arn:aws:lambda:us-east-1:111122223333:function:f", "arn:aws:iam::aws:policy/AWSLambda_ReadOnlyAccess", "arn:aws:s3:::b/k",
            "*", "arn::lambda:r:1:f", "arn:aws::r:1:f", "arn:aws:s:r:1", "arn:aws:s:r:1:", "arn:aws:s:r::x", "arn:aws:s:r:é:x",
            "arn:aws:s:r:1:a:b:c", "xarn:aws:s:r:1:f", "", "arn:", "arn:aws:lambda:us-east-1:111122223333:function:é",
        ]
        for text in texts {
            #expect(Authorizer.accountField(of: text).map(String.init) == ARN(text)?.accountID, "\(text)")
            #expect(PolicyEvaluator.account(in: text) == PolicyEvaluator.splitAccount(in: text), "\(text)")
        }
    }

    @Test func legacyParsingOfASCIIResourcesIsUnchanged() {
        func reference(_ resource: String) -> Bool {
            if resource == "*" { return true }
            let colons = resource.utf8.count(where: { $0 == UInt8(ascii: ":") })
            guard colons >= 5 || !resource.contains("::") else { return false }
            let parts = resource.split(separator: ":", omittingEmptySubsequences: false)
            return parts.count > 2 ? !parts[2].isEmpty : true
        }
        let texts = Self.samples(["a", ":", "*", "/"], length: 9, count: 500, seed: 4) + ["arn:aws:s3:::b", "arn:aws::x", "a:b:", "a:b"]
        for text in texts {
            #expect(ResourceFormat.passesLegacyParsing(text) == reference(text), "\(text)")
        }
    }

    @Test func timesAreWrittenWhenRead() {
        let date = Date(timeIntervalSince1970: 1_700_000_000.25)
        let context = RequestContext.request(time: date, sourceIP: "10.0.0.1", secureTransport: true, requestedRegion: "us-east-1")
        #expect(context["aws:CurrentTime"] == ContextValue.date(date))
        #expect(context.value(lowercasedKey: "aws:currenttime") == .single("2023-11-14T22:13:20Z"))
        #expect(context["AWS:EpochTime"] == .single("1700000000"))
        #expect(context["aws:securetransport"] == .single("true"))
        #expect(context["aws:SourceIp"] == .single("10.0.0.1"))
        let keys = context.entries.map(\.key)
        #expect(keys == ["aws:CurrentTime", "aws:EpochTime", "aws:RequestedRegion", "aws:SecureTransport", "aws:SourceIp"])
        #expect(context.entries.first?.value == .single("2023-11-14T22:13:20Z"))
    }

    @Test func timesAreWrittenAsFoundationWritesThem() {
        let times: [Double] = [
            0, 0.5, -1.5, -0.25, 1_700_000_000.25, 1_700_000_000.75, 1_700_000_000.9999999, 951_782_400, 4_107_542_399.5,
            -62_135_596_800, -12_212_553_600, -12_212_553_600.5, 253_402_300_799.9, 253_402_300_800, -2_208_988_800.5,
        ]
        for time in times {
            let date = Date(timeIntervalSince1970: time)
            #expect(ContextValue.date(date) == .single(date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false))), "\(time)")
        }
    }

    @Test func stringsWithAndWithoutEscapesReadTheSame() throws {
        let plain = try PolicyJSON.parse(#"{"a":"lambda:Get*","b":"é","c":"x\"y\\z\u00e9\ud83d\ude00"}"#)
        #expect(plain.objectMembers?.map(\.value) == [.string("lambda:Get*"), .string("é"), .string("x\"y\\zé😀")])
        #expect(throws: PolicyJSON.SyntaxError.self) { try PolicyJSON.parse("\"abc") }
        #expect(throws: PolicyJSON.SyntaxError.self) { try PolicyJSON.parse("\"a\u{01}b\"") }
        #expect(throws: PolicyJSON.SyntaxError.self) { try PolicyJSON.parse(#""a\"#) }
    }
}
