import AWSWire
import BulwarkCore
import Foundation
import Store

/// The IAM API: users, groups, roles, instance profiles, access keys, virtual MFA devices, inline and managed policies,
/// attachments, permissions boundaries and the policy simulator.
///
/// Each operation is declared once, in the file of its theme, with its IAM action and the ARN(s) it
/// acts on as the Service Authorization Reference names them; the pipeline decodes, validates against
/// the model, authorizes and audits.
public struct IAMService: AWSService {
    /// IAM's default quotas.
    public struct Quotas: Sendable {
        public var accessKeysPerUser = 2
        public var mfaDevicesPerUser = 8
        public var versionsPerPolicy = 5
        public var managedPoliciesPerEntity = 10
        public var groupsPerUser = 10
        public var tagsPerEntity = 50
        public var serviceSpecificCredentialsPerUserPerService = 2
        public var sshPublicKeysPerUser = 5
        public var signingCertificatesPerUser = 2

        public init() {}
    }

    public let model: ServiceModel
    let database: BulwarkDatabase
    let clock: WallClock
    let quotas: Quotas

    public init(database: BulwarkDatabase, clock: WallClock = .system, quotas: Quotas = Quotas()) {
        self.model = .iam
        self.database = database
        self.clock = clock
        self.quotas = quotas
    }

    public var authorities: [any ResourceAuthority] { [IAMResourceAuthority(database: database)] }

    public var operations: [ServiceOperation] {
        userOperations + groupOperations + roleOperations + instanceProfileOperations + accessKeyOperations + mfaDeviceOperations
            + inlinePolicyOperations
            + managedPolicyOperations + attachmentOperations + permissionsBoundaryOperations + authorizationDetailsOperations
            + simulationOperations + oidcProviderOperations + loginProfileOperations + accountAliasOperations + passwordPolicyOperations
            + accountSummaryOperations + credentialReportOperations + serviceSpecificCredentialOperations
            + serviceLinkedRoleOperations + sshPublicKeyOperations + signingCertificateOperations
    }
}

// MARK: - Shared steps

extension IAMService {
    /// The reference to the user, group or role that the input member `member` names: resolved to
    /// the stored entity (IAM matches names case-insensitively), whose ARN — with its path and its
    /// own case — is what the authorize stage judges.
    ///
    /// - Parameter creating: the path of an entity the operation creates.
    static func named(_ kind: IAMPrincipalKind, _ member: String, _ name: String, creating path: String? = nil) -> ResourceReference {
        ResourceReference(.iam(kind), member: member, text: name, path: path, intent: path == nil ? .existing : .creating)
    }

    /// The reference to the user, group or role of an ARN (the policy simulator's `PolicySourceArn`).
    static func principalReference(member: String, arn: String) -> ResourceReference {
        let type = ARN(arn)?.resource.prefix { $0 != "/" }
        let kind: IAMPrincipalKind = type == "group" ? .group : type == "role" ? .role : .user
        return ResourceReference(.iam(kind), member: member, text: arn)
    }

    /// The ARN of an entity about to be created.
    static func arn(_ kind: IAMPrincipalKind, accountID: String, path: String?, name: String) -> String {
        "arn:aws:iam::\(accountID):\(kind.rawValue)\(path ?? "/")\(name)"
    }

    /// The user, group or role named `name` as the resolve stage found it, or NoSuchEntity in IAM's
    /// words. Only entities the operation declared are found: a handler acts on nothing else.
    func existing(_ kind: IAMPrincipalKind, _ name: String, _ context: CallContext) throws -> IAMPrincipalRecord {
        guard let resolved = context.resolution.resource(.iam(kind), named: name) else {
            throw AWSError.undeclaredReference(.iam(kind), requestID: context.requestID)
        }
        guard let record = resolved.entity(as: IAMPrincipalRecord.self) else { throw Self.noSuch(kind, name) }
        return record
    }

    static func noSuch(_ kind: IAMPrincipalKind, _ name: String) -> AWSError {
        switch kind {
        case .user: IAMError.noSuchUser(name)
        case .group: IAMError.noSuchGroup(name)
        case .role: IAMError.noSuchRole(name)
        }
    }

    static func alreadyExists(_ kind: IAMPrincipalKind, _ name: String) -> AWSError {
        switch kind {
        case .user: IAMError.entityAlreadyExists("User with name \(name) already exists.")
        case .group: IAMError.entityAlreadyExists("Group with name \(name) already exists.")
        case .role: IAMError.entityAlreadyExists("Role with name \(name) already exists.")
        }
    }

    /// The unique-id prefix IAM gives each kind of entity.
    static func idPrefix(_ kind: IAMPrincipalKind) -> String {
        switch kind {
        case .user: "AIDA"
        case .group: "AGPA"
        case .role: "AROA"
        }
    }

    /// Deletes an entity, answering DeleteConflict with IAM's reason when something still depends on it.
    func deleteEntity(_ kind: IAMPrincipalKind, _ name: String, _ context: CallContext) async throws {
        let accountID = context.accountID
        let entity = try existing(kind, name, context)
        try Self.checkModifiable(entity)
        let name = entity.name
        if try await !database.iam.inlinePolicies(of: kind, name, accountID: accountID).isEmpty {
            throw IAMError.deleteConflict("Cannot delete entity, must delete policies first.")
        }
        if try await !database.iam.attachedPolicies(of: kind, name, accountID: accountID).isEmpty {
            throw IAMError.deleteConflict("Cannot delete entity, must detach all policies first.")
        }
        do {
            try await database.iam.delete(kind, accountID: accountID, name: name)
        } catch StoreError.notFound {
            throw Self.noSuch(kind, name)
        } catch IAMStoreError.hasDependents(let what) {
            throw IAMError.deleteConflict(Self.conflictMessage(kind, what))
        }
    }

    static func conflictMessage(_ kind: IAMPrincipalKind, _ dependents: String) -> String {
        switch dependents {
        case "access keys": "Cannot delete entity, must delete access keys first."
        case "MFA devices": "Cannot delete entity, must delete MFA device first."
        case "groups": "Cannot delete entity, must remove user from all groups first."
        case "login profile": "Cannot delete entity, must delete login profile first."
        case "service specific credentials": "Cannot delete entity, must remove service specific credentials first."
        case "SSH public keys": "Cannot delete entity, must delete SSH public keys first."
        case "signing certificates": "Cannot delete entity, must delete signing certificates first."
        case "users": "Cannot delete entity, must remove users from group first."
        case "instance profiles", "roles": "Cannot delete entity, must remove roles from instance profile first."
        default: "Cannot delete entity, must delete policies first."
        }
    }
}
