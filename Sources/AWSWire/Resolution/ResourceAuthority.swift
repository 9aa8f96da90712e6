import BulwarkCore

/// A service's authority over the entities it stores: it resolves references of its kinds to the
/// stored entities, exactly.
///
/// Exactly means: a name or ARN resolves to the entity whose canonical ARN it names, never to a
/// near neighbour. A partition Bulwark does not serve, another account, another path, or an ARN
/// differing in case resolves to nothing (``ResolvedResource/absent(_:arn:accountID:)`` under the
/// typed ARN). Names that AWS matches case-insensitively (IAM's) resolve to the stored entity, whose
/// own ARN is then what is judged.
public protocol ResourceAuthority: Sendable {
    /// The kinds it resolves.
    var kinds: [ResourceKind] { get }

    /// Resolves `references`, all of its kinds, in one read of the store: one result per reference,
    /// in order. Throws only for failures of the store or for references that cannot name an
    /// entity of their kind at all (AWS's validation error).
    func resolve(_ references: [ResourceReference], context: CallContext) async throws -> [ResolvedResource]
}

extension AWSError {
    /// A handler asked for an entity that its operation did not declare: a defect of the operation
    /// table, answered as an internal failure rather than resolved on the spot.
    public static func undeclaredReference(_ kind: ResourceKind, requestID: String) -> AWSError {
        .internalFailure(requestID: requestID)
    }
}
