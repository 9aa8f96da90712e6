import AWSWire
import BulwarkCore
import Foundation
import Store

/// Service-linked roles: roles an AWS service owns, at `/aws-service-role/<service principal>/`,
/// trusting only that service and holding its `/aws-service-role/` policy. The account may create
/// and delete them and change their description and tags; nothing else (``checkModifiable(_:)``).
extension IAMService {
    var serviceLinkedRoleOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "CreateServiceLinkedRole", action: "iam:CreateServiceLinkedRole", readOnly: false,
                input: IAMAPI.CreateServiceLinkedRoleRequest.self,
                references: { input, _ in
                    // A service IAM links no role to names no role: the call is judged on `*`.
                    guard let template = ServiceLinkedRoleTemplate.of(input.awsServiceName) else { return [] }
                    return [Self.named(.role, "AWSServiceName", template.roleName(suffix: input.customSuffix), creating: template.path)]
                },
                conditionKeys: { input, _, _ in ["iam:AWSServiceName": .single(input.awsServiceName)] },
                handler: createServiceLinkedRole
            ),
            ServiceOperation(
                "DeleteServiceLinkedRole", action: "iam:DeleteServiceLinkedRole", readOnly: false,
                input: IAMAPI.DeleteServiceLinkedRoleRequest.self,
                references: { input, _ in [Self.named(.role, "RoleName", input.roleName)] },
                handler: deleteServiceLinkedRole
            ),
            ServiceOperation(
                "GetServiceLinkedRoleDeletionStatus", action: "iam:GetServiceLinkedRoleDeletionStatus", readOnly: true,
                input: IAMAPI.GetServiceLinkedRoleDeletionStatusRequest.self,
                references: { _, _ in [] },
                resources: { input, _, context in
                    // The role the task deleted, which the task id names.
                    [ServiceLinkedRoleDeletionTaskID(input.deletionTaskId)?.roleARN(accountID: context.accountID) ?? "*"]
                },
                handler: getServiceLinkedRoleDeletionStatus
            ),
        ]
    }

    /// The trust policy of a service-linked role: the service may assume it.
    static func serviceLinkedTrustPolicy(_ servicePrincipal: String) -> String {
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"\#(servicePrincipal)"},"Action":"sts:AssumeRole"}]}"#
    }

    @Sendable func createServiceLinkedRole(
        _ input: IAMAPI.CreateServiceLinkedRoleRequest, _ context: CallContext
    ) async throws -> IAMAPI.CreateServiceLinkedRoleResponse {
        guard let template = ServiceLinkedRoleTemplate.of(input.awsServiceName) else {
            throw IAMError.invalidInput("Service \(input.awsServiceName) is not supported for service-linked roles.")
        }
        if input.customSuffix != nil, !template.allowsCustomSuffix {
            throw IAMError.invalidInput("Custom suffix is not allowed for \(input.awsServiceName)")
        }
        let name = template.roleName(suffix: input.customSuffix)
        guard name.count <= 64 else {
            throw IAMError.invalidInput("The role name \(name) is longer than 64 characters: use a shorter suffix.")
        }
        let record = IAMPrincipalRecord(
            kind: .role, accountID: context.accountID, name: name, uniqueID: KeyMaterial.uniqueID(prefix: Self.idPrefix(.role)),
            path: template.path, createdAt: clock.now(), trustPolicy: Self.serviceLinkedTrustPolicy(template.servicePrincipal),
            description: input.description, maxSessionDuration: Self.defaultMaxSessionDuration, linkedService: template.servicePrincipal)
        do {
            try await database.serviceLinkedRoles.create(record, policyARN: template.policyARN)
        } catch StoreError.conflict {
            throw IAMError.invalidInput("Service role name \(name) has been taken in this account, please try a different suffix.")
        }
        var role = Self.role(record, detailed: true)
        role.maxSessionDuration = nil
        role.roleLastUsed = nil
        return IAMAPI.CreateServiceLinkedRoleResponse(role: role)
    }

    @Sendable func deleteServiceLinkedRole(
        _ input: IAMAPI.DeleteServiceLinkedRoleRequest, _ context: CallContext
    ) async throws -> IAMAPI.DeleteServiceLinkedRoleResponse {
        let role = try existing(.role, input.roleName, context)
        guard let service = role.linkedService else {
            throw IAMError.noSuchEntity("The role with name \(input.roleName) is not a service-linked role.")
        }
        let taskID = ServiceLinkedRoleDeletionTaskID(servicePrincipal: service, roleName: role.name, uuid: UUID())
        let task = ServiceLinkedRoleRepository.DeletionTask(
            taskID: taskID.text, accountID: context.accountID, roleARN: role.arn, status: "SUCCEEDED", createdAt: clock.now())
        do {
            try await database.serviceLinkedRoles.delete(role, task: task)
        } catch StoreError.notFound {
            throw Self.noSuch(.role, input.roleName)
        }
        return IAMAPI.DeleteServiceLinkedRoleResponse(deletionTaskId: taskID.text)
    }

    @Sendable func getServiceLinkedRoleDeletionStatus(
        _ input: IAMAPI.GetServiceLinkedRoleDeletionStatusRequest, _ context: CallContext
    ) async throws -> IAMAPI.GetServiceLinkedRoleDeletionStatusResponse {
        guard ServiceLinkedRoleDeletionTaskID(input.deletionTaskId) != nil else {
            throw IAMError.invalidInput("Invalid deletion task id: \(input.deletionTaskId)")
        }
        guard let task = try await database.serviceLinkedRoles.task(id: input.deletionTaskId, accountID: context.accountID) else {
            throw IAMError.noSuchEntity("Deletion task \(input.deletionTaskId) cannot be found.")
        }
        return IAMAPI.GetServiceLinkedRoleDeletionStatusResponse(status: task.status)
    }

    /// Refuses a change to a service-linked role, which only its service may make.
    static func checkModifiable(_ principal: IAMPrincipalRecord) throws {
        guard principal.kind == .role, principal.linkedService != nil else { return }
        throw unmodifiable(principal.name)
    }

    /// `UnmodifiableEntity` (400) in IAM's words.
    static func unmodifiable(_ roleName: String) -> AWSError {
        AWSError(
            code: "UnmodifiableEntity",
            message: "Cannot perform the operation on the protected role '\(roleName)' - this role is only modifiable by AWS",
            status: 400)
    }
}

