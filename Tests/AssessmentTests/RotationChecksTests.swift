import Assessment
import Foundation
import KMS
import Secrets
import Testing

@Suite("Rotation checks")
struct RotationChecksTests {
    func key(
        spec: String = "SYMMETRIC_DEFAULT", usage: String = "ENCRYPT_DECRYPT", state: KMSKeyState = .enabled, rotation: Bool = false
    )
        -> KMSKeyRecord
    {
        KMSKeyRecord(
            id: "1234abcd-12ab-34cd-56ef-1234567890ab", accountID: "123456789012", region: "us-east-1", description: "", keyUsage: usage,
            keySpec: spec, origin: "AWS_KMS", keyManager: "CUSTOMER", state: state, createdAt: Fixtures.now, policy: "{}",
            rotationEnabled: rotation)
    }

    @Test func keys() {
        let finding = RotationChecks.key(key())
        #expect(finding?.id == "kms-key-rotation-disabled/arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")
        #expect(finding?.command == "aws kms enable-key-rotation --key-id 1234abcd-12ab-34cd-56ef-1234567890ab")
        #expect(RotationChecks.key(key(rotation: true)) == nil)
        #expect(RotationChecks.key(key(spec: "RSA_2048", usage: "SIGN_VERIFY")) == nil)
        #expect(RotationChecks.key(key(state: .pendingDeletion)) == nil)
    }

    @Test func secrets() {
        var secret = SecretRecord(
            arn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf", accountID: "123456789012", region: "us-east-1", name: "db",
            description: nil, kmsKeyARN: nil, createdAt: Fixtures.now, lastChangedAt: Fixtures.now)
        #expect(RotationChecks.secret(secret)?.check == "secretsmanager-rotation-disabled")
        secret.rotationEnabled = true
        #expect(RotationChecks.secret(secret) == nil)
        secret.rotationEnabled = nil
        secret.deletionDate = Fixtures.now.addingTimeInterval(86_400)
        #expect(RotationChecks.secret(secret) == nil)
    }
}
