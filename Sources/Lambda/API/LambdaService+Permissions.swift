import AWSWire
import BulwarkCore
import Foundation
import IAM
import Store

/// A function's resource-based policy: who else may invoke or manage it (AddPermission,
/// RemovePermission, GetPolicy). The authorize stage evaluates it on every call to the function.
extension LambdaService {
    @Sendable func addPermission(
        _ input: LambdaAPI.AddPermissionRequest, _ context: CallContext
    ) async throws
        -> LambdaAPI.AddPermissionResponse
    {
        let function = try resolvedFunction(context)
        let reference = function.reference
        let statement = Self.permissionStatement(input, resource: reference.resourceARN)
        let principals = try await statementPrincipals(input.principal, of: reference)
        do {
            try await database.functionPolicies.add(
                sid: input.statementId, statement: statement, principals: principals, to: reference.key,
                qualifier: reference.qualifier ?? Self.latest,
                expectedRevision: input.revisionId, newRevision: UUID().uuidString.lowercased()
            )
        } catch StoreError.conflict {
            throw AWSError(
                code: "ResourceConflictException",
                message:
                    "The statement id (\(input.statementId)) provided already exists. Please provide a new statement id, or remove the existing statement.",
                status: 409
            )
        } catch FunctionStoreError.revisionMismatch {
            throw Self.policyRevisionMismatch
        }
        return LambdaAPI.AddPermissionResponse(statement: statement)
    }

    @Sendable func removePermission(_ input: LambdaAPI.RemovePermissionRequest, _ context: CallContext) async throws -> EmptyOutput {
        let function = try resolvedFunction(context)
        let reference = function.reference
        do {
            try await database.functionPolicies.remove(
                sid: input.statementId, from: reference.key, qualifier: reference.qualifier ?? Self.latest,
                expectedRevision: input.revisionId, newRevision: UUID().uuidString.lowercased()
            )
        } catch StoreError.notFound {
            throw AWSError(
                code: "ResourceNotFoundException", message: "Statement \(input.statementId) is not found in resource policy.", status: 404)
        } catch FunctionStoreError.revisionMismatch {
            throw Self.policyRevisionMismatch
        }
        return EmptyOutput()
    }

    @Sendable func getPolicy(_ input: LambdaAPI.GetPolicyRequest, _ context: CallContext) async throws -> LambdaAPI.GetPolicyResponse {
        guard let policy = try resolvedFunction(context).policy else {
            throw AWSError(code: "ResourceNotFoundException", message: "The resource you requested does not exist.", status: 404)
        }
        return LambdaAPI.GetPolicyResponse(policy: policy.document, revisionId: policy.revision)
    }

    /// The unique id of the user or role of the function's account that a permission names, which the
    /// function trusts from now on — not a namesake created later. Lambda refuses one that does not exist.
    private func statementPrincipals(_ principal: String, of function: FunctionReference) async throws -> PrincipalBindings {
        guard PrincipalBindings.isBindable(principal, accountID: function.accountID) else { return PrincipalBindings() }
        do {
            return try await database.iam.principalBindings(of: [principal], accountID: function.accountID)
        } catch IAMStoreError.invalidPrincipal {
            throw LambdaError.invalidParameter("The provided principal was invalid. Please check the principal and try again.")
        }
    }

    private static let policyRevisionMismatch = AWSError(
        code: "PreconditionFailedException",
        message: "The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id",
        status: 412
    )

    /// The statement AWS writes for AddPermission: the principal as an account root, an ARN, a
    /// service or everyone, and the source conditions.
    static func permissionStatement(_ input: LambdaAPI.AddPermissionRequest, resource: String) -> String {
        let principal: JSONValue
        if input.principal == "*" {
            principal = .string("*")
        } else if input.principal.count == 12, input.principal.allSatisfy(\.isNumber) {
            principal = .object(["AWS": .string("arn:aws:iam::\(input.principal):root")])
        } else if input.principal.hasPrefix("arn:") {
            principal = .object(["AWS": .string(input.principal)])
        } else {
            principal = .object(["Service": .string(input.principal)])
        }
        var conditions: [String: [String: JSONValue]] = [:]
        if let sourceArn = input.sourceArn { conditions["ArnLike", default: [:]]["AWS:SourceArn"] = .string(sourceArn) }
        if let sourceAccount = input.sourceAccount { conditions["StringEquals", default: [:]]["AWS:SourceAccount"] = .string(sourceAccount) }
        if let organization = input.principalOrgID { conditions["StringEquals", default: [:]]["aws:PrincipalOrgID"] = .string(organization) }
        if let authType = input.functionUrlAuthType {
            conditions["StringEquals", default: [:]]["lambda:FunctionUrlAuthType"] = .string(authType)
        }
        var statement: [String: JSONValue] = [
            "Sid": .string(input.statementId), "Effect": .string("Allow"), "Principal": principal, "Action": .string(input.action),
            "Resource": .string(resource),
        ]
        if !conditions.isEmpty { statement["Condition"] = .object(conditions.mapValues { .object($0) }) }
        return String(decoding: JSONValue.object(statement).serialized(), as: UTF8.self)
    }
}