/// A service-linked role's deletion task id: `task/aws-service-role/<service principal>/<role name>/<uuid>`.
struct ServiceLinkedRoleDeletionTaskID: Sendable, Equatable {
    let servicePrincipal: String
    let roleName: String
    let uuid: UUID

    init(servicePrincipal: String, roleName: String, uuid: UUID) {
        self.servicePrincipal = servicePrincipal
        self.roleName = roleName
        self.uuid = uuid
    }

    /// Parses a task id; nil unless it has exactly that form.
    init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "task", parts[1] == "aws-service-role", !parts[2].isEmpty, !parts[3].isEmpty,
            parts[2].allSatisfy(Self.isNameCharacter), parts[3].allSatisfy(Self.isNameCharacter),
            let uuid = UUID(uuidString: String(parts[4]))
        else { return nil }
        self.init(servicePrincipal: String(parts[2]), roleName: String(parts[3]), uuid: uuid)
    }

    var text: String { "task/aws-service-role/\(servicePrincipal)/\(roleName)/\(uuid.uuidString.lowercased())" }

    /// The ARN of the role the task deletes.
    func roleARN(accountID: String) -> String {
        "arn:aws:iam::\(accountID):role/aws-service-role/\(servicePrincipal)/\(roleName)"
    }

    /// IAM's name characters, `[\w+=,.@-]`.
    private static func isNameCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || "_+=,.@-".contains(character))
    }
}
