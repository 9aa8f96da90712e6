import AWSWire
import BulwarkCore
import Crypto
import Foundation
import IAM
import Store
import Synchronization
import Testing

@testable import KMS

/// Rotation of key material (decision 0014) through the operation table's handlers over a real
/// store, with a clock the tests move: new encryptions use the newest version, every older
/// ciphertext still decrypts, scheduled rotation happens once its date passes.
@Suite("Key rotation")
struct RotationTests {
    let service: KMSService
    let database: BulwarkDatabase
    let masterKey = MasterKey(.init(size: .bits256))
    let accountID = "123456789012"
    let clock: KeyStateTests.Clock

    init() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kms-rotation-\(UUID().uuidString)")
        clock = KeyStateTests.Clock()
        database = try BulwarkDatabase(directory: directory, schemas: [.iam, .kms])
        service = KMSService(database: database, masterKey: masterKey, clock: clock.wall)
    }

    private var context: CallContext {
        CallContext(
            requestID: "test", principal: Principal(kind: .root, accountID: accountID, arn: "arn:aws:iam::\(accountID):root", principalID: accountID),
            accessKeyID: "AKIATEST", region: "us-east-1", sourceIP: "192.0.2.1", userAgent: "tests", isSecureTransport: true,
            receivedAt: clock.wall.now(), presigner: URLPresigner { path, _, _ in path })
    }

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

    private func newKey(_ input: JSONValue = [:]) async throws -> String {
        try #require(try await call("CreateKey", input)["KeyMetadata"]?["KeyId"]?.stringValue)
    }

    private func encrypt(_ keyID: String, _ text: String) async throws -> String {
        let plaintext = JSONValue.string(Data(text.utf8).base64EncodedString())
        return try #require(try await call("Encrypt", ["KeyId": .string(keyID), "Plaintext": plaintext])["CiphertextBlob"]?.stringValue)
    }

    private func decrypt(_ blob: String) async throws -> String {
        let plaintext = try #require(try await call("Decrypt", ["CiphertextBlob": .string(blob)])["Plaintext"]?.stringValue)
        return String(decoding: try #require(Data(base64Encoded: plaintext)), as: UTF8.self)
    }

    private func version(_ blob: String) throws -> Int { try CiphertextBlob(try #require(Data(base64Encoded: blob))).version }

    @Test func onDemandRotationAddsAVersionAndOlderCiphertextsStillDecrypt() async throws {
        let key = try await newKey()
        let before = try await call("DescribeKey", ["KeyId": .string(key)])["KeyMetadata"]?["CurrentKeyMaterialId"]
        let first = try await encrypt(key, "one")
        #expect(try await call("RotateKeyOnDemand", ["KeyId": .string(key)]) == ["KeyId": .string(key)])
        let second = try await encrypt(key, "two")
        #expect(try version(first) == 1)
        #expect(try version(second) == 2)
        #expect(try await decrypt(first) == "one")
        #expect(try await decrypt(second) == "two")
        let after = try await call("DescribeKey", ["KeyId": .string(key)])["KeyMetadata"]?["CurrentKeyMaterialId"]
        #expect(before != after)

        let rotations = try #require(try await call("ListKeyRotations", ["KeyId": .string(key)])["Rotations"]?.arrayValue)
        #expect(rotations.count == 1)
        #expect(rotations.first?["RotationType"] == "ON_DEMAND")
        #expect(rotations.first?["KeyMaterialState"] == "CURRENT")
        #expect(rotations.first?["KeyMaterialId"] == after)
        let all = try #require(
            try await call("ListKeyRotations", ["KeyId": .string(key), "IncludeKeyMaterial": "ALL_KEY_MATERIAL"])["Rotations"]?.arrayValue)
        #expect(all.map { $0["KeyMaterialState"] } == ["NON_CURRENT", "CURRENT"])
        #expect(all.first?["KeyMaterialId"] == before)
    }

    @Test func aRotatedVersionIsBoundToItsKeyAndVersion() async throws {
        let key = try await newKey()
        try await call("RotateKeyOnDemand", ["KeyId": .string(key)])
        let blob = try #require(Data(base64Encoded: try await encrypt(key, "secret")))
        // The same ciphertext relabelled as version 1 does not decrypt: the version is authenticated.
        var altered = blob
        let versionOffset = 3 + Int(blob[1]) << 8 + Int(blob[2]) + 3
        altered[versionOffset] = 1
        await expectError("InvalidCiphertextException", "", "Decrypt", ["CiphertextBlob": .string(altered.base64EncodedString())])
        // A version the key does not have is no material.
        altered[versionOffset] = 9
        await expectError("InvalidCiphertextException", "", "Decrypt", ["CiphertextBlob": .string(altered.base64EncodedString())])
    }

    @Test func onDemandRotationsAreLimitedToTen() async throws {
        let key = try await newKey()
        for _ in 0..<10 { try await call("RotateKeyOnDemand", ["KeyId": .string(key)]) }
        await expectError("LimitExceededException", nil, "RotateKeyOnDemand", ["KeyId": .string(key)])
        let rotations = try #require(try await call("ListKeyRotations", ["KeyId": .string(key), "Limit": 4])["Rotations"]?.arrayValue)
        #expect(rotations.count == 4)
        var seen = 0
        var marker: JSONValue?
        repeat {
            var input: JSONValue = ["KeyId": .string(key), "Limit": 3]
            if let marker { input = ["KeyId": .string(key), "Limit": 3, "Marker": marker] }
            let page = try await call("ListKeyRotations", input)
            seen += page["Rotations"]?.arrayValue?.count ?? 0
            marker = page["NextMarker"]
            #expect(page["Truncated"] == .bool(marker != nil))
        } while marker != nil
        #expect(seen == 10)
        await expectError("InvalidMarkerException", nil, "ListKeyRotations", ["KeyId": .string(key), "Marker": "nonsense"])
    }

    @Test func scheduledRotationHappensWhenItsDatePasses() async throws {
        let key = try await newKey()
        let disabled = try await call("GetKeyRotationStatus", ["KeyId": .string(key)])
        #expect(disabled == ["KeyRotationEnabled": false, "KeyId": .string(key)])
        try await call("EnableKeyRotation", ["KeyId": .string(key), "RotationPeriodInDays": 90])
        let status = try await call("GetKeyRotationStatus", ["KeyId": .string(key)])
        #expect(status["KeyRotationEnabled"] == true)
        #expect(status["RotationPeriodInDays"] == 90)
        #expect(status["NextRotationDate"]?.doubleValue == clock.wall.now().addingTimeInterval(90 * 86_400).timeIntervalSince1970)
        let old = try await encrypt(key, "old")

        clock.advance(days: 89)
        #expect(try version(try await encrypt(key, "still old")) == 1)
        clock.advance(days: 1)
        // Used once its date passed, the key rotates first; the next date is one period later.
        let new = try await encrypt(key, "new")
        #expect(try version(new) == 2)
        #expect(try await decrypt(old) == "old")
        let next = try await call("GetKeyRotationStatus", ["KeyId": .string(key)])["NextRotationDate"]?.doubleValue
        #expect(next == clock.wall.now().addingTimeInterval(90 * 86_400).timeIntervalSince1970)
        let rotations = try #require(try await call("ListKeyRotations", ["KeyId": .string(key)])["Rotations"]?.arrayValue)
        #expect(rotations.map { $0["RotationType"] } == ["AUTOMATIC"])
    }

    @Test func thePeriodicSweepRotatesKeysNobodyUses() async throws {
        let key = try await newKey()
        try await call("EnableKeyRotation", ["KeyId": .string(key)])
        clock.advance(days: 364)
        #expect(try await KeyRotation(database: database, masterKey: masterKey).rotateDue(now: clock.wall.now()).isEmpty)
        clock.advance(days: 1)
        #expect(try await KeyRotation(database: database, masterKey: masterKey).rotateDue(now: clock.wall.now()) == [key])
        #expect(try await KeyRotation(database: database, masterKey: masterKey).rotateDue(now: clock.wall.now()).isEmpty)
        try await call("DisableKeyRotation", ["KeyId": .string(key)])
        #expect(try await call("GetKeyRotationStatus", ["KeyId": .string(key)]) == ["KeyRotationEnabled": false, "KeyId": .string(key)])
        clock.advance(days: 400)
        #expect(try await KeyRotation(database: database, masterKey: masterKey).rotateDue(now: clock.wall.now()).isEmpty)
    }

    @Test func keysThatCannotRotateAreRefused() async throws {
        let key = try await newKey()
        let arn = "arn:aws:kms:us-east-1:\(accountID):key/\(key)"
        try await call("DisableKey", ["KeyId": .string(key)])
        for name in ["EnableKeyRotation", "DisableKeyRotation", "RotateKeyOnDemand"] {
            await expectError("DisabledException", "\(arn) is disabled.", name, ["KeyId": .string(key)])
        }
        try await call("ScheduleKeyDeletion", ["KeyId": .string(key)])
        for name in ["EnableKeyRotation", "RotateKeyOnDemand", "ListKeyRotations"] {
            await expectError("KMSInvalidStateException", "\(arn) is pending deletion.", name, ["KeyId": .string(key)])
        }
        let signing = try await newKey(["KeySpec": "ECC_NIST_P256", "KeyUsage": "SIGN_VERIFY"])
        for name in ["EnableKeyRotation", "DisableKeyRotation", "RotateKeyOnDemand", "ListKeyRotations"] {
            await expectError("UnsupportedOperationException", nil, name, ["KeyId": .string(signing)])
        }
        #expect(try await call("GetKeyRotationStatus", ["KeyId": .string(signing)]) == ["KeyRotationEnabled": false, "KeyId": .string(signing)])
        // Rotation calls take a key id or key ARN, not an alias.
        await expectError("NotFoundException", nil, "EnableKeyRotation", ["KeyId": "alias/app"])
    }

    @Test func awsManagedKeysRotateYearlyAndRefuseCustomerRotation() async throws {
        let encryption = KMSKeyUse(database: database, masterKey: masterKey, clock: clock.wall)
        let sealed = try await encryption.encrypt(
            Data("env".utf8), under: nil, service: "lambda", accountID: accountID, region: "us-east-1", context: ["f": "x"])
        let key = String(try #require(sealed.keyARN.split(separator: "/").last))
        let status = try await call("GetKeyRotationStatus", ["KeyId": .string(key)])
        #expect(status["KeyRotationEnabled"] == true)
        #expect(status["RotationPeriodInDays"] == 365)
        for name in ["EnableKeyRotation", "DisableKeyRotation", "RotateKeyOnDemand"] {
            await expectError("AccessDeniedException", nil, name, ["KeyId": .string(key)])
        }
        clock.advance(days: 366)
        let again = try await encryption.encrypt(
            Data("env".utf8), under: nil, service: "lambda", accountID: accountID, region: "us-east-1", context: ["f": "x"])
        #expect(try CiphertextBlob(again.blob).version == 2)
        #expect(
            try await encryption.decrypt(sealed.blob, accountID: accountID, region: "us-east-1", context: ["f": "x"], auditedFor: nil)
                == Data("env".utf8))
    }
}
