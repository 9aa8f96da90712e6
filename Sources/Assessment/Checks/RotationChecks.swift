import KMS
import Secrets

/// The checks of what should rotate: customer managed keys and secrets.
public enum RotationChecks {
    /// A symmetric encryption key of KMS's own material without automatic rotation (the only keys
    /// KMS can rotate automatically).
    public static func key(_ key: KMSKeyRecord) -> Finding? {
        guard key.keySpec == "SYMMETRIC_DEFAULT", key.keyUsage == "ENCRYPT_DECRYPT", key.origin == "AWS_KMS", key.state != .pendingDeletion,
            !key.rotationEnabled
        else { return nil }
        return Finding(
            check: .keyRotationDisabled, resource: key.arn,
            explanation: "Automatic rotation of the customer managed key \(key.id) is off.",
            remediation: "Turn on automatic rotation, so the key material changes every year (or the period you choose).",
            command: "aws kms enable-key-rotation --key-id \(key.id)")
    }

    /// A secret that never rotates.
    public static func secret(_ secret: SecretRecord) -> Finding? {
        guard secret.rotationEnabled != true, secret.deletionDate == nil else { return nil }
        return Finding(
            check: .secretRotationDisabled, resource: secret.arn,
            explanation: "Secret \(secret.name) has no automatic rotation.",
            remediation: "Configure a rotation function and schedule, so a leaked value stops working.",
            command:
                "aws secretsmanager rotate-secret --secret-id \(secret.arn) --rotation-lambda-arn <rotation function ARN> --rotation-rules AutomaticallyAfterDays=30"
        )
    }
}
