import AWSWire
import BulwarkCore
import Foundation
import Store

/// A layer version's policy: who, in other accounts, may use it (decision 0036). It is the version's
/// resource policy in the authorizer, so a function of another account names the version only when
/// it allows `lambda:GetLayerVersion` to that account or to everyone.
extension LambdaService {
    /// The longest policy a layer version may have, as AWS's.
    static let layerPolicyLimit = 20_480

    @Sendable func addLayerVersionPermission(
        _ input: LambdaAPI.AddLayerVersionPermissionRequest, _ context: CallContext
    ) async throws -> LambdaAPI.AddLayerVersionPermissionResponse {
        let layer = try resolvedLayerVersion(context)
        if input.organizationId != nil, input.principal != "*" {
            throw LambdaError.invalidParameter("OrganizationId can only be specified when Principal is '*'.")
        }
        let statement = LayerStatementRecord(
            statementID: input.statementId, action: input.action, principal: input.principal, organizationID: input.organizationId)
        let size = LayerPolicy.document(layer.statements + [statement], versionARN: layer.versionARN).utf8.count
        if size > Self.layerPolicyLimit {
            throw AWSError(
                code: "PolicyLengthExceededException",
                message: "The final policy size (\(size)) is bigger than the limit (\(Self.layerPolicyLimit)).",
                status: 400)
        }
        let revision = Self.newRevision()
        do {
            try await database.layers.add(
                statement, to: layer.record.key, layer.record.version, expectedRevision: input.revisionId, newRevision: revision)
        } catch StoreError.conflict {
            throw AWSError(
                code: "ResourceConflictException",
                message:
                    "The statement id (\(input.statementId)) provided already exists. Please provide a new statement id, or remove the existing statement.",
                status: 409)
        } catch LayerStoreError.versionNotFound {
            throw LambdaError.layerVersionNotFound()
        } catch LayerStoreError.revisionMismatch {
            throw Self.layerPolicyRevisionMismatch
        }
        return LambdaAPI.AddLayerVersionPermissionResponse(
            statement: LayerPolicy.statement(statement, versionARN: layer.versionARN), revisionId: revision)
    }

    @Sendable func removeLayerVersionPermission(
        _ input: LambdaAPI.RemoveLayerVersionPermissionRequest, _ context: CallContext
    ) async throws -> EmptyOutput {
        let layer = try resolvedLayerVersion(context)
        do {
            try await database.layers.remove(
                statementID: input.statementId, from: layer.record.key, layer.record.version, expectedRevision: input.revisionId,
                newRevision: Self.newRevision())
        } catch StoreError.notFound {
            throw AWSError(code: "ResourceNotFoundException", message: "Statement \(input.statementId) is not found in resource policy.", status: 404)
        } catch LayerStoreError.versionNotFound {
            throw LambdaError.layerVersionNotFound()
        } catch LayerStoreError.revisionMismatch {
            throw Self.layerPolicyRevisionMismatch
        }
        return EmptyOutput()
    }

    @Sendable func getLayerVersionPolicy(
        _ input: LambdaAPI.GetLayerVersionPolicyRequest, _ context: CallContext
    ) async throws -> LambdaAPI.GetLayerVersionPolicyResponse {
        let layer = try resolvedLayerVersion(context)
        guard !layer.statements.isEmpty else {
            throw AWSError(code: "ResourceNotFoundException", message: "No policy is associated with the given resource.", status: 404)
        }
        return LambdaAPI.GetLayerVersionPolicyResponse(
            policy: LayerPolicy.document(layer.statements, versionARN: layer.versionARN), revisionId: layer.record.policyRevision)
    }

    private static let layerPolicyRevisionMismatch = AWSError(
        code: "PreconditionFailedException",
        message:
            "The Revision Id provided does not match the latest Revision Id. Call the GetLayerVersionPolicy API to retrieve the latest Revision Id",
        status: 412)

