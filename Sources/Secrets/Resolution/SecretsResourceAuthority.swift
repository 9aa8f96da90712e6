import AWSWire
import BulwarkCore
import Foundation
import GRDB
import KMS
import Store

extension ResourceKind {
    /// A secret, named by name, full ARN or partial ARN (the ARN without its six-character suffix).
    public static let secretsManagerSecret = ResourceKind(service: "secretsmanager", type: "secret")
    /// The KMS key of a secret's version (``SecretKeyQualifier``): not in the input, found through
    /// the secret, so that the key policy judges the `kms:` checks AWS makes on the caller's behalf.
    public static let secretsManagerKMSKey = ResourceKind(service: "secretsmanager", type: "kms-key", trailType: "AWS::KMS::Key")
}

/// Which of a secret's keys a ``ResourceKind/secretsManagerKMSKey`` reference names.
enum SecretKeyQualifier {
    /// The key that encrypts new versions: the secret's customer key, or `aws/secretsmanager`.
    static let encrypting = "encrypting"

    /// The key of the version with a staging label.
    static func stage(_ stage: String) -> String { "stage:\(stage)" }

    /// The key of the version with an id.
    static func version(_ versionID: String) -> String { "version:\(versionID)" }
}

/// A secret as the resolve stage found it, with its versions.
struct ResolvedSecret: Sendable {
    let record: SecretRecord
    let versions: [SecretVersionRecord]
    let tags: [String: String]

    var arn: String { record.arn }
}

/// Secrets Manager's authority over secrets (decision 0005, 0011): a name or partial ARN resolves to
/// the secret of exactly that name, a full ARN to the secret of exactly that ARN (partition `aws`,
/// the account, the request's region, case included); a secret past its deletion date is gone.
struct SecretsResourceAuthority: ResourceAuthority {
    let database: BulwarkDatabase
    let clock: WallClock

    var kinds: [ResourceKind] { [.secretsManagerSecret, .secretsManagerKMSKey] }

    func resolve(_ references: [ResourceReference], context: CallContext) async throws -> [ResolvedResource] {
        let now = clock.now()
        return try await database.read { db in
            // A call's references to the secret and to its KMS key name the same secret: it is read once.
            var secrets: [String: ResolvedSecret?] = [:]
            return try references.map { reference in
                let typed = SecretReference(reference.text, context: context)
                let found: ResolvedSecret?
                if let read = secrets[reference.text] {
                    found = read
                } else {
                    found = try Self.find(typed, context: context, now: now, db)
                    secrets[reference.text] = found
                }
                if reference.kind == .secretsManagerKMSKey {
                    return try Self.key(of: found, reference, context: context, now: now, db)
                }
                guard let found else {
                    let arn = reference.intent == .creating ? SecretReference.newARN(name: typed.name, context: context) : typed.typedARN
                    return .absent(reference, arn: arn, accountID: typed.accountID)
                }
                return ResolvedResource(
                    reference: reference, arn: found.arn, entity: found, accountID: found.record.accountID, tags: found.tags,
                    tagKeyPrefixes: ["aws", "secretsmanager"],
                    policy: found.record.policy.map {
                        ResourcePolicy(
                            document: $0, name: "resource policy", kind: .resource, governedService: "secretsmanager",
                            principalIDs: found.record.policyPrincipals)
                    })
            }
        }
    }

    private static func find(_ typed: SecretReference, context: CallContext, now: Date, _ db: Database) throws -> ResolvedSecret? {
        guard typed.partition == "aws", typed.region == context.region else { return nil }
        var record: SecretRecord?
        if typed.isARN { record = try SecretsRepository.secret(db, arn: typed.typedARN) }
        if record == nil {
            record = try SecretsRepository.secret(db, accountID: typed.accountID, region: typed.region, name: typed.name)
        }
        guard let record, !record.isGone(at: now) else { return nil }
        return ResolvedSecret(
            record: record, versions: try SecretsRepository.versions(db, of: record.arn), tags: try TagRepository.tags(db, of: record.arn))
    }

    private static func key(
        of secret: ResolvedSecret?, _ reference: ResourceReference, context: CallContext, now: Date, _ db: Database
    ) throws
        -> ResolvedResource
    {
        guard let secret else { return .absent(reference, arn: reference.text, accountID: context.accountID) }
        let qualifier = reference.qualifier ?? SecretKeyQualifier.stage(StagingLabels.current)
        let keyText: String?
        if qualifier == SecretKeyQualifier.encrypting {
            keyText = secret.record.kmsKeyARN ?? KMSKeyUse.managedAliasName(service: "secretsmanager")
        } else if qualifier.hasPrefix("version:") {
            keyText = secret.versions.first { $0.versionID == qualifier.dropFirst("version:".count) }?.kmsKeyARN
        } else {
            let stage = String(qualifier.dropFirst("stage:".count))
            keyText = secret.versions.first { $0.stages.contains(stage) }?.kmsKeyARN
        }
        guard let keyText else { return .absent(reference, arn: reference.text, accountID: secret.record.accountID) }
        return try KMSKeyUse.resolve(reference, keyText: keyText, context: context, now: now, db)
    }
}
