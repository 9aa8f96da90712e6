import AWSWire
import BulwarkCore
import Foundation
import GRDB
import Store

extension ResourceKind {
    /// A KMS key, named by key id, key ARN, alias name or alias ARN; a `qualifier` names a version of
    /// its material (the one a ciphertext was made with).
    public static let kmsKey = ResourceKind(service: "kms", type: "key")
    /// A KMS alias, by name (`alias/app`) or ARN.
    public static let kmsAlias = ResourceKind(service: "kms", type: "alias")
}

/// A key as the resolve stage found it: its record, the alias it was named by, and the wrapped
/// material of the version the call uses (the current one, or the ciphertext's).
struct ResolvedKey: Sendable {
    let record: KMSKeyRecord
    /// The alias the reference named, when it named one.
    let alias: KMSAliasRecord?
    /// The material version asked for; nil when the key has no such version.
    let material: KMSKeyMaterialRecord?

    var arn: String { record.arn }
}

/// KMS's authority over keys and aliases (DESIGN §1, decision 0005): a reference resolves to the key
/// or alias whose ARN it names exactly — the `aws` partition, the account and region named (a key
/// lives in one region), the key id or alias name as stored (both case-sensitive). An alias is
/// resolved to its key here, once. A key past its deletion date no longer exists.
struct KMSResourceAuthority: ResourceAuthority {
    let database: BulwarkDatabase
    let masterKey: MasterKey
    let clock: WallClock

    var kinds: [ResourceKind] { [.kmsKey, .kmsAlias] }

    func resolve(_ references: [ResourceReference], context: CallContext) async throws -> [ResolvedResource] {
        let parsed = try references.map { try KeyReference($0.text, context: context) }
        let now = clock.now()
        let read: @Sendable () async throws -> [ResolvedResource] = {
            try await database.read { db in
                try zip(references, parsed).map { reference, key in
                    reference.kind == .kmsAlias
                        ? try Self.resolveAlias(reference, key, context: context, db)
                        : try Self.resolveKey(reference, key, now: now, context: context, db)
                }
            }
        }
        let resolved = try await read()
        // Automatic rotation is made lazily, when a key whose rotation date passed is used (decision 0014).
        let due = resolved.compactMap { $0.entity(as: ResolvedKey.self)?.record }.filter { $0.rotationIsDue(at: now) }.map(\.id)
        guard !due.isEmpty else { return resolved }
        try await KeyRotation(database: database, masterKey: masterKey).rotateDue(ids: due, now: now)
        return try await read()
    }

    static func resolveKey(
        _ reference: ResourceReference, _ key: KeyReference, now: Date, context: CallContext, _ db: Database
    ) throws -> ResolvedResource {
        let absent = ResolvedResource.absent(reference, arn: key.typedARN, accountID: key.accountID)
        // A key is used only in its own region: an ARN of another region names no key here.
        guard key.partition == "aws", key.region == context.region else { return absent }
        var alias: KMSAliasRecord?
        var keyID = key.name
        if key.isAlias {
            guard let found = try KMSRepository.alias(db, accountID: key.accountID, region: key.region, name: key.name) else { return absent }
            alias = found
            keyID = found.keyID
        }
        guard let record = try KMSRepository.key(db, id: keyID), record.accountID == key.accountID, record.region == key.region,
            !record.isDeleted(at: now)
        else { return absent }
        let version = reference.qualifier.flatMap(Int.init) ?? record.currentVersion
        let material = try KMSRepository.material(db, keyID: record.id, version: version)
        return ResolvedResource(
            reference: reference, arn: record.arn, entity: ResolvedKey(record: record, alias: alias, material: material),
            accountID: record.accountID, tags: try TagRepository.tags(db, of: record.arn),
            // The key policy with the key's grants (decision 0015).
            policy: KMSGrantPolicy.keyPolicy(record, grants: try KMSRepository.grants(db, keyID: record.id))
        )
    }

    private static func resolveAlias(
        _ reference: ResourceReference, _ key: KeyReference, context: CallContext, _ db: Database
    ) throws
        -> ResolvedResource
    {
        guard key.isAlias else { throw KMSError.validation("Alias must start with the prefix \"alias/\".") }
        let absent = ResolvedResource.absent(reference, arn: key.typedARN, accountID: key.accountID)
        guard key.partition == "aws", key.region == context.region,
            let alias = try KMSRepository.alias(db, accountID: key.accountID, region: key.region, name: key.name)
        else { return absent }
        return ResolvedResource(reference: reference, arn: alias.arn, entity: alias, accountID: alias.accountID)
    }
}
