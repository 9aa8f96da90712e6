import AWSWire
import BulwarkCore
import Crypto
import Foundation
import Testing

@testable import Secrets

/// The pure parts of Secrets Manager: how a `SecretId` is read, names, sealing, filters and pages.
@Suite("Secret parts")
struct SecretPartsTests {
    static let context = CallContext(
        requestID: "test",
        principal: Principal(kind: .root, accountID: "123456789012", arn: "arn:aws:iam::123456789012:root", principalID: "123456789012"),
        accessKeyID: "AKIATEST", region: "us-east-1", sourceIP: "192.0.2.1", userAgent: "tests", isSecureTransport: true,
        receivedAt: Date(), presigner: URLPresigner { path, _, _ in path })

    @Test(arguments: [
        ("db", false, "db", "us-east-1", "123456789012"),
        ("arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf", true, "db-AbCdEf", "us-east-1", "123456789012"),
        ("arn:aws:secretsmanager:eu-west-1:210987654321:secret:app/db", true, "app/db", "eu-west-1", "210987654321"),
        // Not a Secrets Manager ARN: read as a name, which no secret may have.
        ("arn:aws:kms:us-east-1:123456789012:key/x", false, "arn:aws:kms:us-east-1:123456789012:key/x", "us-east-1", "123456789012"),
    ])
    func secretIDs(_ text: String, _ isARN: Bool, _ name: String, _ region: String, _ account: String) {
        let reference = SecretReference(text, context: Self.context)
        #expect(reference.isARN == isARN)
        #expect(reference.name == name)
        #expect(reference.region == region)
        #expect(reference.accountID == account)
    }

    @Test func newARNsHaveSixCharacterSuffixes() {
        let arn = SecretReference.newARN(name: "app/db", context: Self.context)
        #expect(arn.hasPrefix("arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-"))
        let suffix = arn.dropFirst("arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-".count)
        #expect(suffix.count == 6)
        #expect(suffix.allSatisfy { $0.isLetter || $0.isNumber })
        #expect(SecretReference.newARN(name: "app/db", context: Self.context) != arn)
    }

    @Test(arguments: [("db", true), ("app/prod+x=y.z@w-1", true), ("", false), ("has space", false), ("semi;colon", false)])
    func names(_ name: String, _ valid: Bool) {
        #expect(SecretReference.isValidName(name) == valid)
    }

    @Test func sealedValuesOpenOnlyForTheirSecretAndVersion() throws {
        let key = SymmetricKey(size: .bits256)
        let arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"
        let sealed = try SecretSealing.seal(Data("hunter2".utf8), dataKey: key, secretARN: arn, versionID: "v1")
        #expect(!sealed.contains(Data("hunter2".utf8)))
        #expect(try SecretSealing.open(sealed, dataKey: key, secretARN: arn, versionID: "v1") == Data("hunter2".utf8))
        #expect(throws: SecretSealing.Unreadable.self) { try SecretSealing.open(sealed, dataKey: key, secretARN: arn, versionID: "v2") }
        #expect(throws: SecretSealing.Unreadable.self) {
            try SecretSealing.open(sealed, dataKey: key, secretARN: arn + "x", versionID: "v1")
        }
        #expect(throws: SecretSealing.Unreadable.self) {
            try SecretSealing.open(sealed, dataKey: SymmetricKey(size: .bits256), secretARN: arn, versionID: "v1")
        }
        var tampered = sealed
        tampered[tampered.count - 20] ^= 1
        #expect(throws: SecretSealing.Unreadable.self) { try SecretSealing.open(tampered, dataKey: key, secretARN: arn, versionID: "v1") }
    }

    @Test func encryptionContextNamesTheSecretAndVersion() {
        #expect(SecretSealing.encryptionContext(secretARN: "a", versionID: "v") == ["SecretARN": "a", "SecretVersionId": "v"])
    }

    @Test func filtersMatchPrefixesAndExclusions() throws {
        let secret = SecretRecord(
            arn: "arn", accountID: "1", region: "r", name: "prod/db", description: "database", kmsKeyARN: nil, createdAt: Date(),
            lastChangedAt: Date())
        let tags = ["team": "blue"]
        func matches(_ key: String, _ values: [String]) throws -> Bool {
            try SecretFilter(SecretsAPI.Filter(key: key, values: values)).matches(secret, tags: tags)
        }
        #expect(try matches("name", ["prod"]))
        #expect(try !matches("name", ["db"]))
        #expect(try !matches("name", ["!prod"]))
        #expect(try matches("description", ["data"]))
        #expect(try matches("tag-key", ["te"]))
        #expect(try matches("tag-value", ["blue"]))
        #expect(try matches("all", ["blu"]))
        #expect(throws: AWSError.self) { try SecretFilter(SecretsAPI.Filter(key: "owning-service", values: ["x"])) }
        #expect(throws: AWSError.self) { try SecretFilter(SecretsAPI.Filter(key: "name", values: [])) }
    }

    @Test func pagesFollowTheirTokens() throws {
        let items = Array(0..<5)
        let (first, token) = try SecretsService.page(items, maxResults: 2, nextToken: nil)
        #expect(first == [0, 1])
        #expect(token != nil)
        let (second, token2) = try SecretsService.page(items, maxResults: 2, nextToken: token)
        #expect(second == [2, 3])
        #expect(token2 != nil)
        let (last, end) = try SecretsService.page(items, maxResults: 2, nextToken: token2)
        #expect(last == [4])
        #expect(end == nil)
        #expect(throws: AWSError.self) { try SecretsService.page(items, maxResults: 2, nextToken: "not a token") }
        #expect(throws: AWSError.self) { try SecretsService.page(items, maxResults: 2, nextToken: Data("9".utf8).base64EncodedString()) }
    }
}
