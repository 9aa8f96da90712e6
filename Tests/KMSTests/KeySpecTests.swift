import AWSWire
import BulwarkCore
import Crypto
import Foundation
import IAM
import Store
import Testing

@testable import KMS

/// Asymmetric (RSA, NIST curves) and HMAC keys through the operation table's handlers: every
/// signing algorithm of each spec signs and verifies (raw messages and digests), RSA OAEP round
/// trips within AWS's size limits, MACs verify, and the wrong key, algorithm or input is refused
/// with KMS's errors.
@Suite("Key specs")
struct KeySpecTests {
    let service: KMSService
    let accountID = "123456789012"

    init() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kms-specs-\(UUID().uuidString)")
        service = KMSService(
            database: try BulwarkDatabase(directory: directory, schemas: [.iam, .kms]), masterKey: MasterKey(.init(size: .bits256)))
    }

    private var context: CallContext {
        CallContext(
            requestID: "test", principal: Principal(kind: .root, accountID: accountID, arn: "arn:aws:iam::\(accountID):root", principalID: accountID),
            accessKeyID: "AKIATEST", region: "us-east-1", sourceIP: "192.0.2.1", userAgent: "tests", isSecureTransport: true,
            receivedAt: Date(), presigner: URLPresigner { path, _, _ in path })
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

    private func newKey(_ spec: String, _ usage: String) async throws -> (id: String, arn: String) {
        let created = try await call("CreateKey", ["KeySpec": .string(spec), "KeyUsage": .string(usage)])
        let id = try #require(created["KeyMetadata"]?["KeyId"]?.stringValue)
        return (id, "arn:aws:kms:us-east-1:\(accountID):key/\(id)")
    }

    private static func base64(_ data: Data) -> JSONValue { .string(data.base64EncodedString()) }

    private static func digest(_ algorithm: String, _ message: Data) -> Data {
        if algorithm.hasSuffix("384") { return Data(SHA384.hash(data: message)) }
        if algorithm.hasSuffix("512") { return Data(SHA512.hash(data: message)) }
        return Data(SHA256.hash(data: message))
    }

    static let signingCases: [(spec: String, algorithms: [String])] = [
        (
            "RSA_2048",
            [
                "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512", "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384",
                "RSASSA_PKCS1_V1_5_SHA_512",
            ]
        ),
        ("ECC_NIST_P256", ["ECDSA_SHA_256"]), ("ECC_NIST_P384", ["ECDSA_SHA_384"]), ("ECC_NIST_P521", ["ECDSA_SHA_512"]),
    ]

    @Test(arguments: signingCases)
    func everySigningAlgorithmSignsAndVerifies(_ spec: String, _ algorithms: [String]) async throws {
        let key = try await newKey(spec, "SIGN_VERIFY")
        let metadata = try #require(try await call("DescribeKey", ["KeyId": .string(key.id)])["KeyMetadata"])
        #expect(metadata["SigningAlgorithms"]?.arrayValue?.compactMap(\.stringValue).sorted() == algorithms.sorted())
        #expect(metadata["EncryptionAlgorithms"] == nil)
        #expect(metadata["CurrentKeyMaterialId"] == nil)
        let message = Data("the message".utf8)
        for algorithm in algorithms {
            for messageType in ["RAW", "DIGEST"] {
                let signed = messageType == "RAW" ? message : Self.digest(algorithm, message)
                let input: JSONValue = [
                    "KeyId": .string(key.id), "Message": Self.base64(signed), "MessageType": .string(messageType),
                    "SigningAlgorithm": .string(algorithm),
                ]
                let signature = try #require(try await call("Sign", input)["Signature"]?.stringValue)
                // A digest's signature is the raw message's: both verify either way.
                for (type, body) in [("RAW", message), ("DIGEST", Self.digest(algorithm, message))] {
                    let verified = try await call(
                        "Verify",
                        [
                            "KeyId": .string(key.arn), "Message": Self.base64(body), "MessageType": .string(type),
                            "SigningAlgorithm": .string(algorithm), "Signature": .string(signature),
                        ])
                    #expect(verified == ["KeyId": .string(key.arn), "SignatureValid": true, "SigningAlgorithm": .string(algorithm)])
                }
                await expectError(
                    "KMSInvalidSignatureException", nil, "Verify",
                    [
                        "KeyId": .string(key.id), "Message": Self.base64(Data("another".utf8)), "SigningAlgorithm": .string(algorithm),
                        "Signature": .string(signature),
                    ])
            }
            await expectError(
                "ValidationException", "Digest is invalid length for algorithm \(algorithm).", "Sign",
                ["KeyId": .string(key.id), "Message": Self.base64(Data(count: 20)), "MessageType": "DIGEST", "SigningAlgorithm": .string(algorithm)])
        }
        await expectError(
            "InvalidKeyUsageException", "Algorithm ECDSA_SHA_999 is incompatible with key spec \(spec).", "Sign",
            ["KeyId": .string(key.id), "Message": Self.base64(message), "SigningAlgorithm": "ECDSA_SHA_999"])
        await expectError(
            "InvalidKeyUsageException", "\(key.arn) key usage is SIGN_VERIFY which is not valid for Encrypt.", "Encrypt",
            ["KeyId": .string(key.id), "Plaintext": Self.base64(message)])
        await expectError(
            "InvalidKeyUsageException", "\(key.arn) key usage is SIGN_VERIFY which is not valid for GenerateDataKey.", "GenerateDataKey",
            ["KeyId": .string(key.id), "KeySpec": "AES_256"])
        await expectError(
            "InvalidKeyUsageException", "\(key.arn) key usage is SIGN_VERIFY which is not valid for GenerateMac.", "GenerateMac",
            ["KeyId": .string(key.id), "Message": Self.base64(message), "MacAlgorithm": "HMAC_SHA_256"])
    }

    @Test func theRSAPublicKeyVerifiesOutsideKMS() async throws {
        let key = try await newKey("RSA_3072", "SIGN_VERIFY")
        let got = try await call("GetPublicKey", ["KeyId": .string(key.id)])
        #expect(got["KeySpec"] == "RSA_3072")
        #expect(got["CustomerMasterKeySpec"] == "RSA_3072")
        #expect(got["KeyUsage"] == "SIGN_VERIFY")
        let der = try #require(got["PublicKey"]?.stringValue.flatMap { Data(base64Encoded: $0) })
        let message = Data("outside".utf8)
        let signature = try #require(
            try await call(
                "Sign", ["KeyId": .string(key.id), "Message": Self.base64(message), "SigningAlgorithm": "RSASSA_PSS_SHA_256"])["Signature"]?
                .stringValue.flatMap { Data(base64Encoded: $0) })
        #expect(
            try AsymmetricCryptography.verify(
                publicKey: der, spec: .rsa(bits: 3072), algorithm: "RSASSA_PSS_SHA_256", message: message, isDigest: false, signature: signature))
    }

    @Test(arguments: [("RSA_2048", 214, 190), ("RSA_3072", 342, 318), ("RSA_4096", 470, 446)])
    func rsaEncryptionRoundTripsWithinAWSLimits(_ spec: String, _ sha1Limit: Int, _ sha256Limit: Int) async throws {
        let key = try await newKey(spec, "ENCRYPT_DECRYPT")
        let metadata = try #require(try await call("DescribeKey", ["KeyId": .string(key.id)])["KeyMetadata"])
        #expect(metadata["EncryptionAlgorithms"] == ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"])
        for (algorithm, limit) in [("RSAES_OAEP_SHA_1", sha1Limit), ("RSAES_OAEP_SHA_256", sha256Limit)] {
            let plaintext = Data((0..<limit).map { UInt8(truncatingIfNeeded: $0) })
            let encrypted = try await call(
                "Encrypt", ["KeyId": .string(key.id), "Plaintext": Self.base64(plaintext), "EncryptionAlgorithm": .string(algorithm)])
            #expect(encrypted["EncryptionAlgorithm"] == .string(algorithm))
            let ciphertext = try #require(encrypted["CiphertextBlob"])
            let decrypted = try await call(
                "Decrypt", ["KeyId": .string(key.id), "CiphertextBlob": ciphertext, "EncryptionAlgorithm": .string(algorithm)])
            #expect(decrypted == ["KeyId": .string(key.arn), "Plaintext": Self.base64(plaintext), "EncryptionAlgorithm": .string(algorithm)])
            await expectError(
                "ValidationException", nil, "Encrypt",
                ["KeyId": .string(key.id), "Plaintext": Self.base64(plaintext + Data([0])), "EncryptionAlgorithm": .string(algorithm)])
            // The other OAEP hash does not decrypt it.
            let other = algorithm == "RSAES_OAEP_SHA_1" ? "RSAES_OAEP_SHA_256" : "RSAES_OAEP_SHA_1"
            await expectError(
                "InvalidCiphertextException", nil, "Decrypt",
                ["KeyId": .string(key.id), "CiphertextBlob": ciphertext, "EncryptionAlgorithm": .string(other)])
        }
        await expectError(
            "InvalidKeyUsageException", "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec \(spec).", "Encrypt",
            ["KeyId": .string(key.id), "Plaintext": "eA=="])
        await expectError(
            "InvalidKeyUsageException", "\(key.arn) key usage is ENCRYPT_DECRYPT which is not valid for Sign.", "Sign",
            ["KeyId": .string(key.id), "Message": "eA==", "SigningAlgorithm": "RSASSA_PSS_SHA_256"])
    }

    @Test(arguments: [("HMAC_224", 28), ("HMAC_256", 32), ("HMAC_384", 48), ("HMAC_512", 64)])
    func hmacKeysGenerateAndVerifyMACs(_ spec: String, _ length: Int) async throws {
        let key = try await newKey(spec, "GENERATE_VERIFY_MAC")
        let algorithm = "HMAC_SHA_\(spec.dropFirst(5))"
        let metadata = try #require(try await call("DescribeKey", ["KeyId": .string(key.id)])["KeyMetadata"])
        #expect(metadata["MacAlgorithms"] == [.string(algorithm)])
        let message = Self.base64(Data("mac me".utf8))
        let generated = try await call("GenerateMac", ["KeyId": .string(key.id), "Message": message, "MacAlgorithm": .string(algorithm)])
        let mac = try #require(generated["Mac"]?.stringValue)
        #expect(Data(base64Encoded: mac)?.count == length)
        #expect(generated == ["Mac": .string(mac), "MacAlgorithm": .string(algorithm), "KeyId": .string(key.arn)])
        let verified = try await call(
            "VerifyMac", ["KeyId": .string(key.id), "Message": message, "MacAlgorithm": .string(algorithm), "Mac": .string(mac)])
        #expect(verified == ["KeyId": .string(key.arn), "MacValid": true, "MacAlgorithm": .string(algorithm)])
        await expectError(
            "KMSInvalidMacException", nil, "VerifyMac",
            ["KeyId": .string(key.id), "Message": Self.base64(Data("other".utf8)), "MacAlgorithm": .string(algorithm), "Mac": .string(mac)])
        await expectError(
            "InvalidKeyUsageException", "Algorithm HMAC_SHA_1 is incompatible with key spec \(spec).", "GenerateMac",
            ["KeyId": .string(key.id), "Message": message, "MacAlgorithm": "HMAC_SHA_1"])
        await expectError(
            "InvalidKeyUsageException", "\(key.arn) key usage is GENERATE_VERIFY_MAC which is not valid for Encrypt.", "Encrypt",
            ["KeyId": .string(key.id), "Plaintext": message])
        await expectError("UnsupportedOperationException", nil, "GetPublicKey", ["KeyId": .string(key.id)])
    }

    @Test func sha224MatchesFIPSAndRFC4231() {
        #expect(Data(SHA224.hash(data: Data("abc".utf8))).hex == "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7")
        #expect(Data(SHA224.hash(data: Data())).hex == "d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f")
        let long = Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(Data(SHA224.hash(data: long)).hex == "75388b16512776cc5dba5da1fd890150b0c6455cb4f58b1952522525")
        // RFC 4231 test case 2.
        let mac = HMAC<SHA224>.authenticationCode(for: Data("what do ya want for nothing?".utf8), using: SymmetricKey(data: Data("Jefe".utf8)))
        #expect(Data(mac).hex == "a30e01098bc6dbbf45690f3a7e9e6d0f8bbea2a39e6148008fd05e44")
    }

    @Test func specsBulwarkDoesNotCreateAreRefused() async throws {
        await expectError("UnsupportedOperationException", nil, "CreateKey", ["KeySpec": "ECC_SECG_P256K1", "KeyUsage": "SIGN_VERIFY"])
        await expectError("UnsupportedOperationException", nil, "CreateKey", ["KeySpec": "SM2", "KeyUsage": "SIGN_VERIFY"])
        await expectError("ValidationException", nil, "CreateKey", ["KeySpec": "ECC_NIST_P256", "KeyUsage": "ENCRYPT_DECRYPT"])
        await expectError("ValidationException", nil, "CreateKey", ["KeySpec": "HMAC_256"])
        await expectError("ValidationException", nil, "CreateKey", ["KeySpec": "RSA_2048", "KeyUsage": "GENERATE_VERIFY_MAC"])
        let symmetric = try #require(try await call("CreateKey", [:])["KeyMetadata"]?["KeyId"]?.stringValue)
        await expectError(
            "InvalidKeyUsageException", nil, "Sign", ["KeyId": .string(symmetric), "Message": "eA==", "SigningAlgorithm": "ECDSA_SHA_256"])
        await expectError("UnsupportedOperationException", nil, "GetPublicKey", ["KeyId": .string(symmetric)])
    }
}

extension Data {
    fileprivate var hex: String { map { String(format: "%02x", $0) }.joined() }
}
