import Store

extension BulwarkDatabase {
    /// The account, long-term access keys and the server's own secrets.
    public var accounts: AccountRepository { AccountRepository(database: self) }
    /// Users, groups and roles, their inline policies and attachments.
    public var iam: IAMRepository { IAMRepository(database: self) }
    /// Customer and AWS managed policies with their versions.
    public var managedPolicies: ManagedPolicyRepository { ManagedPolicyRepository(database: self) }
    /// Instance profiles and their roles.
    public var instanceProfiles: InstanceProfileRepository { InstanceProfileRepository(database: self) }
    /// The account's alias, password policy, login profiles and credential report.
    public var accountSettings: AccountSettingsRepository { AccountSettingsRepository(database: self) }
    /// Users' service-specific credentials.
    public var serviceSpecificCredentials: ServiceSpecificCredentialRepository { ServiceSpecificCredentialRepository(database: self) }
    /// Users' SSH public keys.
    public var sshPublicKeys: SSHPublicKeyRepository { SSHPublicKeyRepository(database: self) }
    /// Signing certificates of users and the root.
    public var signingCertificates: SigningCertificateRepository { SigningCertificateRepository(database: self) }
    /// Service-linked roles and their deletion tasks.
    public var serviceLinkedRoles: ServiceLinkedRoleRepository { ServiceLinkedRoleRepository(database: self) }
    /// STS sessions and MFA devices.
    public var credentials: CredentialRepository { CredentialRepository(database: self) }
    /// OpenID Connect providers and their issuers' signing keys.
    public var oidcProviders: OIDCProviderRepository { OIDCProviderRepository(database: self) }
}
