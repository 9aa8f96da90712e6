import AWSWire
import BulwarkCore
import Foundation
import GRDB
import Store

extension ResourceKind {
    /// A grant of a KMS key, named by a grant token (`GrantToken`) or by its key and grant id
    /// (`KeyId` as `text`, `GrantId` as `qualifier`).
    public static let kmsGrant = ResourceKind(service: "kms", type: "grant")
}

/// A grant as the resolve stage found it, with its key; `grant` is nil when the key exists but has
/// no such grant.
struct ResolvedGrant: Sendable {
    let grant: KMSGrantRecord?
    let key: KMSKeyRecord
}

/// KMS's authority over grants (`RetireGrant`). A grant resolves to a resource under its key's ARN
/// — the ARN `kms:RetireGrant` is asked on — whose policy is the grant's own retire policy
/// (``KMSGrantPolicy/retirePolicy(_:)``), not the key policy. A grant of another region's key, or
/// one that no longer exists, resolves to nothing.
struct KMSGrantAuthority: ResourceAuthority {
    let database: BulwarkDatabase
    let clock: WallClock

    var kinds: [ResourceKind] { [.kmsGrant] }

    func resolve(_ references: [ResourceReference], context: CallContext) async throws -> [ResolvedResource] {
        let now = clock.now()
        let keys = try references.map { reference in
            reference.member == "GrantToken" ? nil : try KeyReference(reference.text, context: context)
        }
        return try await database.read { db in
            try zip(references, keys).map { reference, typed in
                try Self.resolve(reference, typedKey: typed, now: now, context: context, db)
            }
        }
    }

    private static func resolve(
        _ reference: ResourceReference, typedKey: KeyReference?, now: Date, context: CallContext, _ db: Database
    ) throws -> ResolvedResource {
        let grantID = reference.qualifier ?? ""
        var key: KMSKeyRecord?
        if let typedKey {
            guard typedKey.partition == "aws", typedKey.region == context.region, !typedKey.isAlias else {
                return .absent(reference, arn: typedKey.typedARN, accountID: typedKey.accountID)
            }
            key = try KMSRepository.key(db, id: typedKey.name).flatMap {
                $0.accountID == typedKey.accountID && $0.region == typedKey.region ? $0 : nil
            }
            guard key != nil else { return .absent(reference, arn: typedKey.typedARN, accountID: typedKey.accountID) }
        }
        let grant = try KMSRepository.grant(db, id: grantID)
        if key == nil, let grant { key = try KMSRepository.key(db, id: grant.keyID) }
        guard let key, key.region == context.region, !key.isDeleted(at: now) else {
            return .absent(reference, arn: "*", accountID: context.accountID)
        }
        let tags = try TagRepository.tags(db, of: key.arn)
        guard let grant, grant.keyID == key.id else {
            return ResolvedResource(
                reference: reference, arn: key.arn, entity: ResolvedGrant(grant: nil, key: key), accountID: key.accountID, tags: tags)
        }
        return ResolvedResource(
            reference: reference, arn: key.arn, entity: ResolvedGrant(grant: grant, key: key), accountID: key.accountID, tags: tags,
            policy: KMSGrantPolicy.retirePolicy(grant))
    }
}
