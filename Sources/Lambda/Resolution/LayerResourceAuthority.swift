import AWSWire
import BulwarkCore
import Foundation
import GRDB
import Store

extension ResourceKind {
    /// A version of a Lambda layer, by layer name or ARN and version number, or by version ARN.
    public static let lambdaLayerVersion = ResourceKind(service: "lambda", type: "layerVersion")
}

/// A layer version as the resolve stage found it, with its policy's statements.
struct ResolvedLayerVersion: Sendable {
    /// The reference in canonical form: the `aws` partition, the account, region and name as stored.
    let reference: LayerReference
    let record: LayerVersionRecord
    let statements: [LayerStatementRecord]

    var versionARN: String { reference.resourceARN }
}

/// Lambda's authority over layer versions (decision 0005, 0036): a reference resolves to the version
/// whose ARN it names exactly — the `aws` partition, the account and region named, the name as
/// stored (case-sensitive) and an existing version number — or to nothing, judged under the ARN typed.
/// A version's policy (AddLayerVersionPermission) is its resource policy: another account uses the
/// version only when it allows `lambda:GetLayerVersion` to that account or to everyone.
struct LayerResourceAuthority: ResourceAuthority {
    let database: BulwarkDatabase

    var kinds: [ResourceKind] { [.lambdaLayerVersion] }

    func resolve(_ references: [ResourceReference], context: CallContext) async throws -> [ResolvedResource] {
        let parsed = try references.map { try LambdaService.layerVersion($0, context: context) }
        return try await database.read { db in
            try zip(references, parsed).map { reference, layer in
                guard layer.partition == "aws", let version = layer.version,
                    let (record, statements) = try LayerRepository.version(db, layer.key, version)
                else { return .absent(reference, arn: layer.resourceARN, accountID: layer.accountID) }
                let found = ResolvedLayerVersion(reference: layer, record: record, statements: statements)
                return ResolvedResource(
                    reference: reference, arn: found.versionARN, entity: found, accountID: layer.accountID,
                    policy: statements.isEmpty
                        ? nil
                        : ResourcePolicy(
                            document: LayerPolicy.document(statements, versionARN: found.versionARN), name: "layer version policy", kind: .resource,
                            governedService: "lambda")
                )
            }
        }
    }
}

extension LambdaService {
    /// The reference to a layer version: the `LayerName` member with the version number of its own
    /// member, or a version ARN (`qualifier` nil).
    static func layerVersionReference(
        _ member: String, _ text: String, version: Int64? = nil, use: ResourceReference.Use = .actedOn, context: CallContext
    ) throws -> ResourceReference {
        let reference = ResourceReference(.lambdaLayerVersion, member: member, text: text, qualifier: version.map(String.init), use: use)
        // Parsed here so that a malformed name is refused before anything is read.
        _ = try layerVersion(reference, context: context)
        return reference
    }

    static func layerVersion(_ reference: ResourceReference, context: CallContext) throws -> LayerReference {
        if let qualifier = reference.qualifier {
            return try LayerReference(name: reference.text, version: Int64(qualifier), context: context)
        }
        return try LayerReference(versionARN: reference.text, context: context)
    }

    /// The layer version the resolve stage found for `member`, or Lambda's not-found error.
    func resolvedLayerVersion(_ context: CallContext, member: String = "LayerName") throws -> ResolvedLayerVersion {
        guard let resolved = context.resolution[member] else {
            throw AWSError.undeclaredReference(.lambdaLayerVersion, requestID: context.requestID)
        }
        guard let layer = resolved.entity(as: ResolvedLayerVersion.self) else { throw LambdaError.layerVersionNotFound() }
        return layer
    }
}
