import BulwarkCore

/// The resolve stage of the pipeline: hands each reference of a call to the authority of its kind,
/// one batch (one store read) per authority.
public struct ResourceResolver: Sendable {
    private let authorities: [ResourceKind: any ResourceAuthority]

    public init(authorities: [any ResourceAuthority]) {
        var byKind: [ResourceKind: any ResourceAuthority] = [:]
        for authority in authorities {
            for kind in authority.kinds {
                precondition(byKind[kind] == nil, "two authorities resolve \(kind)")
                byKind[kind] = authority
            }
        }
        self.authorities = byKind
    }

    /// The kinds some authority resolves.
    public var kinds: Set<ResourceKind> { Set(authorities.keys) }

    /// Resolves every reference of a call; the result keeps the declaration's order.
    public func resolve(_ references: [ResourceReference], context: CallContext) async throws -> Resolution {
        guard !references.isEmpty else { return .none }
        var batches: [(authority: any ResourceAuthority, positions: [Int])] = []
        for (position, reference) in references.enumerated() {
            // A kind no service of this server resolves is a defect of the operation table.
            guard let authority = authorities[reference.kind] else {
                throw AWSError.undeclaredReference(reference.kind, requestID: context.requestID)
            }
            if let index = batches.firstIndex(where: { $0.authority.kinds.contains(reference.kind) }) {
                batches[index].positions.append(position)
            } else {
                batches.append((authority, [position]))
            }
        }
        var resolved = [ResolvedResource?](repeating: nil, count: references.count)
        for batch in batches {
            let results = try await batch.authority.resolve(batch.positions.map { references[$0] }, context: context)
            guard results.count == batch.positions.count else { throw AWSError.internalFailure(requestID: context.requestID) }
            for (position, result) in zip(batch.positions, results) { resolved[position] = result }
        }
        return Resolution(resolved.compactMap { $0 })
    }
}
