import AWSWire
import BulwarkCore
import Crypto
import Foundation
import IAM
import KMS
import Store
import Testing

@testable import Secrets

/// Secrets Manager's handlers over a real store and real KMS keys, as the pipeline runs them after
/// authorization (prepare, resolve, handle): values round-trip, labels move, deletion refuses use,
/// and no value is stored in the clear.
@Suite("Secret lifecycle")
struct SecretLifecycleTests {
    let service: SecretsService
    let kms: KMSService
    let directory: URL
    let accountID = "123456789012"

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("secrets-\(UUID().uuidString)")
        let database = try BulwarkDatabase(directory: directory, schemas: [.iam, .kms, .secrets])
        let masterKey = MasterKey(SymmetricKey(size: .bits256))
        kms = KMSService(database: database, masterKey: masterKey)
        service = SecretsService(database: database, keys: KMSKeyUse(database: database, masterKey: masterKey))
    }

    private var context: CallContext {
        CallContext(
            requestID: "test", principal: Principal(kind: .root, accountID: accountID, arn: "arn:aws:iam::\(accountID):root", principalID: accountID),
            accessKeyID: "AKIATEST", region: "us-east-1", sourceIP: "192.0.2.1", userAgent: "tests", isSecureTransport: true,
            receivedAt: Date(), presigner: URLPresigner { path, _, _ in path })
    }

    @discardableResult
    private func call(_ name: String, _ input: JSONValue) async throws -> JSONValue {
        let operation = try #require((service.operations + kms.operations).first { $0.name == name })
        var context = context
        let prepared = try operation.prepare(input, context: context)
        context.resolution = try await ResourceResolver(authorities: service.authorities + kms.authorities).resolve(
            prepared.references, context: context)
        return try await prepared.execute(context)
    }

    private func expectError(_ code: String, _ message: String? = nil, _ name: String, _ input: JSONValue) async {
        do {
            try await call(name, input)
            Issue.record("\(name) succeeded; expected \(code)")
        } catch let error as AWSError {
            #expect(error.code == code, "\(name): \(error)")
            if let message { #expect(error.message == message) }
        } catch {
            Issue.record("\(name): \(error)")
        }
    }

    @Test func valuesRoundTripAndLabelsMove() async throws {
        let planted = "planted-\(UUID().uuidString)"
        let created = try await call("CreateSecret", ["Name": "db", "SecretString": .string(planted + "-1")])
        let arn = try #require(created["ARN"]?.stringValue)
        #expect(arn.hasPrefix("arn:aws:secretsmanager:us-east-1:\(accountID):secret:db-"))
        let first = try #require(created["VersionId"]?.stringValue)

        var value = try await call("GetSecretValue", ["SecretId": "db"])
        #expect(value["SecretString"]?.stringValue == planted + "-1")
        #expect(value["VersionStages"] == ["AWSCURRENT"])

        let put = try await call("PutSecretValue", ["SecretId": .string(arn), "SecretString": .string(planted + "-2")])
        let second = try #require(put["VersionId"]?.stringValue)
        value = try await call("GetSecretValue", ["SecretId": .string(String(arn.dropLast(7)))])
        #expect(value["SecretString"]?.stringValue == planted + "-2")
        value = try await call("GetSecretValue", ["SecretId": "db", "VersionStage": "AWSPREVIOUS"])
        #expect(value["SecretString"]?.stringValue == planted + "-1")
        #expect(value["VersionId"]?.stringValue == first)

        let described = try await call("DescribeSecret", ["SecretId": "db"])
        #expect(described["VersionIdsToStages"] == .object([first: ["AWSPREVIOUS"], second: ["AWSCURRENT"]]))
        #expect(described["KmsKeyId"] == nil)

        // The account's aws/secretsmanager key was created for it, and lists as AWS managed.
        let aliases = try await call("ListAliases", [:])
        #expect(aliases["Aliases"]?.arrayValue?.contains { $0["AliasName"] == "alias/aws/secretsmanager" } == true)

        // Nothing of the values is in any file of the store.
        for file in try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil) {
            let bytes = try Data(contentsOf: file)
            #expect(!bytes.contains(Data(planted.utf8)), "\(file.lastPathComponent)")
        }
    }

    @Test func binaryValuesUnderACustomerKey() async throws {
        let key = try await call("CreateKey", [:])
        let keyARN = try #require(key["KeyMetadata"]?["Arn"]?.stringValue)
        try await call(
            "CreateSecret", ["Name": "bin", "SecretBinary": .string(Data([0, 1, 2, 255]).base64EncodedString()), "KmsKeyId": .string(keyARN)])
        let value = try await call("GetSecretValue", ["SecretId": "bin"])
        #expect(value["SecretBinary"]?.stringValue == Data([0, 1, 2, 255]).base64EncodedString())
        #expect(value["SecretString"] == nil)
        let described = try await call("DescribeSecret", ["SecretId": "bin"])
        #expect(described["KmsKeyId"]?.stringValue == keyARN)

        // A disabled key decrypts nothing, as Secrets Manager answers it.
        try await call("DisableKey", ["KeyId": .string(keyARN)])
        await expectError("DecryptionFailure", nil, "GetSecretValue", ["SecretId": "bin"])
        await expectError("EncryptionFailure", nil, "PutSecretValue", ["SecretId": "bin", "SecretString": "x"])
    }

    @Test func deletionRefusesUseUntilRestored() async throws {
        try await call("CreateSecret", ["Name": "gone", "SecretString": "v"])
        let deleted = try await call("DeleteSecret", ["SecretId": "gone", "RecoveryWindowInDays": 7])
        #expect(deleted["DeletionDate"] != nil)
        await expectError(
            "InvalidRequestException", "You can't perform this operation on the secret because it was marked for deletion.", "GetSecretValue",
            ["SecretId": "gone"])
        await expectError("InvalidRequestException", nil, "CreateSecret", ["Name": "gone", "SecretString": "v"])
        try await call("RestoreSecret", ["SecretId": "gone"])
        #expect(try await call("GetSecretValue", ["SecretId": "gone"])["SecretString"] == "v")

        try await call("DeleteSecret", ["SecretId": "gone", "ForceDeleteWithoutRecovery": true])
        await expectError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.", "GetSecretValue", ["SecretId": "gone"])
    }

    @Test func badInputs() async throws {
        try await call("CreateSecret", ["Name": "x", "SecretString": "v"])
        await expectError("ResourceExistsException", "The operation failed because the secret x already exists.", "CreateSecret", ["Name": "x"])
        await expectError("InvalidParameterException", nil, "CreateSecret", ["Name": "y", "SecretString": "v", "SecretBinary": "AA=="])
        await expectError("ValidationException", nil, "CreateSecret", ["Name": "bad name"])
        await expectError("InvalidParameterException", nil, "DeleteSecret", ["SecretId": "x", "RecoveryWindowInDays": 6])
        await expectError("InvalidParameterException", nil, "DeleteSecret", ["SecretId": "x", "RecoveryWindowInDays": 31])
        await expectError(
            "InvalidParameterException", nil, "DeleteSecret", ["SecretId": "x", "RecoveryWindowInDays": 7, "ForceDeleteWithoutRecovery": true])
        await expectError(
            "ResourceNotFoundException", "Secrets Manager can't find the specified secret value for staging label: AWSPREVIOUS", "GetSecretValue",
            ["SecretId": "x", "VersionStage": "AWSPREVIOUS"])
        await expectError(
            "ResourceNotFoundException", nil, "GetSecretValue", ["SecretId": .string("arn:aws:secretsmanager:us-east-1:\(accountID):secret:X")])
        await expectError(
            "ResourceNotFoundException", nil, "GetSecretValue", ["SecretId": .string("arn:aws:secretsmanager:eu-west-1:\(accountID):secret:x")])
        await expectError("EncryptionFailure", nil, "CreateSecret", ["Name": "z", "SecretString": "v", "KmsKeyId": "alias/none"])
        await expectError("MalformedPolicyDocumentException", nil, "PutResourcePolicy", ["SecretId": "x", "ResourcePolicy": "{}"])
    }
}
