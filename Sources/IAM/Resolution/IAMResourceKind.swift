import AWSWire

extension ResourceKind {
    /// An IAM user, by name (case-insensitive, as IAM matches names) or by ARN (exact).
    public static let iamUser = ResourceKind(service: "iam", type: "user")
    /// An IAM group, by name or ARN.
    public static let iamGroup = ResourceKind(service: "iam", type: "group")
    /// An IAM role, by name or ARN; its trust policy is its resource policy for `sts:` actions.
    public static let iamRole = ResourceKind(service: "iam", type: "role")
    /// A customer or AWS managed policy, by ARN (exact).
    public static let iamPolicy = ResourceKind(service: "iam", type: "policy")
    /// A virtual MFA device, by serial number (its ARN, exact).
    public static let iamMFADevice = ResourceKind(service: "iam", type: "mfa")
    /// A long-term access key, by id: it resolves to the user (or root) that owns it.
    public static let iamAccessKey = ResourceKind(service: "iam", type: "access-key")
    /// An OpenID Connect provider, by ARN (exact).
    public static let iamOIDCProvider = ResourceKind(service: "iam", type: "oidc-provider")
    /// Any access key id Bulwark issued — long-term or temporary, of any account: it resolves to
    /// the account the key belongs to (`sts:GetAccessKeyInfo`).
    public static let stsAccessKeyAccount = ResourceKind(service: "sts", type: "access-key-account")

    /// An instance profile, by name (case-insensitive) or ARN (exact).
    public static let iamInstanceProfile = ResourceKind(service: "iam", type: "instance-profile")

    /// A user's service-specific credential, by id (`ACCA…`): it resolves to the credential, under
    /// its user's ARN (credentials have none of their own).
    public static let iamServiceSpecificCredential = ResourceKind(service: "iam", type: "service-specific-credential")

    /// A user's SSH public key, by id (`APKA…`): it resolves to the key, under its user's ARN.
    public static let iamSSHPublicKey = ResourceKind(service: "iam", type: "ssh-public-key")

    /// A signing certificate, by id: it resolves to the certificate, under its owner's ARN (a user's,
    /// or the account root's).
    public static let iamSigningCertificate = ResourceKind(service: "iam", type: "signing-certificate")

    /// The kind of users, groups or roles.
    static func iam(_ kind: IAMPrincipalKind) -> ResourceKind {
        switch kind {
        case .user: .iamUser
        case .group: .iamGroup
        case .role: .iamRole
        }
    }
}
