import IAM

/// Whether a secret's resource policy allows broad access, as `BlockPublicPolicy` judges it
/// (decision 0017): IAM's ``PublicPolicyCheck`` with Secrets Manager's restricting keys.
enum SecretPolicyExposure {
    /// Whether any statement of `document` allows broad access.
    static func allowsBroadAccess(_ document: PolicyDocument) -> Bool {
        PublicPolicyCheck.secretsManager.isPublic(document)
    }
}
