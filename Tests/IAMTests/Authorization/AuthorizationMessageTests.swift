import AWSWire
import BulwarkCore
import Crypto
import Foundation
import Testing

@testable import IAM

/// The account of a denial for `sts:DecodeAuthorizationMessage`: its JSON, as AWS documents it, and
/// the sealing that keeps it unreadable and unforgeable without the server's key.
extension AuthorizerTests {
    static let fixedTime = Date(timeIntervalSince1970: 1_765_000_000)

    func denialMessage(_ principal: Principal, _ action: String, _ resource: String) async throws -> AuthorizationMessage {
        var context = Self.context(principal)
        context = CallContext(
            requestID: context.requestID, principal: principal, accessKeyID: context.accessKeyID, region: context.region,
            sourceIP: context.sourceIP, userAgent: context.userAgent, isSecureTransport: context.isSecureTransport,
            receivedAt: Self.fixedTime, presigner: context.presigner
        )
        let outcome = try await decide(principal, action, resource, context: context)
        return try #require(outcome.denialMessage)
    }

    @Test func anImplicitDenyIsTheWholeDocumentedMessage() async throws {
        let dev = try await makeUser("dev")
        let message = try await denialMessage(dev, "lambda:DeleteFunction", Self.function)
        let json = String(decoding: message.json(), as: UTF8.self)

        func key(_ name: String, _ value: String) -> String { #"{"key":"\#(name)","values":{"items":[{"value":"\#(value)"}]}}"# }
        let conditions = [
            key("aws:PrincipalArn", "arn:aws:iam::123456789012:user/dev"), key("aws:PrincipalAccount", "123456789012"),
            key("aws:PrincipalType", "User"), key("aws:userid", "AIDADEV"), key("aws:username", "dev"),
            key("aws:PrincipalIsAWSService", "false"), key("aws:CurrentTime", "2025-12-06T05:46:40Z"), key("aws:EpochTime", "1765000000"),
            key("aws:RequestedRegion", "us-east-1"), key("aws:SecureTransport", "false"), key("aws:SourceIp", "10.1.2.3"),
            key("aws:UserAgent", "t"),
        ]
        #expect(
            json
                == #"{"allowed":false,"explicitDeny":false,"matchedStatements":{"items":[]},"failures":{"items":[]},"#
                + #""context":{"principal":{"id":"AIDADEV","name":"dev","arn":"arn:aws:iam::123456789012:user/dev"},"#
                + #""action":"lambda:DeleteFunction","resource":"\#(Self.function)","conditions":{"items":["#
                + conditions.joined(separator: ",") + "]}}}"
        )
    }

