import AWSWire
import BulwarkCore
import GRDB
import Store

/// IAM's authority over its entities (DESIGN §1, decision 0005): resolves every reference to a
/// user, group, role, managed policy, MFA device or access key to the stored entity, in one read.
///
/// Names resolve case-insensitively within the caller's account, as IAM matches them, to the stored
/// entity, whose own ARN (its path and case) is then judged. ARNs resolve only when they are the
/// stored entity's ARN exactly: the `aws` partition, the entity's account, path and case.
public struct IAMResourceAuthority: ResourceAuthority {
    private let database: BulwarkDatabase

    public init(database: BulwarkDatabase) {
        self.database = database
    }

    public var kinds: [ResourceKind] {
        [
            .iamUser, .iamGroup, .iamRole, .iamPolicy, .iamMFADevice, .iamAccessKey, .stsAccessKeyAccount, .iamOIDCProvider, .iamInstanceProfile,
            .iamServiceSpecificCredential, .iamSSHPublicKey, .iamSigningCertificate,
        ]
    }

    public func resolve(_ references: [ResourceReference], context: CallContext) async throws -> [ResolvedResource] {
        try await database.read { db in try references.map { try Self.resolve($0, db, accountID: context.accountID) } }
    }

    static func resolve(_ reference: ResourceReference, _ db: Database, accountID callerAccount: String) throws -> ResolvedResource {
        switch reference.kind {
        case .iamUser: try principal(.user, reference, db, accountID: callerAccount)
        case .iamGroup: try principal(.group, reference, db, accountID: callerAccount)
        case .iamRole: try principal(.role, reference, db, accountID: callerAccount)
        case .iamPolicy: try managedPolicy(reference, db)
        case .iamMFADevice: try mfaDevice(reference, db)
        case .iamAccessKey: try accessKeyOwner(reference, db, accountID: callerAccount)
        case .stsAccessKeyAccount: try accessKeyAccount(reference, db, accountID: callerAccount)
        case .iamOIDCProvider: try oidcProvider(reference, db)
        case .iamInstanceProfile: try instanceProfile(reference, db, accountID: callerAccount)
        case .iamServiceSpecificCredential: try serviceSpecificCredential(reference, db, accountID: callerAccount)
        case .iamSSHPublicKey: try sshPublicKey(reference, db, accountID: callerAccount)
        case .iamSigningCertificate: try signingCertificate(reference, db, accountID: callerAccount)
        default: preconditionFailure("IAM does not resolve \(reference.kind)")
        }
    }

    private static func principal(
        _ kind: IAMPrincipalKind, _ reference: ResourceReference, _ db: Database, accountID callerAccount: String
    ) throws -> ResolvedResource {
        let record: IAMPrincipalRecord?
        let typedARN: String
        let accountID: String
        if reference.text.hasPrefix("arn:") {
            typedARN = reference.text
            guard let arn = ARN(reference.text), arn.partition == "aws", arn.service == "iam", arn.region.isEmpty,
                arn.resource.hasPrefix("\(kind.rawValue)/"), let name = arn.resource.split(separator: "/").last
            else { return .absent(reference, arn: typedARN, accountID: ARN(reference.text)?.accountID ?? callerAccount) }
            accountID = arn.accountID
            // Only the entity whose ARN this is exactly: its path and the case of its name.
            record = try IAMRepository.principal(db, kind, accountID: arn.accountID, name: String(name)).flatMap {
                $0.arn == reference.text ? $0 : nil
            }
        } else {
            accountID = callerAccount
            record = try IAMRepository.principal(db, kind, accountID: accountID, name: reference.text)
            typedARN = "arn:aws:iam::\(accountID):\(kind.rawValue)\(reference.path ?? "/")\(reference.text)"
        }
        guard let record else { return .absent(reference, arn: typedARN, accountID: accountID) }
        return ResolvedResource(
            reference: reference, arn: record.arn, entity: record, accountID: record.accountID, tags: tags(record.tags),
            tagKeyPrefixes: kind == .group ? [] : ["aws", "iam"],
            policy: record.trustPolicy.map {
                ResourcePolicy(
                    document: $0, name: "trust policy", kind: .trust, governedService: "sts", principalIDs: record.trustPolicyPrincipals?.ids)
            }
        )
    }

    /// A profile by name (case-insensitive) or by its ARN exactly, as users, groups and roles.
    private static func instanceProfile(_ reference: ResourceReference, _ db: Database, accountID callerAccount: String) throws -> ResolvedResource {
        let record: InstanceProfileRecord?
        let typedARN: String
        let accountID: String
        if reference.text.hasPrefix("arn:") {
            typedARN = reference.text
            guard let arn = ARN(reference.text), arn.partition == "aws", arn.service == "iam", arn.region.isEmpty,
                arn.resource.hasPrefix("instance-profile/"), let name = arn.resource.split(separator: "/").last
            else { return .absent(reference, arn: typedARN, accountID: ARN(reference.text)?.accountID ?? callerAccount) }
            accountID = arn.accountID
            record = try InstanceProfileRepository.profile(db, accountID: accountID, name: String(name)).flatMap {
                $0.arn == reference.text ? $0 : nil
            }
        } else {
            accountID = callerAccount
            record = try InstanceProfileRepository.profile(db, accountID: accountID, name: reference.text)
            typedARN = "arn:aws:iam::\(accountID):instance-profile\(reference.path ?? "/")\(reference.text)"
        }
        guard let record else { return .absent(reference, arn: typedARN, accountID: accountID) }
        return ResolvedResource(reference: reference, arn: record.arn, entity: record, accountID: record.accountID, tags: tags(record.tags))
    }