    /// The layer operations, each with its action and resource as the Service Authorization
    /// Reference gives them: the `layerVersion` resource, the `layer` for PublishLayerVersion, and
    /// none (`*`) for the listings.
    var layerOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "PublishLayerVersion", action: "lambda:PublishLayerVersion", readOnly: false, maxRequestBytes: Self.packageRequestLimit,
                input: LambdaAPI.PublishLayerVersionRequest.self,
                references: { input, _ in Self.codeLocation(Self.layerSource(input.content), members: .layerContent) },
                resources: { input, _, context in [try LayerReference(name: input.layerName, context: context).layerARN] },
                furtherChecks: { input, resolution, _ in
                    Self.codeLocationChecks(
                        Self.layerSource(input.content), members: .layerContent, resolution, readKeys: objects.readConditionKeys(of:))
                },
                handler: publishLayerVersion
            ),
            ServiceOperation(
                "GetLayerVersion", action: "lambda:GetLayerVersion", readOnly: true,
                input: LambdaAPI.GetLayerVersionRequest.self,
                references: { input, context in
                    [try Self.layerVersionReference("LayerName", input.layerName, version: input.versionNumber, context: context)]
                },
                handler: getLayerVersion
            ),
            ServiceOperation(
                "GetLayerVersionByArn", action: "lambda:GetLayerVersion", readOnly: true,
                input: LambdaAPI.GetLayerVersionByArnRequest.self,
                references: { input, context in [try Self.layerVersionReference("Arn", input.arn, context: context)] },
                handler: getLayerVersionByArn
            ),
            ServiceOperation(
                "ListLayers", action: "lambda:ListLayers", readOnly: true,
                input: LambdaAPI.ListLayersRequest.self,
                references: { _, _ in [] },
                handler: listLayers
            ),
            ServiceOperation(
                "ListLayerVersions", action: "lambda:ListLayerVersions", readOnly: true,
                input: LambdaAPI.ListLayerVersionsRequest.self,
                references: { input, context in
                    _ = try LayerReference(name: input.layerName, context: context)
                    return []
                },
                handler: listLayerVersions
            ),
            ServiceOperation(
                "DeleteLayerVersion", action: "lambda:DeleteLayerVersion", readOnly: false,
                input: LambdaAPI.DeleteLayerVersionRequest.self,
                references: { input, context in
                    [try Self.layerVersionReference("LayerName", input.layerName, version: input.versionNumber, context: context)]
                },
                handler: deleteLayerVersion
            ),
            ServiceOperation(
                "AddLayerVersionPermission", action: "lambda:AddLayerVersionPermission", readOnly: false,
                input: LambdaAPI.AddLayerVersionPermissionRequest.self,
                references: { input, context in
                    [try Self.layerVersionReference("LayerName", input.layerName, version: input.versionNumber, context: context)]
                },
                handler: addLayerVersionPermission
            ),
            ServiceOperation(
                "RemoveLayerVersionPermission", action: "lambda:RemoveLayerVersionPermission", readOnly: false,
                input: LambdaAPI.RemoveLayerVersionPermissionRequest.self,
                references: { input, context in
                    [try Self.layerVersionReference("LayerName", input.layerName, version: input.versionNumber, context: context)]
                },
                handler: removeLayerVersionPermission
            ),
            ServiceOperation(
                "GetLayerVersionPolicy", action: "lambda:GetLayerVersionPolicy", readOnly: true,
                input: LambdaAPI.GetLayerVersionPolicyRequest.self,
                references: { input, context in
                    [try Self.layerVersionReference("LayerName", input.layerName, version: input.versionNumber, context: context)]
                },
                handler: getLayerVersionPolicy
            ),
            ServiceOperation(
                LayerArchive.operationName, action: "lambda:GetLayerVersion", readOnly: true,
                input: LayerArchive.Request.self,
                references: { input, context in
                    [try Self.layerVersionReference("LayerName", input.layerName, version: input.versionNumber, context: context)]
                },
                handler: getLayerArchive
            ),
        ]
    }

    /// The code source a PublishLayerVersion names, when complete.
    static func layerSource(_ content: LambdaAPI.LayerVersionContentInput) -> CodeSource? {
        CodeSource.declared(
            zipFile: content.zipFile, s3Bucket: content.s3Bucket, s3Key: content.s3Key, s3ObjectVersion: content.s3ObjectVersion, imageURI: nil)
    }
}