    @Test func anExplicitDenyListsTheDenyingStatements() async throws {
        let dev = try await makeUser("dev")
        try await database.iam.putInlinePolicy(Self.allow("lambda:*"), named: "all", of: .user, "dev", accountID: Self.account)
        let deny = #"""
            {"Version":"2012-10-17","Statement":[{"Sid":"Keep","Effect":"Deny","NotAction":"lambda:Get*","NotResource":"arn:aws:lambda:*:*:function:scratch-*",
            "Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.0.2.0/24"]}}},{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}
            """#
        try await database.iam.putInlinePolicy(deny, named: "keep", of: .user, "dev", accountID: Self.account)

        let message = try await denialMessage(dev, "lambda:DeleteFunction", Self.function)

        #expect(message.explicitDeny && !message.allowed)
        let document = try #require(try JSONSerialization.jsonObject(with: message.json()) as? [String: Any])
        let statements = try #require((document["matchedStatements"] as? [String: Any])?["items"] as? [Any])
        #expect(statements.count == 1)
        let json = statements.first as? NSDictionary
        let expected: NSDictionary = [
            "statementId": "Keep", "effect": "DENY", "principals": ["items": [["value": "AIDADEV"]]], "principalGroups": ["items": []],
            "notActions": ["items": [["value": "lambda:Get*"]]], "notResources": ["items": [["value": "arn:aws:lambda:*:*:function:scratch-*"]]],
            "conditions": [
                "items": [
                    ["operator": "IpAddress", "key": "aws:SourceIp", "values": ["items": [["value": "10.0.0.0/8"], ["value": "192.0.2.0/24"]]]]
                ]
            ],
        ]
        #expect(json == expected)
    }

    @Test func aRoleSessionIsNamedByItsIdAndArnOnly() async throws {
        let role = IAMPrincipalRecord(
            kind: .role, accountID: Self.account, name: "hello-role", uniqueID: "AROAHELLO", path: "/", createdAt: Date(), trustPolicy: "{}")
        try await database.iam.create(role)
        let session = Principal(
            kind: .assumedRole, accountID: Self.account, arn: "arn:aws:sts::123456789012:assumed-role/hello-role/s1",
            principalID: "AROAHELLO:s1",
            session: Principal.Session(
                issuerARN: role.arn, issuerName: role.name, sessionName: "s1", issuedAt: Date(), expiresAt: Date().addingTimeInterval(3600),
                mfaAuthenticatedAt: nil, policy: nil, tags: [:], sourceFunctionARN: nil
            )
        )
        let message = try await denialMessage(session, "lambda:DeleteFunction", Self.function)

        #expect(message.context.principal == .init(id: "AROAHELLO:s1", name: nil, arn: "arn:aws:sts::123456789012:assumed-role/hello-role/s1"))
        #expect(!String(decoding: message.json(), as: UTF8.self).contains(#""name""#))
    }

    @Test func aLargeMessageIsCutToFitTheLimit() async throws {
        let dev = try await makeUser("dev")
        let actions = (0..<400).map { #""lambda:DeleteFunction\#($0)*""# }.joined(separator: ",")
        let deny = #"{"Version":"2012-10-17","Statement":[{"Sid":"Big","Effect":"Deny","Action":[\#(actions)],"Resource":"*"}]}"#
        try await database.iam.putInlinePolicy(deny, named: "big", of: .user, "dev", accountID: Self.account)
        // 400 patterns the action does not match: only the first matches, yet the statement is listed whole.
        try await database.iam.putInlinePolicy(
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"lambda:Delete*","Resource":"*"}]}"#, named: "small", of: .user, "dev",
            accountID: Self.account)
        let message = try await denialMessage(dev, "lambda:DeleteFunction", Self.function)
        let json = message.json()

        #expect(json.count <= AuthorizationMessage.maximumBytes)
        #expect(try JSONSerialization.jsonObject(with: json) is NSDictionary)
        let sealed = try AuthorizationMessageSealer.withNewKey().seal(message, account: Self.account)
        #expect(sealed.count <= 10_240)
    }

    @Test func aSealedMessageOpensOnlyWithItsKeyInItsAccount() async throws {
        let dev = try await makeUser("dev")
        let message = try await denialMessage(dev, "lambda:DeleteFunction", Self.function)
        let key = SymmetricKey(size: .bits256)
        let sealer = AuthorizationMessageSealer(key: key)
        let sealed = try sealer.seal(message, account: Self.account)

        #expect(sealed.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        #expect(AuthorizationMessageSealer(key: key).open(sealed, account: Self.account) == String(decoding: message.json(), as: UTF8.self))
        #expect(sealer.open(sealed, account: "210987654321") == nil)
        #expect(AuthorizationMessageSealer.withNewKey().open(sealed, account: Self.account) == nil)
        // Two seals of one message differ (a fresh nonce each), and neither reveals it.
        let again = try sealer.seal(message, account: Self.account)
        #expect(again != sealed)
        #expect(!sealed.contains("lambda"))
    }

    @Test func textIsEscapedAsJSON() {
        let node = AuthorizationMessage.Node.object([
            ("a\"b", .string("line\nbreak\\ \u{01} é/")), ("absent", nil), ("list", .array([.bool(true), .bool(false)])),
        ])
        #expect(node.text == #"{"a\"b":"line\nbreak\\ \u0001 é/","list":[true,false]}"#)
    }

    @Test(arguments: ["", "A", "not base64!", "AAAA", "_-_-", String(repeating: "A", count: 200)])
    func whatWasNotSealedDoesNotOpen(_ text: String) {
        #expect(AuthorizationMessageSealer.withNewKey().open(text, account: Self.account) == nil)
    }

    @Test func anyAlteredCharacterIsRefused() async throws {
        let dev = try await makeUser("dev")
        let message = try await denialMessage(dev, "lambda:DeleteFunction", Self.function)
        let sealer = AuthorizationMessageSealer.withNewKey()
        let sealed = Array(try sealer.seal(message, account: Self.account))
        for index in stride(from: 0, to: sealed.count, by: 7) {
            var altered = sealed
            altered[index] = altered[index] == "A" ? "B" : "A"
            #expect(sealer.open(String(altered), account: Self.account) == nil)
        }
        #expect(sealer.open(String(sealed.dropLast()), account: Self.account) == nil)
    }
}