    /// A credential of the caller's account by id, under its user's ARN; one of another account, or
    /// none, resolves to nothing.
    private static func serviceSpecificCredential(
        _ reference: ResourceReference, _ db: Database, accountID callerAccount: String
    ) throws -> ResolvedResource {
        guard let credential = try ServiceSpecificCredentialRepository.credential(db, id: reference.text, accountID: callerAccount),
            let user = try IAMRepository.principal(db, .user, uniqueID: credential.userID)
        else { return .absent(reference, arn: "*", accountID: callerAccount) }
        return ResolvedResource(reference: reference, arn: user.arn, entity: credential, accountID: callerAccount)
    }

    /// A key of the caller's account by id, under its user's ARN, as service-specific credentials.
    private static func sshPublicKey(_ reference: ResourceReference, _ db: Database, accountID callerAccount: String) throws -> ResolvedResource {
        guard let key = try SSHPublicKeyRepository.key(db, id: reference.text, accountID: callerAccount),
            let user = try IAMRepository.principal(db, .user, uniqueID: key.userID)
        else { return .absent(reference, arn: "*", accountID: callerAccount) }
        return ResolvedResource(reference: reference, arn: user.arn, entity: key, accountID: callerAccount)
    }

    /// A certificate of the caller's account by id, under its owner's ARN.
    private static func signingCertificate(
        _ reference: ResourceReference, _ db: Database, accountID callerAccount: String
    ) throws -> ResolvedResource {
        guard let certificate = try SigningCertificateRepository.certificate(db, id: reference.text, accountID: callerAccount) else {
            return .absent(reference, arn: "*", accountID: callerAccount)
        }
        if certificate.ownerID == SigningCertificateRecord.root {
            return ResolvedResource(reference: reference, arn: "arn:aws:iam::\(callerAccount):root", entity: certificate, accountID: callerAccount)
        }
        guard let user = try IAMRepository.principal(db, .user, uniqueID: certificate.ownerID) else {
            return .absent(reference, arn: "*", accountID: callerAccount)
        }
        return ResolvedResource(reference: reference, arn: user.arn, entity: certificate, accountID: callerAccount)
    }

    private static func managedPolicy(_ reference: ResourceReference, _ db: Database) throws -> ResolvedResource {
        let accountID = ARN(reference.text)?.accountID ?? ""
        guard let policy = try ManagedPolicyRepository.policy(db, reference.text) else {
            return .absent(reference, arn: reference.text, accountID: accountID)
        }
        return ResolvedResource(reference: reference, arn: policy.arn, entity: policy, accountID: policy.accountID, tags: tags(policy.tags))
    }

    private static func mfaDevice(_ reference: ResourceReference, _ db: Database) throws -> ResolvedResource {
        let accountID = ARN(reference.text)?.accountID ?? ""
        guard
            let device = try MFADeviceRecord.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM iamMFADevice WHERE serialNumber = ?"), arguments: [reference.text])
        else { return .absent(reference, arn: reference.text, accountID: accountID) }
        return ResolvedResource(reference: reference, arn: device.serialNumber, entity: device, accountID: device.accountID, tags: tags(device.tags))
    }

    /// A key resolves to its owner, the entity IAM authorizes key operations on; a key of another
    /// account, or none, resolves to nothing (judged on `*`, as IAM cannot name an owner).
    private static func accessKeyOwner(_ reference: ResourceReference, _ db: Database, accountID callerAccount: String) throws -> ResolvedResource {
        guard let key = try AccessKeyRecord.fetchOne(db, key: reference.text), key.accountID == callerAccount else {
            return .absent(reference, arn: "*", accountID: callerAccount)
        }
        guard let userName = key.userName else {
            return ResolvedResource(reference: reference, arn: "arn:aws:iam::\(key.accountID):root", entity: key, accountID: key.accountID)
        }
        guard let user = try IAMRepository.principal(db, .user, accountID: key.accountID, name: userName) else {
            return .absent(reference, arn: "*", accountID: callerAccount)
        }
        return ResolvedResource(
            reference: reference, arn: user.arn, entity: key, accountID: user.accountID, tags: tags(user.tags), tagKeyPrefixes: ["aws", "iam"])
    }

    private static func oidcProvider(_ reference: ResourceReference, _ db: Database) throws -> ResolvedResource {
        let accountID = ARN(reference.text)?.accountID ?? ""
        guard let provider = try OIDCProviderRepository.provider(db, arn: reference.text) else {
            return .absent(reference, arn: reference.text, accountID: accountID)
        }
        return ResolvedResource(reference: reference, arn: provider.arn, entity: provider, accountID: provider.accountID, tags: tags(provider.tags))
    }

    /// The account of a long-term key or of temporary credentials, whichever account it is in; the
    /// entity is the account id. The resolved resource is named `*`: no policy governs a key id.
    private static func accessKeyAccount(_ reference: ResourceReference, _ db: Database, accountID callerAccount: String) throws -> ResolvedResource {
        let account =
            try AccessKeyRecord.fetchOne(db, key: reference.text)?.accountID
            ?? String.fetchOne(db.cachedStatement(sql: "SELECT accountID FROM stsSession WHERE accessKeyID = ?"), arguments: [reference.text])
        guard let account else { return .absent(reference, arn: "*", accountID: callerAccount) }
        return ResolvedResource(reference: reference, arn: "*", entity: account, accountID: account)
    }

    static func tags(_ tags: [IAMTag]) -> [String: String] {
        Dictionary(tags.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }
}
