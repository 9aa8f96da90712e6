import AWSWire
import BulwarkCore
import Crypto
import Foundation
import IAM
import Store
import Testing

@testable import KMS

/// KMS encrypting for another service (Lambda's environment variables): the AWS managed key made on
/// first need, customer keys by ARN, the encryption context, and KMS's refusals by key state.
@Suite("Service encryption")
struct ServiceEncryptionTests {
    let database: BulwarkDatabase
    let encryption: KMSKeyUse
    let accountID = "123456789012"
    let region = "us-east-1"
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let context = ["LambdaFunctionName": "hello"]

    init() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kms-service-\(UUID().uuidString)")
        database = try BulwarkDatabase(directory: directory, schemas: [.iam, .kms])
        encryption = KMSKeyUse(database: database, masterKey: MasterKey(SymmetricKey(size: .bits256)), clock: .fixed(now))
    }

    /// What the resolve stage finds at `arn`, as for a function's `KMSKeyArn`.
    private func resolved(_ arn: String) async throws -> ResolvedResource {
        let context = CallContext(
            requestID: "test",
            principal: Principal(kind: .root, accountID: accountID, arn: "arn:aws:iam::\(accountID):root", principalID: accountID),
            accessKeyID: "AKIATEST", region: region, sourceIP: "192.0.2.1", userAgent: "tests", isSecureTransport: true,
            receivedAt: now, presigner: URLPresigner { path, _, _ in path })
        let authority = KMSResourceAuthority(database: database, masterKey: encryption.masterKey, clock: .fixed(now))
        return try await authority.resolve([ResourceReference(.kmsKey, member: "KMSKeyArn", text: arn)], context: context)[0]
    }

    private func failure(_ body: () async throws -> Void) async -> ServiceEncryptionFailure? {
        do {
            try await body()
            return nil
        } catch let failure as ServiceEncryptionFailure {
            return failure
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    /// A customer key stored as CreateKey stores it.
    private func customerKey(state: KMSKeyState = .enabled, keySpec: String = "SYMMETRIC_DEFAULT") async throws -> KMSKeyRecord {
        let id = UUID().uuidString.lowercased()
        let master = encryption.masterKey
        let key = KMSKeyRecord(
            id: id, accountID: accountID, region: region, description: "", keyUsage: "ENCRYPT_DECRYPT", keySpec: keySpec, origin: "AWS_KMS",
            keyManager: "CUSTOMER", state: state, createdAt: now, deletionDate: state == .pendingDeletion ? now.addingTimeInterval(7 * 86_400) : nil,
            policy: KMSService.defaultKeyPolicy(accountID: accountID))
        let material = KMSKeyMaterialRecord(
            keyID: id, version: 1, materialID: String(repeating: "a", count: 64),
            wrapped: try master.wrap(SymmetricKey(size: .bits256), keyID: id, version: 1), createdAt: now)
        try await database.kms.create(key, material: material, tags: [:], now: now)
        return key
    }

    @Test func theManagedKeyIsCreatedOnceAndDecryptsUnderItsContextOnly() async throws {
        let plaintext = Data(#"{"MODE":"prod"}"#.utf8)
        let first = try await encryption.encrypt(plaintext, under: nil, service: "lambda", accountID: accountID, region: region, context: context)
        let second = try await encryption.encrypt(plaintext, under: nil, service: "lambda", accountID: accountID, region: region, context: context)
        #expect(first.keyARN == second.keyARN)
        #expect(first.blob != second.blob)
        let managed = try #require(try await database.kms.keyInUse(accountID: accountID, region: region, alias: "alias/aws/lambda", now: now))
        #expect(managed.key.arn == first.keyARN)
        #expect(managed.key.keyManager == "AWS")
        #expect(first.blob.range(of: plaintext) == nil)
        #expect(try await encryption.decrypt(first.blob, accountID: accountID, region: region, context: context, auditedFor: nil) == plaintext)
        let other = await failure {
            _ = try await encryption.decrypt(
                first.blob, accountID: accountID, region: region, context: ["LambdaFunctionName": "other"], auditedFor: nil)
        }
        #expect(other?.kmsCode == "InvalidCiphertextException")
        var tampered = first.blob
        tampered[tampered.count - 1] ^= 1
        #expect(
            await failure { _ = try await encryption.decrypt(tampered, accountID: accountID, region: region, context: context, auditedFor: nil) }
                != nil)
        // Another account or region does not reach the key the blob names.
        let elsewhere = await failure {
            _ = try await encryption.decrypt(first.blob, accountID: "210987654321", region: region, context: context, auditedFor: nil)
        }
        #expect(elsewhere?.reason == .notFound)
    }

    @Test func aCustomerKeyEncryptsByKeyARNOrAliasARN() async throws {
        let key = try await customerKey()
        let sealed = try await encryption.encrypt(
            Data("x".utf8), under: try await resolved(key.arn), service: "lambda", accountID: accountID, region: region, context: context)
        #expect(sealed.keyARN == key.arn)
        try await database.kms.createAlias(
            KMSAliasRecord(accountID: accountID, region: region, name: "alias/app", keyID: key.id, createdAt: now, updatedAt: now), now: now)
        let byAlias = try await encryption.encrypt(
            Data("x".utf8), under: try await resolved("arn:aws:kms:us-east-1:\(accountID):alias/app"), service: "lambda", accountID: accountID,
            region: region,
            context: context)
        #expect(byAlias.keyARN == key.arn)
        #expect(try await encryption.decrypt(byAlias.blob, accountID: accountID, region: region, context: context, auditedFor: nil) == Data("x".utf8))
    }

    @Test(arguments: [
        (KMSKeyState.disabled, ServiceEncryptionFailure.Reason.disabled, "DisabledException"),
        (.pendingDeletion, .invalidState, "KMSInvalidStateException"),
    ])
    func aKeyThatCannotBeUsedIsRefused(state: KMSKeyState, reason: ServiceEncryptionFailure.Reason, code: String) async throws {
        let key = try await customerKey()
        let sealed = try await encryption.encrypt(
            Data("x".utf8), under: try await resolved(key.arn), service: "lambda", accountID: accountID, region: region, context: context)
        try await database.kms.update(key.id, now: now) { $0.state = state }
        let onEncrypt = await failure {
            _ = try await encryption.encrypt(
                Data("x".utf8), under: try await resolved(key.arn), service: "lambda", accountID: accountID, region: region, context: context)
        }
        #expect(onEncrypt?.reason == reason)
        #expect(onEncrypt?.kmsCode == code)
        let onDecrypt = await failure {
            _ = try await encryption.decrypt(sealed.blob, accountID: accountID, region: region, context: context, auditedFor: nil)
        }
        #expect(onDecrypt?.reason == reason)
    }

    @Test(arguments: [
        ("arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000", "NotFoundException"),
        ("arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000", "NotFoundException"),
        ("arn:aws:kms:us-east-1:210987654321:key/00000000-0000-0000-0000-000000000000", "NotFoundException"),
        ("arn:aws:kms:us-east-1:123456789012:alias/missing", "NotFoundException"),
    ])
    func aKeyARNThatNamesNoKeyIsRefused(arn: String, code: String) async throws {
        let key = try await resolved(arn)
        let refused = await failure {
            _ = try await encryption.encrypt(Data("x".utf8), under: key, service: "lambda", accountID: accountID, region: region, context: context)
        }
        #expect(refused?.reason == .notFound)
        #expect(refused?.kmsCode == code)
    }

    /// A listing opens many blobs under one key: the key is read once until the store is written, and
    /// a key disabled after an open refuses the very next one.
    @Test func openingManyBlobsReadsTheKeyOnceAndAWriteIsSeenAtOnce() async throws {
        let key = try await customerKey()
        let resolvedKey = try await resolved(key.arn)
        let blobs = try await (0..<5).asyncMap { index in
            try await encryption.encrypt(
                Data("v\(index)".utf8), under: resolvedKey, service: "lambda", accountID: accountID, region: region, context: context
            ).blob
        }
        let readsBefore = database.readTransactionCount
        for (index, blob) in blobs.enumerated() {
            #expect(
                try await encryption.decrypt(blob, accountID: accountID, region: region, context: context, auditedFor: nil) == Data("v\(index)".utf8))
        }
        #expect(database.readTransactionCount - readsBefore == 1)

        _ = try await database.kms.update(key.id, now: now) { $0.state = .disabled }
        let refused = await failure {
            _ = try await encryption.decrypt(blobs[0], accountID: accountID, region: region, context: context, auditedFor: nil)
        }
        #expect(refused?.kmsCode == "DisabledException")
    }
}

extension Range where Bound == Int {
    fileprivate func asyncMap<T>(_ transform: (Int) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for index in self { results.append(try await transform(index)) }
        return results
    }
}
