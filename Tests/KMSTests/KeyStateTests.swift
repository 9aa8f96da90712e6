import AWSWire
import BulwarkCore
import Crypto
import Foundation
import IAM
import Store
import Synchronization
import Testing

@testable import KMS

/// The key-state rules of KMS, through the operation table's handlers over a real store: what each
/// state lets a key do, and AWS's error for what it does not.
@Suite("Key states")
struct KeyStateTests {
    let service: KMSService
    let accountID = "123456789012"
    let clock: Clock

    /// A clock the tests move forward.
    final class Clock: Sendable {
        private let offset = Mutex<TimeInterval>(0)
        let start = Date(timeIntervalSince1970: 1_800_000_000)

        func advance(days: Double) { offset.withLock { $0 += days * 86_400 } }
        var wall: WallClock { WallClock { [self] in start.addingTimeInterval(offset.withLock { $0 }) } }
    }

    init() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kms-states-\(UUID().uuidString)")
        clock = Clock()
        service = KMSService(
            database: try BulwarkDatabase(directory: directory, schemas: [.iam, .kms]), masterKey: MasterKey(.init(size: .bits256)),
            clock: clock.wall)
    }

    private var context: CallContext {
        CallContext(
            requestID: "test", principal: Principal(kind: .root, accountID: accountID, arn: "arn:aws:iam::\(accountID):root", principalID: accountID),
            accessKeyID: "AKIATEST", region: "us-east-1", sourceIP: "192.0.2.1", userAgent: "tests", isSecureTransport: true,
            receivedAt: clock.wall.now(), presigner: URLPresigner { path, _, _ in path })
    }

    /// Runs an operation as the pipeline does after authorization: prepare, resolve, handle.
    @discardableResult
    private func call(_ name: String, _ input: JSONValue) async throws -> JSONValue {
        let operation = try #require(service.operations.first { $0.name == name })
        var context = context
        let prepared = try operation.prepare(input, context: context)
        context.resolution = try await ResourceResolver(authorities: service.authorities).resolve(prepared.references, context: context)
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

    private func newKey() async throws -> (id: String, arn: String) {
        let created = try await call("CreateKey", [:])
        let id = try #require(created["KeyMetadata"]?["KeyId"]?.stringValue)
        return (id, "arn:aws:kms:us-east-1:\(accountID):key/\(id)")
    }

    private func encrypt(_ keyID: String) async throws -> String {
        try #require(try await call("Encrypt", ["KeyId": .string(keyID), "Plaintext": "aGVsbG8="])["CiphertextBlob"]?.stringValue)
    }

    @Test func aDisabledKeyRefusesCryptographyButNotDescriptionOrPolicy() async throws {
        let key = try await newKey()
        let blob = try await encrypt(key.id)
        try await call("DisableKey", ["KeyId": .string(key.id)])
        for (name, input) in [
            ("Encrypt", ["KeyId": JSONValue.string(key.id), "Plaintext": "aGVsbG8="]), ("Decrypt", ["CiphertextBlob": .string(blob)]),
            ("GenerateDataKey", ["KeyId": .string(key.id), "NumberOfBytes": 16]),
            ("GenerateDataKeyWithoutPlaintext", ["KeyId": .string(key.id), "KeySpec": "AES_256"]),
            ("ReEncrypt", ["CiphertextBlob": .string(blob), "DestinationKeyId": .string(key.id)]),
        ] as [(String, JSONValue)] {
            await expectError("DisabledException", "\(key.arn) is disabled.", name, input)
        }
        #expect(try await call("DescribeKey", ["KeyId": .string(key.id)])["KeyMetadata"]?["KeyState"] == "Disabled")
        try await call("GetKeyPolicy", ["KeyId": .string(key.id)])
        try await call("EnableKey", ["KeyId": .string(key.id)])
        #expect(try await call("Decrypt", ["CiphertextBlob": .string(blob)])["Plaintext"] == "aGVsbG8=")
    }

    @Test func aKeyPendingDeletionIsUnusableAndIsGoneAfterItsWindow() async throws {
        let key = try await newKey()
        let blob = try await encrypt(key.id)
        try await call("CreateAlias", ["AliasName": "alias/doomed", "TargetKeyId": .string(key.id)])
        let scheduled = try await call("ScheduleKeyDeletion", ["KeyId": .string(key.id), "PendingWindowInDays": 7])
        #expect(scheduled["KeyState"] == "PendingDeletion")
        #expect(scheduled["DeletionDate"]?.doubleValue == clock.wall.now().addingTimeInterval(7 * 86_400).timeIntervalSince1970)
        let pending = "\(key.arn) is pending deletion."
        await expectError("KMSInvalidStateException", pending, "Decrypt", ["CiphertextBlob": .string(blob)])
        await expectError("KMSInvalidStateException", pending, "Encrypt", ["KeyId": "alias/doomed", "Plaintext": "eA=="])
        await expectError("KMSInvalidStateException", pending, "EnableKey", ["KeyId": .string(key.id)])
        await expectError("KMSInvalidStateException", pending, "DisableKey", ["KeyId": .string(key.id)])
        await expectError("KMSInvalidStateException", pending, "ScheduleKeyDeletion", ["KeyId": .string(key.id)])
        await expectError("KMSInvalidStateException", pending, "CreateAlias", ["AliasName": "alias/late", "TargetKeyId": .string(key.id)])

        clock.advance(days: 7)
        await expectError("NotFoundException", "Key '\(key.arn)' does not exist", "DescribeKey", ["KeyId": .string(key.id)])
        await expectError("NotFoundException", nil, "CancelKeyDeletion", ["KeyId": .string(key.id)])
        let keys = try await call("ListKeys", [:])["Keys"]?.arrayValue ?? []
        #expect(!keys.contains { $0["KeyId"]?.stringValue == key.id })
        let aliases = try await call("ListAliases", [:])["Aliases"]?.arrayValue ?? []
        #expect(!aliases.contains { $0["AliasName"] == "alias/doomed" })
        // The next write purges it; the alias name is free again.
        let other = try await newKey()
        try await call("CreateAlias", ["AliasName": "alias/doomed", "TargetKeyId": .string(other.id)])
    }

    @Test func cancellingADeletionLeavesTheKeyDisabled() async throws {
        let key = try await newKey()
        await expectError("KMSInvalidStateException", "\(key.arn) is not pending deletion.", "CancelKeyDeletion", ["KeyId": .string(key.id)])
        try await call("ScheduleKeyDeletion", ["KeyId": .string(key.id)])
        #expect(try await call("CancelKeyDeletion", ["KeyId": .string(key.id)]) == ["KeyId": .string(key.arn)])
        let metadata = try await call("DescribeKey", ["KeyId": .string(key.id)])["KeyMetadata"]
        #expect(metadata?["KeyState"] == "Disabled")
        #expect(metadata?["Enabled"] == false)
        #expect(metadata?["DeletionDate"] == nil)
    }

    @Test(arguments: [1, 6, 31, 365])
    func theDeletionWindowIsSevenToThirtyDays(_ days: Int) async throws {
        let key = try await newKey()
        await expectError("ValidationException", nil, "ScheduleKeyDeletion", ["KeyId": .string(key.id), "PendingWindowInDays": .int(Int64(days))])
        #expect(try await call("DescribeKey", ["KeyId": .string(key.id)])["KeyMetadata"]?["KeyState"] == "Enabled")
    }

    @Test func aDecryptNamesTheKeyOfTheCiphertextAndChecksAGivenKeyID() async throws {
        let first = try await newKey()
        let second = try await newKey()
        let blob = try await encrypt(first.id)
        #expect(try await call("Decrypt", ["CiphertextBlob": .string(blob), "KeyId": .string(first.arn)])["KeyId"] == .string(first.arn))
        await expectError("IncorrectKeyException", nil, "Decrypt", ["CiphertextBlob": .string(blob), "KeyId": .string(second.id)])
        await expectError("InvalidCiphertextException", "", "Decrypt", ["CiphertextBlob": "AQID"])
    }

    @Test func keysOfAnotherAccountOrRegionAreNotFound() async throws {
        let key = try await newKey()
        for reference in [
            "arn:aws:kms:eu-west-1:\(accountID):key/\(key.id)", "arn:aws:kms:us-east-1:999999999999:key/\(key.id)",
            "arn:aws-cn:kms:us-east-1:\(accountID):key/\(key.id)", key.id.uppercased(),
        ] {
            await expectError("NotFoundException", nil, "DescribeKey", ["KeyId": .string(reference)])
        }
    }
}
