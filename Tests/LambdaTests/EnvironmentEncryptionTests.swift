import BulwarkCore
import Foundation
import Testing

@testable import Lambda

/// The pure parts of environment encryption: the stored form of a configuration, before and after
/// encryption, and Lambda's answers when KMS refuses (decision 0012).
@Suite("Environment encryption")
struct EnvironmentEncryptionTests {
    private static func state(environment: [String: String], sealed: Data?, key: String?) -> FunctionState {
        FunctionState(
            name: "hello", runtime: "python3.12", role: "arn:aws:iam::123456789012:role/r", handler: "app.handler", description: "",
            timeout: 3, memorySize: 128, ephemeralStorageSize: 512, environment: environment, architectures: ["x86_64"],
            tracingMode: "PassThrough", logging: .init(logFormat: "Text", logGroup: "/aws/lambda/hello"),
            lastModified: Date(timeIntervalSince1970: 1_800_000_000), codeSha256: "abc", sealedEnvironment: sealed, kmsKeyArn: key)
    }

    @Test func aConfigurationStoredBeforeEncryptionStillReadsItsVariables() throws {
        let legacy = try FunctionStateCoding.encode(Self.state(environment: ["MODE": "prod"], sealed: nil, key: nil))
        let text = String(decoding: legacy, as: UTF8.self)
        #expect(!text.contains("sealedEnvironment") && !text.contains("kmsKeyArn"))
        let read = try FunctionStateCoding.decode(legacy)
        #expect(read.environment == ["MODE": "prod"])
        #expect(read.sealedEnvironment == nil)
    }

    @Test func anEncryptedConfigurationKeepsOnlyTheBlobAndTheKey() throws {
        let blob = Data([1, 2, 3, 4])
        let key = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
        let stored = try FunctionStateCoding.encode(Self.state(environment: [:], sealed: blob, key: key))
        let read = try FunctionStateCoding.decode(stored)
        #expect(read.sealedEnvironment == blob)
        #expect(read.kmsKeyArn == key)
        #expect(read.environment.isEmpty)
    }

    @Test func theEncryptionContextIsTheFunctionName() {
        #expect(LambdaService.encryptionContext(functionName: "hello") == ["LambdaFunctionName": "hello"])
    }

    @Test(arguments: [
        (ServiceEncryptionFailure.Reason.notFound, "KMSNotFoundException"),
        (.disabled, "KMSDisabledException"),
        (.invalidState, "KMSInvalidStateException"),
        (.unavailable, "KMSAccessDeniedException"),
    ])
    func kmsRefusalsAreLambdasKMSErrors(reason: ServiceEncryptionFailure.Reason, code: String) {
        let error = LambdaService.decryptionRefused(ServiceEncryptionFailure(reason, kmsCode: "X", kmsMessage: "y"))
        #expect(error.code == code)
        #expect(error.status == 502)
        #expect(error.message.hasPrefix("Lambda couldn't decrypt the environment variables because"))
    }
}
