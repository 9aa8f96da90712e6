import AWSWire
import BulwarkCore
import Foundation
import Testing

@testable import Lambda

/// How a layer or layer version is named: by name or layer ARN with a version number, or by version ARN.
@Suite("Layer references")
struct LayerReferenceTests {
    static let context = CallContext(
        requestID: "test",
        principal: Principal(kind: .root, accountID: "123456789012", arn: "arn:aws:iam::123456789012:root", principalID: "123456789012"),
        accessKeyID: "AKIATEST", region: "us-east-1", sourceIP: "192.0.2.1", userAgent: "tests", isSecureTransport: true,
        receivedAt: Date(), presigner: URLPresigner { path, _, _ in path })

    static let arn = "arn:aws:lambda:us-east-1:123456789012:layer:deps"

    @Test(
        arguments: [
            ("deps", Int64?.some(1), "aws", "123456789012", "\(arn):1"),
            ("deps", nil, "aws", "123456789012", arn),
            (arn, 3, "aws", "123456789012", "\(arn):3"),
            ("arn:aws:lambda:us-east-1:111122223333:layer:deps", 2, "aws", "111122223333", "arn:aws:lambda:us-east-1:111122223333:layer:deps:2"),
            (
                "arn:aws-cn:lambda:us-east-1:123456789012:layer:deps", 1, "aws-cn", "123456789012",
                "arn:aws-cn:lambda:us-east-1:123456789012:layer:deps:1"
            ),
        ] as [(String, Int64?, String, String, String)])
    func names(_ text: String, _ version: Int64?, _ partition: String, _ account: String, _ resourceARN: String) throws {
        let reference = try LayerReference(name: text, version: version, context: Self.context)
        #expect(reference.name == "deps")
        #expect(reference.partition == partition)
        #expect(reference.accountID == account)
        #expect(reference.version == version)
        #expect(reference.resourceARN == resourceARN)
        #expect(reference.layerARN == "arn:\(partition):lambda:us-east-1:\(account):layer:deps")
    }

    @Test(arguments: ["\(arn):1", "\(arn):42", "arn:aws:lambda:us-east-1:111122223333:layer:Deps_2-x:7"])
    func versionARNs(_ text: String) throws {
        let reference = try LayerReference(versionARN: text, context: Self.context)
        #expect(reference.resourceARN == text)
        #expect(reference.version == Int64(text.split(separator: ":").last!))
    }

    @Test(
        arguments: [
            "", "deps:1", "de ps", "dé", "arn:aws:lambda:us-east-1:123456789012:function:deps",
            "arn:aws:lambda:us-east-1:1234:layer:deps", "arn:aws:s3:us-east-1:123456789012:layer:deps",
            "arn:aws:lambda:us-east-1:123456789012:layer:", "arn:aws:lambda:us-east-1:123456789012:layer:deps:1",
        ])
    func malformedNamesAreRefused(_ text: String) {
        #expect(throws: AWSError.self) { try LayerReference(name: text, version: 1, context: Self.context) }
    }

    @Test(arguments: ["\(arn)", "\(arn):0", "\(arn):x", "\(arn):-1", "\(arn):1:2", "arn:aws:lambda:us-east-1:123456789012:function:f:1"])
    func malformedVersionARNsAreRefused(_ text: String) {
        #expect(throws: AWSError.self) { try LayerReference(versionARN: text, context: Self.context) }
    }

    @Test func anotherRegionIsNotReachable() {
        #expect(throws: AWSError.self) {
            try LayerReference(versionARN: "arn:aws:lambda:eu-west-1:123456789012:layer:deps:1", context: Self.context)
        }
    }

    @Test func longNamesAreRefused() {
        #expect(throws: AWSError.self) { try LayerReference(name: String(repeating: "a", count: 65), version: 1, context: Self.context) }
        #expect(throws: Never.self) { try LayerReference(name: String(repeating: "a", count: 64), version: 1, context: Self.context) }
    }

    @Test func policyStatementsAreWrittenAsAWSWritesThem() throws {
        let versionARN = "\(Self.arn):1"
        let account = LayerStatementRecord(statementID: "x", action: "lambda:GetLayerVersion", principal: "210987654321", organizationID: nil)
        #expect(
            LayerPolicy.statement(account, versionARN: versionARN)
                == #"{"Sid":"x","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"lambda:GetLayerVersion","Resource":"arn:aws:lambda:us-east-1:123456789012:layer:deps:1"}"#
        )
        let organization = LayerStatementRecord(statementID: "o", action: "lambda:GetLayerVersion", principal: "*", organizationID: "o-abcdefghij")
        let document = LayerPolicy.document([account, organization], versionARN: versionARN)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any])
        #expect(parsed["Id"] as? String == "default")
        #expect((parsed["Statement"] as? [Any])?.count == 2)
        #expect(LayerPolicy.grants(account, action: "lambda:GetLayerVersion", to: "210987654321"))
        #expect(!LayerPolicy.grants(account, action: "lambda:GetLayerVersion", to: "123456789012"))
        #expect(!LayerPolicy.grants(organization, action: "lambda:GetLayerVersion", to: "210987654321"))
    }
}
